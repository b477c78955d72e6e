-- expect: 1 /attempt to index a nil value \(global 'os'\)/ --sandbox
os.execute("echo escaped")
