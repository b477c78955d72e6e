# vmlab -- educational virtual-machine simulator and VM-monitor lab.
#
#   make            build build/vmlab (and the toyos image when it exists)
#   make check      build and run every test
#   make demo       install missing packages, build, run the demo guest
#   make labs      the labs' starters, instructor folders, bundles (build/labs/)
#   make install PREFIX=/usr/local
#   make SANITIZE=1 ...   AddressSanitizer + UBSan build in build-san/
#   make CC=clang SANITIZE=1 check   the same with clang (build-san-clang/):
#                   clang's UBSan finds what gcc's does not
#   make fuzz       libFuzzer targets (clang) in build-fuzz/; make fuzz-smoke
#                   replays tests/fuzz/corpus/ under the sanitizer build
#
# Sources: sim/ (the machine), sim/asm/ (assembler, disassembler), monitor/
# (the VMM), ui/dbg/ (debugger core), ui/lua/ (Lua scripting), ui/grade/
# (the autograder), ui/tui/ (the full-screen debugger), ui/cli/ (the vmlab
# command).
# Dependencies point one way, ui/cli -> ui/tui, ui/grade -> ui/lua ->
# ui/dbg -> monitor -> sim;
# tests/unit/check_*.c are Check suites.

PREFIX  ?= /usr/local
CC      ?= cc
PKG     ?= pkg-config
SANITIZE ?= 0

# The compiler's name picks the build directory, so gcc and clang builds
# live side by side (build/, build-san/, build-clang/, build-san-clang/).
CLANG   := $(if $(findstring clang,$(notdir $(CC))),-clang)
ifeq ($(FUZZ),1)
# libFuzzer targets (make fuzz): clang, the library built for coverage
BUILD   := build-fuzz
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all
OPT     := -O1 -g
else ifeq ($(SANITIZE),1)
BUILD   := build-san$(CLANG)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     := -O1 -g
else
BUILD   := build$(CLANG)
SANFLAGS :=
OPT     := -O2 -g
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
CFLAGS  ?= $(OPT)
ALL_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 $(WARN) $(CFLAGS) $(SANFLAGS) \
           -I. -MMD -MP
LDFLAGS += $(SANFLAGS)

CHECK_CFLAGS := $(shell $(PKG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG) --libs check 2>/dev/null)

