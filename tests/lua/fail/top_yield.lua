-- expect: 1 /yielded outside vmlab.wait/
coroutine.yield(1)
