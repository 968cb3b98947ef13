# evstudy — build, test, install.
#
#   make deps      install the Debian packages (uses sudo when not root)
#   make           build libevstudy.a and the evstudy program
#   make demo      run the bundled January 2025 selloff study into out/deepseek-2025/
#   make check     all tests: unit + end-to-end, plain and under ASan+UBSan
#   make fuzz      every libFuzzer target for FUZZ_SECONDS each (clang; docs/FUZZING.md)
#   make check-valgrind  unit tests + end-to-end cases under valgrind
#   make check-fault     an `evstudy run` failing at every allocation and write
#   make install PREFIX=/usr/local
#
# Objects go to $(BUILDDIR) (build/ by default; build/asan for the sanitizer
# build), so a plain and a sanitizer build never mix.

PREFIX   ?= /usr/local
CC       ?= cc
BUILDDIR ?= build
CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
STD       = -std=c11 -D_GNU_SOURCE
MODULES   = core analysis fetch plots cli
INCLUDES  = $(addprefix -I,$(MODULES))

# Debian package names for `make deps`.
DEBS = build-essential pkg-config libgsl-dev libcmocka-dev libjansson-dev gnuplot-nox chromium poppler-utils \
       libcurl4-openssl-dev libxml2-dev tzdata \
       clang libclang-rt-14-dev valgrind

# Libraries come from pkg-config; `=` (not `:=`) so that `make deps all`
# finds packages that deps has just installed.
PKGS      = gsl jansson libcurl libxml-2.0
TEST_PKGS = cmocka
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lgsl -lgslcblas -lcurl -ljansson -lxml2) -lm -lpthread
TEST_LIBS  = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null || echo -lcmocka)

ifeq ($(SANITIZE),1)
  SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ifeq ($(FUZZ),1)
  # library objects for the fuzz targets: instrumented, no main
  SAN = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ifeq ($(FAULT),1)
  FAULTDEF = -DEVS_FAULT_INJECTION
endif

ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(SAN) $(FAULTDEF) $(INCLUDES) $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

LIB_SRC  = $(sort $(wildcard core/*.c analysis/*.c fetch/*.c plots/*.c))
CLI_SRC  = $(sort $(wildcard cli/*.c))
TEST_SRC = $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILDDIR)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILDDIR)/%.o)
TEST_BIN = $(TEST_SRC:tests/unit/%.c=$(BUILDDIR)/tests/%)
LIB      = $(BUILDDIR)/libevstudy.a
BIN      = $(BUILDDIR)/evstudy

.PHONY: all deps demo browser check check-plain check-asan unit cases install uninstall clean bench \
        lib fuzz fuzz-build fuzz-replay check-valgrind check-fault
.DEFAULT_GOAL := all

all: $(BIN)
ifeq ($(BUILDDIR),build)
all: evstudy
evstudy: $(BIN)
	cp $(BIN) evstudy
endif

$(BUILDDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS)

$(BUILDDIR)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) -o $@ $< $(LIB) $(TEST_LIBS) $(PKG_LIBS)

# The fetch tests link the scripted HTTP server (tests/fetch/httpd.c) and
# some run the evstudy program end to end, so they depend on both.
FETCH_TEST_SRC = tests/fetch/httpd.c tests/fetch/testutil.c
$(BUILDDIR)/tests/test_fetch_%: tests/unit/test_fetch_%.c $(FETCH_TEST_SRC) tests/fetch/httpd.h tests/fetch/testutil.h $(LIB) $(BIN)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Itests/fetch $(ALL_LDFLAGS) -o $@ $< $(FETCH_TEST_SRC) $(LIB) $(TEST_LIBS) $(PKG_LIBS)

# Benchmark tools (tools/*.c): not installed, not part of check.
$(BUILDDIR)/tools/%: tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# Performance figures (bench/run.sh; synthetic panels cached in build/bench).
bench: all $(BUILDDIR)/tools/genpanel $(BUILDDIR)/tools/parsebench
	bench/run.sh

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	set -e; $$SUDO apt-get update; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEBS)

demo: all
	./evstudy run samples/deepseek-2025/study.ini --out out/deepseek-2025 --report
	./evstudy run samples/deepseek-2025-world/study.ini --out out/deepseek-2025-world

# The report in headless Chromium (exits 77, skipped, without chromium).
browser: all
	tests/browser/report-test.sh ./evstudy

# Unit tests (cmocka) then end-to-end cases, in this build.
unit: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; EVS_TEST_ROOT=$(CURDIR) $$t || fail=1; done; exit $$fail

cases: $(BIN) $(BUILDDIR)/tools/genpanel
	tests/run-cases.sh $(BIN)

check-plain:
	$(MAKE) BUILDDIR=build unit cases

check-asan:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(MAKE) BUILDDIR=build/asan SANITIZE=1 CFLAGS="-O1 -g" unit cases

check: all
	$(MAKE) check-plain
	$(MAKE) check-asan
	@if command -v $(FUZZ_CC) >/dev/null; then $(MAKE) fuzz-replay; \
	 else echo "fuzz-replay skipped: $(FUZZ_CC) not installed (make deps)"; fi

# ---- hardening (issue 7; docs/FUZZING.md) ----------------------------------
# libFuzzer targets, one per parser (fuzz/fuzz_*.c), built with clang into
# build/fuzz. `make fuzz` runs each for FUZZ_SECONDS on a copy of its seed
# corpus (fuzz/corpus/NAME, committed) and keeps crashes in build/fuzz/crashes.
# `make fuzz-replay` runs every committed corpus file (seeds and kept
# regression inputs) once through its target.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SRC      = $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN      = $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
FUZZ_ENV      = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

ifneq ($(FUZZ),1)
build/fuzz/fuzz_%: fuzz/fuzz_%.c build/fuzz/libevstudy.a
	$(FUZZ_CC) $(STD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=all $(INCLUDES) $(PKG_CFLAGS) -o $@ $< build/fuzz/libevstudy.a $(PKG_LIBS)

build/fuzz/libevstudy.a: FORCE
	$(MAKE) BUILDDIR=build/fuzz FUZZ=1 CC=$(FUZZ_CC) CFLAGS="-O1 -g" lib
endif
lib: $(LIB)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@mkdir -p build/fuzz/crashes; fail=0; for t in $(FUZZ_BIN); do n=$${t##*/fuzz_}; \
	  rm -rf build/fuzz/work/$$n; mkdir -p build/fuzz/work/$$n; cp fuzz/corpus/$$n/* build/fuzz/work/$$n/; \
	  echo "== fuzz $$n for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_ENV) $$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
	    -artifact_prefix=build/fuzz/crashes/$$n- -print_final_stats=1 \
	    build/fuzz/work/$$n 2>build/fuzz/$$n.log || { fail=1; tail -n 40 build/fuzz/$$n.log; }; \
	  grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss' build/fuzz/$$n.log; done; exit $$fail

fuzz-replay: fuzz-build
	@fail=0; for t in $(FUZZ_BIN); do n=$${t##*/fuzz_}; \
	  $(FUZZ_ENV) $$t -runs=0 fuzz/corpus/$$n >build/fuzz/$$n.replay.log 2>&1 \
	    && echo "replayed $$(ls fuzz/corpus/$$n | wc -l) inputs through fuzz_$$n" \
	    || { fail=1; tail -n 30 build/fuzz/$$n.replay.log; }; done; exit $$fail

