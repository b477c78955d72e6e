-- expect: 1 /attempt to call a nil value \(global 'dofile'\)/ --sandbox
dofile("/etc/passwd")
