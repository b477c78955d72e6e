-- expect: 1 /attempt to call a nil value \(global 'collectgarbage'\)/ --sandbox
collectgarbage("stop")
