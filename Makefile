# mmtrace: trace-driven analyzer of the Linux memory manager.
#
#   make            deps + build/mmtrace
#   make test       deps + build + every cmocka suite (README's test command)
#   make check      the tests again under ASan + UBSan (build-san/)
#   make demo       record (or use a sample), compare policies, print index.html
#   make validate   record the pressure scenario under 4 settings x 4 runs, mmtrace validate (root)
#   make bench      speed and size against the peers named in the issues
#   make deps       apt-get what is missing (quick when nothing is)
#   make install    PREFIX=/usr/local: binary, plots, man pages (make uninstall)
#
# Sources are found by wildcard, one library per top-level folder, so adding
# a file to mmcore/ or a tests/test_*.c suite needs no Makefile edit.

BUILD    ?= build
CC       ?= cc
CLANG    ?= clang
BPFTOOL  ?= bpftool
SAN      ?=
# -O3: replay runs ~4% more events/s than at -O2 (min of 10 runs, bench trace)
OPT      ?= -O3
# Link-time optimization of build/mmtrace: replay runs 4-6% more events/s
# (the maps' and the model's small helpers inlined across files; v22
# traces, best of 7).  Fat objects: the libraries' archives (plain ar)
# and every other binary linked from them (tests, bench) stay as they
# were.  Not in the sanitizer and fuzz builds.
ifeq ($(SAN),)
LTO      ?= -flto=auto -ffat-lto-objects
LTO_LINK ?= $(OPT) -flto=auto
endif

CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -g $(OPT) $(LTO) -Wall -Wextra -Werror \
	-Wno-missing-field-initializers -Iinclude -I$(BUILD)/collector
ifeq ($(SAN),1)
CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
endif
# libFuzzer builds (make fuzz, clang only): sanitizers everywhere, and
# coverage for the fuzzer to steer by in every library but mmcore (its own
# suites explore it; under fuzz_replay it runs hostile workloads with the
# sanitizers on, 1.9x faster without the coverage callbacks of its
# per-page loops)
ifeq ($(SAN),fuzz)
CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=fuzzer,address,undefined
FUZZ_COV = -fsanitize=fuzzer-no-link
FUZZ_COV_EDGES = -fsanitize-coverage=inline-8bit-counters,pc-table
endif
# Profile-guided optimization of build/mmtrace (gcc; PGO=0 turns it off;
# not in the sanitizer and fuzz builds): an instrumented build replays the
# samples of scripts/pgo-train.sh, then every object is compiled with the
# counts that run left.  Policy replay takes 6-11% less CPU, outputs
# byte-identical (README "Measured").  gcc matches a static function's
# counts by its object's path, so the instrumented build runs in
# $(BUILD)/pgo-root, a tree of links to these sources, with the same
# relative BUILD: its objects' paths are these objects' paths.  Any change
# to the sources retrains the profile and rebuilds every object with it.
ifeq ($(SAN)$(filter /% ../%,$(BUILD)),)
PGO      ?= $(shell $(CC) -fprofile-partial-training -E -x c /dev/null \
		>/dev/null 2>&1 && echo 1 || echo 0)
endif
PGO_ROOT := $(BUILD)/pgo-root
PGO_LINKS := Makefile mmtrace.c include mmcore traces replay report analyze \
	validate import collector plots scripts
PGO_TRAIN := traces/samples/pressure.mmt traces/samples/compile.mmt \
	traces/samples/slab-pagecache.mmt
ifeq ($(PGO),gen)
PGO_FLAGS := -fprofile-generate -fprofile-update=single
else ifeq ($(PGO),1)
PGO_FLAGS := -fprofile-use -fprofile-partial-training -Wno-missing-profile
PGO_STAMP := $(BUILD)/pgo-trained
endif
CFLAGS  ?=
CFLAGS  += $(CFLAGS_BASE) $(FUZZ_COV)
LDLIBS  := $(shell pkg-config --libs libbpf libzstd 2>/dev/null || echo -lbpf -lelf -lz -lzstd) -lpthread -lm