# The unit tests and end-to-end cases under valgrind (memcheck): any invalid
# access or definite/indirect leak makes the program exit 99.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
           --show-leak-kinds=definite,indirect --track-fds=no
# The cases run a wrapper that execs valgrind on a copy of the program, both in
# a fresh world-readable directory: case 315 runs the program as the user
# nobody, who may not reach the build directory (a clone in a 0700 temporary
# directory, as CI's may be); tools/ beside it holds genpanel for the cases,
# plots/ the chart scripts (the program looks for them beside itself).
check-valgrind: all $(TEST_BIN) $(BUILDDIR)/tools/genpanel
	@vd=$$(mktemp -d /tmp/evs-valgrind.XXXXXX) && chmod 755 "$$vd" && cp $(BIN) "$$vd/evstudy.bin" && \
	  printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(VALGRIND)' "$$vd/evstudy.bin" >"$$vd/evstudy" && \
	  chmod 755 "$$vd/evstudy" && ln -s '$(CURDIR)/$(BUILDDIR)/tools' "$$vd/tools" && \
	  ln -s '$(CURDIR)/plots' "$$vd/plots" || exit 4; \
	fail=0; for t in $(TEST_BIN); do echo "== valgrind $$t"; \
	  EVS_TEST_ROOT=$(CURDIR) EVS_VALGRIND=1 $(VALGRIND) $$t || fail=1; done; \
	  tests/run-cases.sh "$$vd/evstudy" || fail=1; rm -rf "$$vd"; exit $$fail

# Fault injection: an ASan build with -DEVS_FAULT_INJECTION, then
# tests/fault-loop.sh fails each allocation and each write of a whole
# `evstudy run` in turn (EVS_FAULT_ALLOC=N, EVS_FAULT_WRITE=N).
check-fault:
	$(MAKE) BUILDDIR=build/fault SANITIZE=1 FAULT=1 CFLAGS="-O1 -g" build/fault/evstudy
	tests/fault-loop.sh build/fault/evstudy

.PHONY: FORCE
FORCE:

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/evstudy \
	  $(DESTDIR)$(PREFIX)/share/evstudy/plots
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/evstudy
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libevstudy.a
	install -m 644 $(wildcard $(addsuffix /evs_*.h,core analysis fetch plots)) $(DESTDIR)$(PREFIX)/include/evstudy
	$(if $(wildcard plots/*.gp),install -m 644 $(wildcard plots/*.gp) $(DESTDIR)$(PREFIX)/share/evstudy/plots)

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/evstudy $(DESTDIR)$(PREFIX)/lib/libevstudy.a
	rm -rf $(DESTDIR)$(PREFIX)/include/evstudy $(DESTDIR)$(PREFIX)/share/evstudy

clean:
	rm -rf build evstudy

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
