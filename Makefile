# evstudy — build, test, install.
#
#   make deps      install the Debian packages (uses sudo when not root)
#   make           build libevstudy.a and the evstudy program
#   make demo      run the bundled January 2025 selloff study into out/deepseek-2025/
#   make check     all tests: unit + end-to-end, plain and under ASan+UBSan
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
       libcurl4-openssl-dev libxml2-dev tzdata

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

.PHONY: all deps demo browser check check-plain check-asan unit cases install uninstall clean
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

deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	set -e; $$SUDO apt-get update; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEBS)

demo: all
	./evstudy run samples/deepseek-2025/study.ini --out out/deepseek-2025 --report

# The report in headless Chromium (exits 77, skipped, without chromium).
browser: all
	tests/browser/report-test.sh ./evstudy

# Unit tests (cmocka) then end-to-end cases, in this build.
unit: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; EVS_TEST_ROOT=$(CURDIR) $$t || fail=1; done; exit $$fail

cases: $(BIN)
	tests/run-cases.sh $(BIN)

check-plain:
	$(MAKE) BUILDDIR=build unit cases

check-asan:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(MAKE) BUILDDIR=build/asan SANITIZE=1 CFLAGS="-O1 -g" unit cases

check: all
	$(MAKE) check-plain
	$(MAKE) check-asan

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
