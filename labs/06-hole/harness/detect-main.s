# detect-main.s -- the lab's wrapper around the student's detect.s: the
# program boots at _start (in detect.s) in ring 0.  Kept in a subfolder so
# that the assembler finds detect.s in the submission, not beside it.
        .include "detect.s"
