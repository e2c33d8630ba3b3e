# lambdactl - one GNU Makefile, no recursion but for `make test` and `make deb`.
# Targets: all test unit e2e lint bench install uninstall deb clean deps.

VERSION = 0.1.0

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
SCHEMADIR   ?= $(PREFIX)/share/lambdactl/schema
INSTALL     ?= install

PKGS      = libcurl libcrypto yaml-0.1 libcjson libzip libmicrohttpd libxml-2.0 zlib
TEST_PKGS = cmocka

WARN = -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wwrite-strings -Wformat=2 -Wvla
CFLAGS ?= -O2 -g
LC_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
            -DLC_VERSION=\"$(VERSION)\" $(WARN) -MMD -MP

# SANITIZE=1 builds into build/san with ASan + UBSan (what `make test` runs).
ifeq ($(SANITIZE),1)
BUILD = build/san
SAN   = -fsanitize=address,undefined,float-cast-overflow \
        -fno-sanitize-recover=all -fno-omit-frame-pointer
BIN   = $(BUILD)/lambdactl
else ifeq ($(FUZZ),1)
# FUZZ=1 (what `make fuzz` runs): clang, libFuzzer's coverage, ASan + UBSan.
BUILD = build/fuzz
CC    = clang
SAN   = -fsanitize=fuzzer-no-link,address,undefined,float-cast-overflow \
        -fno-sanitize-recover=all -fno-omit-frame-pointer
BIN   = $(BUILD)/lambdactl
else
BUILD = build/rel
SAN   =
BIN   = lambdactl
endif

# Goals that need no libraries: no pkg-config check for them.
NODEP_GOALS = test deps clean uninstall fuzz deb
ifneq ($(filter-out $(NODEP_GOALS),$(or $(MAKECMDGOALS),all)),)
missing := $(strip $(foreach p,$(PKGS) $(TEST_PKGS),$(if $(shell pkg-config --exists $(p) && echo y),,$(p))))
ifneq ($(missing),)
$(error missing libraries (pkg-config): $(missing); run 'scripts/install-deps.sh' or install their Debian -dev packages)
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
TEST_CFLAGS := $(shell pkg-config --cflags $(TEST_PKGS))
TEST_LIBS   := $(shell pkg-config --libs $(TEST_PKGS))
endif

