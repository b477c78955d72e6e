# vmlab -- educational virtual-machine simulator and VM-monitor lab.
#
#   make            build build/vmlab (and the toyos image when it exists)
#   make check      build and run every test
#   make demo       install missing packages, build, run the demo guest
#   make install PREFIX=/usr/local
#   make SANITIZE=1 ...   AddressSanitizer + UBSan build in build-san/
#
# Sources: sim/ (the machine), sim/asm/ (assembler, disassembler), monitor/
# (the VMM), ui/dbg/ (debugger core), ui/cli/ (the vmlab command).
# Dependencies point one way, ui/cli -> ui/dbg -> monitor -> sim;
# tests/unit/check_*.c are Check suites.

PREFIX  ?= /usr/local
CC      ?= cc
PKG     ?= pkg-config
SANITIZE ?= 0

ifeq ($(SANITIZE),1)
BUILD   := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT     := -O1 -g
else
BUILD   := build
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
UI_SRC      := $(filter-out ui/cli/main.c,$(wildcard ui/dbg/*.c ui/lua/*.c ui/cli/*.c))
LIB_SRC     := $(SIM_SRC) $(MONITOR_SRC) $(UI_SRC)
LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
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
LIBS        := $(READLINE_LIBS) $(LUA_LIBS) -lm

# Guest programs built with build/vmlab itself (toyos, labs): each
# labs/*/*.mk adds its images to GUEST_IMAGES.
.DEFAULT_GOAL := all
GUEST_IMAGES :=
-include $(wildcard labs/*/*.mk)

.SECONDARY:
.PHONY: all check unit-tests guest-tests demo install clean deps
all: $(VMLAB) $(GUEST_IMAGES)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(READLINE_CFLAGS) -c $< -o $@

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
check: $(VMLAB) $(GUEST_IMAGES) $(UNIT_BIN)
	@BUILD=$(BUILD) bash tests/run-all

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
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