SIM_SRC     := $(wildcard sim/*.c sim/asm/*.c)
MONITOR_SRC := $(wildcard monitor/*.c)
UI_SRC      := $(filter-out ui/cli/main.c,$(wildcard ui/dbg/*.c ui/lua/*.c ui/grade/*.c \
               ui/tui/*.c ui/cli/*.c))
LIB_SRC     := $(SIM_SRC) $(MONITOR_SRC) $(UI_SRC)
# The grader's runner and the platform bundles' scripts, carried inside
# build/vmlab as C strings (ui/grade/embed.awk).
GRADE_EMBED := ui/grade/grader.lua $(sort $(wildcard ui/grade/bundle/*))
LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/grade_embed.o
LIB         := $(BUILD)/libvmlab.a
VMLAB       := $(BUILD)/vmlab

UNIT_SRC    := $(wildcard tests/unit/check_*.c)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_HELP   := $(wildcard tests/unit/helpers/*.c)
UNIT_HOBJ   := $(UNIT_HELP:%.c=$(BUILD)/obj/%.o)

READLINE_CFLAGS := $(shell $(PKG) --cflags readline 2>/dev/null)
READLINE_LIBS   := $(shell $(PKG) --libs readline 2>/dev/null || echo -lreadline)
# Lua 5.4 for ui/lua (Debian liblua5.4-dev); only ui/lua includes its headers.
LUA_CFLAGS  := $(shell $(PKG) --cflags lua5.4 2>/dev/null)
LUA_LIBS    := $(shell $(PKG) --libs lua5.4 2>/dev/null || echo -llua5.4)
$(BUILD)/obj/ui/lua/%.o: ALL_CFLAGS += $(LUA_CFLAGS)
# ncursesw for ui/tui (Debian libncurses-dev); only ui/tui includes its headers.
NCURSES_CFLAGS := $(shell $(PKG) --cflags ncursesw 2>/dev/null)
NCURSES_LIBS   := $(shell $(PKG) --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
$(BUILD)/obj/ui/tui/%.o: ALL_CFLAGS += $(NCURSES_CFLAGS)
$(BUILD)/obj/ui/grade/%.o: ALL_CFLAGS += $(LUA_CFLAGS)
LIBS        := $(READLINE_LIBS) $(LUA_LIBS) $(NCURSES_LIBS) -lm

# Guest programs built with build/vmlab itself (toyos, labs): each
# labs/*/*.mk adds its images to GUEST_IMAGES.
.DEFAULT_GOAL := all
GUEST_IMAGES :=
-include $(wildcard labs/*/*.mk)

.SECONDARY:
.PHONY: all check check-run unit-tests guest-tests demo install clean deps labs
all: $(VMLAB) $(GUEST_IMAGES)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(READLINE_CFLAGS) -c $< -o $@

$(BUILD)/gen/grade_embed.c: ui/grade/embed.awk $(GRADE_EMBED)
	@mkdir -p $(dir $@)
	awk -f ui/grade/embed.awk $(GRADE_EMBED) >$@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(VMLAB): $(BUILD)/obj/ui/cli/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/check_%: $(BUILD)/obj/tests/unit/check_%.o $(UNIT_HOBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LIBS)

# Every test: Check suites, guest programs with golden output, assembler
# diagnostics, docs in sync.  tests/run-all prints one summary line last.
# On a fresh machine the Check library (or readline) may be missing: then
# scripts/install-deps.sh installs what is missing (root or sudo), or says
# the one command that does, before anything is compiled.
check:
	@$(PKG) --exists check readline ncursesw 2>/dev/null || bash scripts/install-deps.sh
	@$(MAKE) --no-print-directory check-run

check-run: $(VMLAB) $(GUEST_IMAGES) $(UNIT_BIN)
	@BUILD=$(BUILD) bash tests/run-all

# ---- labs (docs/teaching.md) ------------------------------------------
# make labs: for every labs/NN-name/, the student starter, the instructor
# folder and the Gradescope and PrairieLearn bundles in $(BUILD)/labs/NN-name/
# (scripts/mklab).
LABS := $(patsubst %/,%,$(wildcard labs/[0-9][0-9]-*/))
labs: $(VMLAB)
	@for l in $(LABS); do \
		VMLAB=$(VMLAB) scripts/mklab $$l $(BUILD)/labs/$${l#labs/} || exit 1; \
	done

# ---- fuzzing (tests/fuzz/README.md) ------------------------------------
# make fuzz        libFuzzer targets in build-fuzz/fuzz/ (needs clang), or,
#                  without clang, the replay drivers in build-san/fuzz/
# make fuzz-smoke  replay every corpus under the sanitizer build (CI)
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_COMMON := $(BUILD)/obj/tests/fuzz/common.o
FUZZ_BIN    := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)
HAVE_CLANG  := $(shell command -v clang >/dev/null 2>&1 && echo yes)
# The assembler's seeds are the sources tests/ already holds (not copies);
# the other targets' seeds, and every crasher found, live in corpus/NAME/.
FUZZ_SEEDS_asm := $(wildcard tests/guest/*.s tests/guest/*.inc tests/asm/errors/*.s \
                  tests/asm/warnings/*.s) tests/fuzz/ckpt_prog.s

$(BUILD)/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_COMMON) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

$(BUILD)/fuzz/replay_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o \
		$(FUZZ_COMMON) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

.PHONY: fuzz fuzz-targets fuzz-replay fuzz-smoke
fuzz:
ifeq ($(HAVE_CLANG),yes)
	@$(MAKE) --no-print-directory FUZZ=1 CC=clang fuzz-targets
else
	@echo "fuzz: no clang here: building the replay drivers (make fuzz-smoke runs them)"
	@$(MAKE) --no-print-directory SANITIZE=1 $(FUZZ_NAMES:%=build-san/fuzz/replay_%)
endif

fuzz-targets: $(FUZZ_BIN)

fuzz-replay: $(FUZZ_REPLAY)
	@for n in $(FUZZ_NAMES); do \
		seeds=; [ -d tests/fuzz/corpus/$$n ] && seeds=tests/fuzz/corpus/$$n; \
		[ $$n = asm ] && seeds="$$seeds $(FUZZ_SEEDS_asm)"; \
		$(BUILD)/fuzz/replay_$$n $$seeds 2>$(BUILD)/fuzz/$$n.log || \
			{ tail -30 $(BUILD)/fuzz/$$n.log; echo "fuzz-smoke: $$n FAILED"; exit 1; }; \
		echo "fuzz-smoke: $$n: $$(tail -1 $(BUILD)/fuzz/$$n.log)"; \
	done

fuzz-smoke:
	@$(MAKE) --no-print-directory SANITIZE=1 fuzz-replay

demo:
	@bash scripts/install-deps.sh
	@$(MAKE) --no-print-directory all
	@bash scripts/demo.sh $(BUILD)/vmlab $(BUILD)/toyos.elf

deps:
	@bash scripts/install-deps.sh

install: $(VMLAB) $(GUEST_IMAGES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/vmlab $(DESTDIR)$(PREFIX)/share/vmlab
	install -m 755 $(VMLAB) $(DESTDIR)$(PREFIX)/bin/vmlab
	install -m 644 $(GUEST_IMAGES) $(DESTDIR)$(PREFIX)/share/vmlab/
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/vmlab/

clean:
	rm -rf build build-san build-clang build-san-clang build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
