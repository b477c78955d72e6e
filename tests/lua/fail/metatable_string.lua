-- expect: 1 /attempt to index a boolean value/ --sandbox
getmetatable("").__index.dump = load
