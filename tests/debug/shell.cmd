# shell runs a host command, its output (and errors) in the transcript.
# status: 1
shell echo hello from the host; echo oops >&2
shell
