# siren: GNU make, no autotools.
#
#   make            build siren, the engine library and the notify plugins
#   make run        install missing packages, build, run LMTP on 127.0.0.1:2424
#   make check      install missing packages, build, run every test
#   make conformance  the Pigeonhole Sieve suite through our runner
#   make bench      benchmarks under bench/
#   make fuzz       libFuzzer target (FUZZ_SECONDS=60 for the smoke run)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Objects live under $(B) (build/ by default); SAN=1 builds an
# AddressSanitizer + UndefinedBehaviorSanitizer tree under build-asan/.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR := $(PREFIX)/bin
LIBDIR := $(PREFIX)/lib/siren
INCDIR := $(PREFIX)/include/siren
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)

CC ?= cc
PKGS := libpcre2-8 jansson libcurl inih libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
ifeq ($(SAN),1)
B ?= build-asan
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
B ?= build
endif
# sieve/ is searched for "quoted" includes only (-iquote): an engine header
# can never shadow a system one, and unlike -idirafter (a system
# directory for -MMD) changes to sieve.h still rebuild what includes it.
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC $(WARN) $(CFLAGS) $(PKG_CFLAGS) \
	-DSIREN_VERSION='"$(VERSION)"' -DSIREN_LIBDIR='"$(LIBDIR)"' \
	-I. -iquote sieve -Inotify-methods
LIBS := $(PKG_LIBS) -lm -ldl

# ---- sources: each folder is a layer -------------------------------------
SIEVE_SRC := $(wildcard sieve/*.c)
MDA_SRC := $(filter-out mda/main.c,$(wildcard mda/*.c))
PLUGINS := $(notdir $(patsubst %/,%,$(dir $(wildcard notify-methods/*/*.c))))
PLUGINS := $(sort $(PLUGINS))
PLUGIN_COMMON := $(wildcard notify-methods/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
CONF_SRC := $(wildcard tests/conformance/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/*.c)

SIEVE_LIB := $(B)/libsieve-engine.a
MDA_LIB := $(B)/libsiren-mda.a
SIREN := $(B)/siren
PLUGIN_SO := $(foreach p,$(PLUGINS),$(B)/notify/$(p).so)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
TESTSUITE := $(if $(CONF_SRC),$(B)/sieve-testsuite)

.PHONY: all run check unit conformance bench fuzz install clean deps \
	check-layers tests
all: $(SIREN) $(PLUGIN_SO) $(TESTSUITE)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(SIEVE_LIB): $(SIEVE_SRC:%.c=$(B)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(MDA_LIB): $(MDA_SRC:%.c=$(B)/%.o)
	@rm -f $@
	ar rcs $@ $^

$(SIREN): $(B)/mda/main.o $(MDA_LIB) $(SIEVE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# One shared object per notify-methods/<name>/, plus the shared helpers.
.SECONDEXPANSION:
# (No '%' inside the secondary expansion: make would put the stem there.)
$(B)/notify/%.so: $$(addprefix $(B)/,$$(addsuffix .o,$$(basename \
		$$(wildcard notify-methods/$$*/*.c)))) \
		$(PLUGIN_COMMON:%.c=$(B)/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -o $@ $^ $(PKG_LIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(MDA_LIB) $(SIEVE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The Pigeonhole suite runner: our engine plus the test-only
# vnd.dovecot.testsuite extension, which users' scripts never see.
$(B)/sieve-testsuite: $(CONF_SRC:%.c=$(B)/%.o) $(SIEVE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Test-only plugins for the loader's unit tests; the unit tests also
# dlopen this tree's notify plugins, so they are built here too.
TEST_PLUGIN_SO := $(patsubst tests/plugins/%.c,$(B)/tests/plugins/%.so,\
	$(wildcard tests/plugins/*.c))
$(B)/tests/plugins/%.so: $(B)/tests/plugins/%.o
	$(CC) $(LDFLAGS) -shared -o $@ $^
# The README's example plugin, built the way its comment says (one cc).
TEST_PLUGIN_SO += $(B)/tests/plugins/hello.so
$(B)/tests/plugins/hello.so: examples/notify-plugin/hello.c \
		notify-methods/siren-notify.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -fPIC -o $@ $< -Inotify-methods

# In-process Sieve throughput (bench/sieve.sh); not part of `all`.
$(B)/sieve-bench: $(B)/bench/sieve_bench.o $(SIEVE_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

tests: $(UNIT_BIN) $(PLUGIN_SO) $(TEST_PLUGIN_SO)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---- the two commands ----------------------------------------------------
deps:
	@scripts/deps.sh build

NPROC := $(shell nproc 2>/dev/null || echo 2)

run: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@mkdir -p var/mail var/spool
	exec $(SIREN) lmtp -c examples/siren.conf

check:
	@scripts/deps.sh test
	@scripts/check.sh

# Unit tests alone, under ASan + UBSan.
unit:
	@$(MAKE) --no-print-directory SAN=1 tests
	@scripts/run-unit.sh build-asan

check-layers:
	@scripts/check-layers.sh

conformance: all
	@scripts/conformance.sh $(B)/sieve-testsuite

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	@bench/run.sh

FUZZ_SECONDS ?= 60
fuzz:
	@scripts/deps.sh test
	@scripts/fuzz.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/notify \
		$(DESTDIR)$(INCDIR) $(DESTDIR)$(SYSCONFDIR)/siren
	install -m 755 $(SIREN) $(DESTDIR)$(BINDIR)/siren
	$(if $(PLUGIN_SO),install -m 644 $(PLUGIN_SO) $(DESTDIR)$(LIBDIR)/notify/)
	install -m 644 sieve/sieve.h $(DESTDIR)$(INCDIR)/sieve.h
	$(if $(wildcard notify-methods/siren-notify.h),install -m 644 \
		notify-methods/siren-notify.h $(DESTDIR)$(INCDIR)/)
	install -m 644 examples/siren.conf \
		$(DESTDIR)$(SYSCONFDIR)/siren/siren.conf.example

clean:
	rm -rf build build-asan build-fuzz var/tmp-test
