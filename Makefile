# linkem — build, test, install.  See README.md.
#
#   make              build into build/ (warnings are errors)
#   make check        install what is missing, build, run every test
#   make check-san    the same tests built with ASan + UBSan (build-san/)
#   make demo         three peers that ping each other
#   make install      PREFIX=/usr/local DESTDIR=

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=

SAN ?=
ifeq ($(SAN),1)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
else
BUILD ?= build
SAN_FLAGS :=
endif

CC ?= cc
PKGS := libmnl libcap-ng libseccomp jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wformat=2 -Wswitch-default -Wvla \
	-Wno-missing-field-initializers
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu17 -D_GNU_SOURCE -fPIC -fvisibility=hidden \
	-Iinclude -I. $(WARN) $(PKG_CFLAGS) $(CFLAGS) $(SAN_FLAGS) \
	-DLK_VERSION=\"$(VERSION)\" -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS)

LIB_SRCS := $(sort $(filter-out launcher/cmd_%.c, \
	$(wildcard common/*.c model/*.c netsetup/*.c userspace/*.c policies/*.c \
	launcher/*.c)))
# Generated sources (mk/*.mk may add to this).
GEN_SRCS :=
UNIT_SRCS := $(wildcard tests/unit/*.c)
INTEG_SRCS := $(wildcard tests/integration/*.c)
VMTEST_SRCS := $(wildcard tests/vm/*.c)
SUPPORT_SRCS := $(wildcard tests/support/*.c)
PROG_SRCS := $(wildcard tests/progs/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB_A := $(BUILD)/liblinkem.a
LIB_SO := $(BUILD)/liblinkem.so.0
PROGRAMS := $(patsubst launcher/cmd_%.c,$(BUILD)/linkem-%, \
	$(wildcard launcher/cmd_*.c))
TEST_PROGS := $(patsubst tests/progs/%.c,$(BUILD)/tests/progs/%,$(PROG_SRCS))

.PHONY: all lib programs tests check check-run check-san check-layers demo \
	deps install uninstall clean format
all: programs lib

-include $(wildcard mk/*.mk)

lib: $(LIB_A) $(LIB_SO) $(BUILD)/linkem.pc
programs: $(PROGRAMS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

LIB_OBJS := $(call obj,$(LIB_SRCS)) $(GEN_SRCS:.c=.o)

$(LIB_A): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIB_SO): $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,liblinkem.so.0 $(ALL_LDFLAGS) -o $@ $^ \
		$(PKG_LIBS)
	ln -sf liblinkem.so.0 $(BUILD)/liblinkem.so

$(BUILD)/linkem-%: $(BUILD)/obj/launcher/cmd_%.o $(LIB_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/linkem.pc: linkem.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(VERSION)|' $< > $@

# Tests: one Criterion binary per tier.
$(BUILD)/tests/unit-tests: $(call obj,$(UNIT_SRCS) $(SUPPORT_SRCS)) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcriterion

$(BUILD)/tests/integration-tests: $(call obj,$(INTEG_SRCS) $(SUPPORT_SRCS)) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcriterion

$(BUILD)/tests/vm-tests: $(call obj,$(VMTEST_SRCS) $(SUPPORT_SRCS)) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcriterion

$(BUILD)/tests/progs/%: $(BUILD)/obj/tests/progs/%.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

tests: all $(BUILD)/tests/unit-tests $(BUILD)/tests/integration-tests \
	$(TEST_PROGS)

# The README's test command.  Installs what is missing first, then runs a
# sub-make so that pkg-config sees the freshly installed libraries.
check: deps
	$(MAKE) --no-print-directory check-run

# Under the sanitizers, LeakSanitizer cannot run inside peers (it needs
# ptrace, which the seccomp profiles refuse): leaks are checked by the
# unit tests only.
INTEG_ENV := $(if $(filter 1,$(SAN)),ASAN_OPTIONS=detect_leaks=0)

# tests/run-suite.sh repeats what failed at the end of each run.
check-run: tests check-layers
	LINKEM_BUILD=$(abspath $(BUILD)) tests/run-suite.sh \
		$(BUILD)/tests/unit-tests
	LINKEM_BUILD=$(abspath $(BUILD)) $(INTEG_ENV) tests/run-suite.sh \
		$(BUILD)/tests/integration-tests --jobs 1
	LINKEM_BUILD=$(abspath $(BUILD)) LINKEM_TEST_ENGINE=userspace \
		$(INTEG_ENV) tests/run-suite.sh \
		$(BUILD)/tests/behaviour-tests --jobs 1

# Includes point down the layers written in layers.rules; no circles.
check-layers:
	scripts/check-layers.sh layers.rules

check-san: deps
	$(MAKE) --no-print-directory SAN=1 check-run

demo: deps
	$(MAKE) --no-print-directory all
	scripts/demo.sh $(BUILD)/linkem-launch

deps:
	@scripts/deps.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf liblinkem.so.0 $(DESTDIR)$(LIBDIR)/liblinkem.so
	install -m 0644 include/linkem.h $(DESTDIR)$(INCDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(VERSION)|' \
		linkem.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/linkem.pc
	install -m 0644 $(wildcard docs/*.1) $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(PROGRAMS)))
	rm -f $(DESTDIR)$(LIBDIR)/liblinkem.a $(DESTDIR)$(LIBDIR)/liblinkem.so \
		$(DESTDIR)$(LIBDIR)/liblinkem.so.0 $(DESTDIR)$(INCDIR)/linkem.h \
		$(DESTDIR)$(PKGCONFIGDIR)/linkem.pc
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(wildcard docs/*.1)))

format:
	clang-format -i $(wildcard */*.c */*.h tests/*/*.c tests/*/*.h)

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