SRCS      := $(sort $(wildcard src/*.c))
CMD_SRCS  := src/main.c src/cmd.c $(filter src/cmd-%.c,$(SRCS))
LIB_SRCS  := $(filter-out $(CMD_SRCS),$(SRCS))
LIB_OBJS  := $(LIB_SRCS:src/%.c=$(BUILD)/%.o) $(BUILD)/gen/langrt-files.o
# The runtime loops lambdactl carries inside itself (src/langrt.h).
RT_FILES  := $(sort $(shell find runtimes -type f ! -name '*~' ! -name '*.pyc' ! -path '*/__pycache__/*' 2>/dev/null))
CMD_OBJS  := $(CMD_SRCS:src/%.c=$(BUILD)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
LIBLC     := $(BUILD)/liblambdactl.a
# tests/fuzz/fuzz-NAME.c: a libFuzzer target; tests/fuzz/corpus/NAME/ its
# seeds and every fixed bug's reproducer.  `make test` replays the corpus
# through a plain driver (replay.c); `make fuzz` runs libFuzzer.
FUZZ_SRCS   := $(sort $(wildcard tests/fuzz/fuzz-*.c))
REPLAY_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/replay/%)
FUZZ_BINS   := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzzer/%)

all: $(BIN)

$(BIN): $(CMD_OBJS) $(LIBLC)
	$(CC) -pthread $(SAN) $(LDFLAGS) -o $@ $(CMD_OBJS) $(LIBLC) $(PKG_LIBS)

$(LIBLC): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

$(BUILD)/gen/langrt-files.c: $(RT_FILES) scripts/embed.sh
	@mkdir -p $(@D)
	scripts/embed.sh $(RT_FILES) >$@.tmp && mv $@.tmp $@

$(BUILD)/gen/langrt-files.o: $(BUILD)/gen/langrt-files.c
	$(CC) $(LC_CFLAGS) -Isrc $(SAN) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(LC_CFLAGS) $(PKG_CFLAGS) $(SAN) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBLC)
	@mkdir -p $(@D)
	$(CC) $(LC_CFLAGS) -Isrc $(PKG_CFLAGS) $(TEST_CFLAGS) $(SAN) $(CFLAGS) \
	    -o $@ $< $(LIBLC) $(PKG_LIBS) $(TEST_LIBS)

$(BUILD)/replay/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.c $(LIBLC)
	@mkdir -p $(@D)
	$(CC) $(LC_CFLAGS) -Isrc $(PKG_CFLAGS) $(SAN) $(CFLAGS) \
	    -DFUZZ_CORPUS=\"tests/fuzz/corpus/$*\" \
	    -o $@ $< tests/fuzz/replay.c $(LIBLC) $(PKG_LIBS)

$(BUILD)/fuzzer/fuzz-%: tests/fuzz/fuzz-%.c $(LIBLC)
	@mkdir -p $(@D)
	$(CC) $(LC_CFLAGS) -Isrc $(PKG_CFLAGS) $(SAN) -fsanitize=fuzzer \
	    $(CFLAGS) -o $@ $< $(LIBLC) $(PKG_LIBS)

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d) $(UNIT_BINS:=.d)

# The README's test command: installs what is missing, builds the release
# binary (-O2 warns about what the sanitizer build does not: it must stay
# clean), then builds with the sanitizers and runs every unit, replay and
# end-to-end test.
test:
	@scripts/install-deps.sh
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory SANITIZE=1 check

check: $(BIN) $(UNIT_BINS) $(REPLAY_BINS)
	@LAMBDACTL=$(abspath $(BIN)) tests/run.sh $(UNIT_BINS) $(REPLAY_BINS) $(sort $(wildcard tests/e2e/t[0-9]*.sh))

unit: $(UNIT_BINS) $(REPLAY_BINS)
	@tests/run.sh $(UNIT_BINS) $(REPLAY_BINS)

# libFuzzer on every target (or FUZZ_TARGETS="manifest sigv4"), each for
# FUZZ_SECONDS; new crashes land in build/fuzz/artifacts/NAME/.
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-run

fuzz-run: $(FUZZ_BINS)
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(if $(FUZZ_TARGETS),$(FUZZ_TARGETS:%=$(BUILD)/fuzzer/fuzz-%),$(FUZZ_BINS))

e2e: $(BIN)
	@LAMBDACTL=$(abspath $(BIN)) tests/run.sh $(sort $(wildcard tests/e2e/t[0-9]*.sh))

deps:
	@scripts/install-deps.sh

lint:
	mandoc -Tlint -W warning $(wildcard man/*.1 man/*.5)
	cppcheck --quiet --error-exitcode=1 --std=c11 src

# bench/lib.sh is sourced by the others, not a benchmark.
bench: $(BIN)
	@for b in $(filter-out bench/lib.sh,$(wildcard bench/*.sh)); do \
	    echo "== $$b"; LAMBDACTL=$(abspath $(BIN)) bash $$b || exit 1; done

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(BASHCOMPDIR) \
	    $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(BINDIR)/lambdactl
	$(INSTALL) -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	$(if $(wildcard man/*.5),$(INSTALL) -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/)
	$(INSTALL) -m 644 completions/lambdactl.bash $(DESTDIR)$(BASHCOMPDIR)/lambdactl
	$(INSTALL) -m 644 completions/_lambdactl $(DESTDIR)$(ZSHCOMPDIR)/_lambdactl
	$(INSTALL) -m 644 completions/lambdactl.fish $(DESTDIR)$(FISHCOMPDIR)/lambdactl.fish
	$(if $(wildcard schema/*.json),$(INSTALL) -d $(DESTDIR)$(SCHEMADIR) && \
	    $(INSTALL) -m 644 schema/*.json $(DESTDIR)$(SCHEMADIR)/)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lambdactl $(DESTDIR)$(MANDIR)/man1/lambdactl*.1 \
	    $(DESTDIR)$(MANDIR)/man5/lambda.yml.5 $(DESTDIR)$(BASHCOMPDIR)/lambdactl \
	    $(DESTDIR)$(ZSHCOMPDIR)/_lambdactl $(DESTDIR)$(FISHCOMPDIR)/lambdactl.fish \
	    $(DESTDIR)$(SCHEMADIR)/*.json
	rmdir $(DESTDIR)$(SCHEMADIR) $(dir $(DESTDIR)$(SCHEMADIR)) 2>/dev/null || true

# build/deb/lambdactl_$(VERSION)_ARCH.deb, by dpkg-dev's own tools from
# its own hardened build in build/deb/obj (scripts/deb.sh says how).
deb:
	+@MAKE='$(MAKE)' scripts/deb.sh $(VERSION)

clean:
	rm -rf build lambdactl

.PHONY: all test check unit e2e fuzz fuzz-run deps lint bench install uninstall \
	deb clean