MMCORE_SRC    := $(sort $(wildcard mmcore/*.c))
TRACE_SRC     := $(sort $(wildcard traces/*.c))
REPLAY_SRC    := $(sort $(wildcard replay/*.c))
REPORT_SRC    := $(sort $(wildcard report/*.c))
ANALYZE_SRC   := $(sort $(wildcard analyze/*.c))
VALIDATE_SRC  := $(sort $(wildcard validate/*.c))
IMPORT_SRC    := $(sort $(wildcard import/*.c))
COLLECTOR_SRC := $(sort $(filter-out %.bpf.c,$(wildcard collector/*.c)))
BPF_SRC       := $(sort $(wildcard collector/*.bpf.c))
TEST_SRC      := $(sort $(wildcard tests/test_*.c))
BENCH_SRC     := $(sort $(wildcard bench/*.c))
SCEN_SRC      := $(sort $(wildcard scenarios/*.c))
FUZZ_SRC      := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_LIB_SRC  := $(filter-out $(FUZZ_SRC),$(sort $(wildcard fuzz/*.c)))

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
MMCORE_OBJ    := $(call obj,$(MMCORE_SRC))
TRACE_OBJ     := $(call obj,$(TRACE_SRC))
REPLAY_OBJ    := $(call obj,$(REPLAY_SRC))
REPORT_OBJ    := $(call obj,$(REPORT_SRC))
ANALYZE_OBJ   := $(call obj,$(ANALYZE_SRC))
VALIDATE_OBJ  := $(call obj,$(VALIDATE_SRC))
IMPORT_OBJ    := $(call obj,$(IMPORT_SRC))
COLLECTOR_OBJ := $(call obj,$(COLLECTOR_SRC))
BPF_OBJ       := $(patsubst collector/%.bpf.c,$(BUILD)/collector/%.bpf.o,$(BPF_SRC))
SKELS         := $(patsubst collector/%.bpf.c,$(BUILD)/collector/%.skel.h,$(BPF_SRC))
TEST_BIN      := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCH_BIN     := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
SCEN_BIN      := $(patsubst scenarios/%.c,$(BUILD)/scenarios/%,$(SCEN_SRC))
FUZZ_BIN      := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_LIB_OBJ  := $(call obj,$(FUZZ_LIB_SRC))

LIBMMCORE := $(BUILD)/libmmcore.a
LIBTRACE  := $(BUILD)/libmmtrace.a
LIBREPLAY := $(BUILD)/libreplay.a
LIBREPORT := $(BUILD)/libreport.a
LIBANALYZE := $(BUILD)/libanalyze.a
LIBVALIDATE := $(BUILD)/libvalidate.a
LIBIMPORT := $(BUILD)/libimport.a
LIBCOLL   := $(BUILD)/libcollector.a
ALL_LIBS  := $(LIBIMPORT) $(LIBANALYZE) $(LIBVALIDATE) $(LIBREPLAY) $(LIBREPORT) $(LIBCOLL) $(LIBTRACE) $(LIBMMCORE)

.PHONY: all deps test check demo validate bench install uninstall clean distclean tests FORCE \
	fuzz fuzz-ci fuzz-bins
all: $(BUILD)/mmtrace

deps:
	@sh scripts/deps.sh

# ---- BPF: clang CO-RE object, then a bpftool skeleton ------------------
# The kernel types come from collector/vmlinux.h, a small checked-in
# header with preserve_access_index types (see collector/README.md).
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -ffreestanding -D__TARGET_ARCH_x86 -Icollector -Iinclude \
	-Wall -Werror -Wno-unused-function
$(BUILD)/collector/%.bpf.o: collector/%.bpf.c $(wildcard collector/*.h) | deps
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(BUILD)/collector/%.skel.h: $(BUILD)/collector/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# ---- user space ----------------------------------------------------------
$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@
$(COLLECTOR_OBJ): $(SKELS)

# `mmtrace --version`: the release and the git revision built from; the
# header is rewritten only when that changes, so it forces no rebuild.
VERSION := 0.1
$(BUILD)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@sh scripts/version.sh $(VERSION) > $@.tmp && \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/mmtrace.o: $(BUILD)/gen/version.h
$(BUILD)/mmtrace.o: CFLAGS += -I$(BUILD)/gen
FORCE:

# plots/*.gp compiled into the binary, for `mmtrace report` anywhere.
PLOTS_GP := $(sort $(wildcard plots/*.gp))
$(BUILD)/gen/report_plots.c: $(PLOTS_GP) scripts/embed-plots.sh
	@mkdir -p $(@D)
	sh scripts/embed-plots.sh $(PLOTS_GP) > $@.tmp && mv $@.tmp $@
$(BUILD)/gen/report_plots.o: $(BUILD)/gen/report_plots.c | deps
	$(CC) $(CFLAGS) -Ireport -MMD -MP -c $< -o $@

$(LIBMMCORE): $(MMCORE_OBJ)
$(LIBTRACE): $(TRACE_OBJ)
$(LIBREPLAY): $(REPLAY_OBJ)
$(LIBREPORT): $(REPORT_OBJ) $(BUILD)/gen/report_plots.o
$(LIBANALYZE): $(ANALYZE_OBJ)
$(LIBVALIDATE): $(VALIDATE_OBJ)
$(LIBIMPORT): $(IMPORT_OBJ)
$(IMPORT_OBJ): $(SKELS)
$(LIBCOLL): $(COLLECTOR_OBJ)
$(ALL_LIBS):
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/mmtrace: $(BUILD)/mmtrace.o $(ALL_LIBS)
	$(CC) $(LDFLAGS_SAN) $(LTO_LINK) $(PGO_FLAGS) -o $@ $< $(ALL_LIBS) $(LDLIBS)

# Only build/mmtrace's own objects: -fprofile-use turns on optimizations
# that warn differently (-Wmaybe-uninitialized in tests/test_live.c with
# no counts), and the tests and bench programs need no profile.
PGO_OBJ := $(BUILD)/mmtrace.o $(MMCORE_OBJ) $(TRACE_OBJ) $(REPLAY_OBJ) \
	$(REPORT_OBJ) $(ANALYZE_OBJ) $(VALIDATE_OBJ) $(IMPORT_OBJ) \
	$(COLLECTOR_OBJ) $(BUILD)/gen/report_plots.o
$(PGO_OBJ): CFLAGS += $(PGO_FLAGS)

# PGO=1: the instrumented build (its own make, which knows when it is up
# to date), its training run, and the counts copied beside these objects,
# which wait for them.
ifeq ($(PGO),1)
$(PGO_ROOT)/$(BUILD)/mmtrace: FORCE | deps
	@mkdir -p $(PGO_ROOT)
	@for f in $(PGO_LINKS); do \
		[ -e $(PGO_ROOT)/$$f ] || ln -s $(CURDIR)/$$f $(PGO_ROOT)/$$f; \
	done
	@$(MAKE) --no-print-directory -C $(PGO_ROOT) PGO=gen $(BUILD)/mmtrace
$(PGO_STAMP): $(PGO_ROOT)/$(BUILD)/mmtrace $(PGO_TRAIN) scripts/pgo-train.sh
	sh scripts/pgo-train.sh $(PGO_ROOT) $(BUILD) $(PGO_TRAIN)
	@touch $@
$(PGO_OBJ): $(PGO_STAMP)
endif

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(ALL_LIBS)
	$(CC) $(LDFLAGS_SAN) -o $@ $< $(ALL_LIBS) $(LDLIBS) -lcmocka
$(BUILD)/bench/%: $(BUILD)/bench/%.o $(ALL_LIBS)
	$(CC) $(LDFLAGS_SAN) -o $@ $< $(ALL_LIBS) $(LDLIBS)
# scenarios/: workloads that drive the host into known states (standalone)
$(BUILD)/scenarios/%: $(BUILD)/scenarios/%.o
	$(CC) $(LDFLAGS_SAN) -o $@ $<

# ---- fuzzing (fuzz/README.md) --------------------------------------------
# The harnesses see the trace library's private header (traces/codec.h).
FUZZ_LIBS := $(LIBANALYZE) $(LIBREPLAY) $(LIBREPORT) $(LIBTRACE) $(LIBMMCORE)
$(BUILD)/fuzz/%.o: CFLAGS += -Itraces
$(BUILD)/mmcore/%.o: FUZZ_COV =
# Edges but no compare tracing in the code that runs once a value (the
# event block decoder, the payload cursor, replay's hash map) or once a
# page (replay's seeding from a snapshot and its mirror check): a callback
# a varint or probe was a third of fuzz_reader's time and most of
# fuzz_replay's, and the per-page compares 40% of the mirror check's
# (fuzz_replay 133 -> 154 exec/s of CPU); their branches still steer the
# fuzzer, and the decoders' own compares are traced.
FUZZ_EDGES_ONLY := traces/block.o traces/cursor.o replay/map.o \
	replay/mirror.o replay/setup.o
$(addprefix $(BUILD)/,$(FUZZ_EDGES_ONLY)): FUZZ_COV = $(FUZZ_COV_EDGES)
$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ) $(FUZZ_LIBS)
	$(CC) $(LDFLAGS_SAN) -o $@ $< $(FUZZ_LIB_OBJ) $(FUZZ_LIBS) $(LDLIBS)
fuzz-bins: $(FUZZ_BIN)

# test_live_pressure runs bench/memload under the recorder.  Every bench
# program is built too, though not run: bench/reclaim_speed stopped
# compiling when try_to_free_pages() took a cpu, and only `make bench`
# found it.
tests: $(TEST_BIN) $(BUILD)/mmtrace $(BENCH_BIN) $(SCEN_BIN)

# The README's test command.  Every suite runs; the summary line counts them.
test: tests
	@MMTRACE=$(BUILD)/mmtrace sh scripts/run-tests.sh $(TEST_BIN)

# test_import and test_kmem_peers run build/scenarios/kmemload, built
# plain: an ASan kmemload frees pages at exit that perf -p no longer sees
# (3.3% of page frees), and without it those suites would skip.
check: $(SCEN_BIN)
	$(MAKE) BUILD=build-san SAN=1 OPT=-O1 test

# Every harness for FUZZ_SECONDS each (default 300) after replaying its
# corpus; fuzz-ci: the corpus and 60 s each, as CI runs it.
FUZZ_SECONDS ?= 300
# -O2 as the tools ship (and 4% more executions than -O1)
FUZZ_MAKE = $(MAKE) BUILD=build-fuzz SAN=fuzz CC=$(CLANG) OPT=-O2 fuzz-bins
fuzz: deps
	@$(FUZZ_MAKE)
	@sh fuzz/run.sh build-fuzz $(FUZZ_SECONDS)
fuzz-ci: deps
	@$(FUZZ_MAKE)
	@sh fuzz/run.sh build-fuzz 60

bench: $(BENCH_BIN) $(BUILD)/mmtrace
	@MMTRACE=$(BUILD)/mmtrace BUILD=$(BUILD) sh bench/run.sh

# The pressure scenario under four settings, 4 runs each in a balanced
# order, then mmtrace validate (root; about 8 minutes; restores the
# host): scenarios/validate.sh
validate: $(BUILD)/mmtrace $(SCEN_BIN)
	@MMTRACE=$(BUILD)/mmtrace sh scenarios/validate.sh

demo: $(BUILD)/mmtrace
	@MMTRACE=$(BUILD)/mmtrace sh scripts/demo.sh

# make install PREFIX=... [DESTDIR=...]: the binary, the gnuplot scripts
# (found by the binary at ../share/mmtrace/plots) and the man pages;
# make uninstall removes exactly those files, then the folders install
# made for mmtrace alone when they are left empty.
PREFIX   ?= /usr/local
BINDIR   := $(PREFIX)/bin
DATADIR  := $(PREFIX)/share/mmtrace
MANDIR   := $(PREFIX)/share/man/man1
MANPAGES := $(sort $(wildcard man/*.1))
install: $(BUILD)/mmtrace
	install -D -m 0755 $(BUILD)/mmtrace $(DESTDIR)$(BINDIR)/mmtrace
	install -d $(DESTDIR)$(DATADIR)/plots $(DESTDIR)$(MANDIR)
	install -m 0644 $(PLOTS_GP) $(DESTDIR)$(DATADIR)/plots/
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mmtrace
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/plots/,$(notdir $(PLOTS_GP)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/,$(notdir $(MANPAGES)))
	-rmdir $(DESTDIR)$(DATADIR)/plots $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf build build-san build-fuzz

.SECONDARY:
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
