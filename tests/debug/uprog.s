# uprog.s -- a user program built on its own, for add-symbol-file: the
# debugger is told where a kernel runs it (tests/debug/symfile.cmd).
        .text
uentry:
        li    a0, 1
        call  uhelper
uloop:  j     uloop
uhelper:
        ret
