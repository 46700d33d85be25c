# Fuzzing (libFuzzer + ASan + UBSan, Debian's clang).  See tests/fuzz/ and
# bench/results/fuzz.md.
#
#   make fuzz                      each harness for FUZZ_SECONDS (30)
#   make fuzz FUZZ_SECONDS=600 FUZZ="units frames"
#   make fuzz-smoke                each for 15 s (CI): fails on any crash,
#                                  sanitizer report, leak or broken invariant
#
# The library is built again with clang into build-fuzz/ (instrumented for
# coverage); new corpus entries go to build-fuzz/corpus/NAME, the committed
# seeds in tests/fuzz/corpus/NAME are only read; a crash leaves
# build-fuzz/crash-NAME-* (the input) and stops make.

FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_ARGS ?=
FUZZ_ALL := $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ ?= $(FUZZ_ALL)
# clang warns about what gcc accepts quietly (a GNU extension the kernel
# headers use).
FUZZ_CFLAGS ?= -O1 -g -Wno-gnu-variable-sized-type-not-at-end
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_BINS = $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_ALL))

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-bins fuzz-run clean-fuzz
fuzz: fuzz-build
	$(MAKE) --no-print-directory fuzz-run

fuzz-smoke:
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=15

fuzz-build:
	LINKEM_EXTRA_PKGS="clang" sh scripts/deps.sh
	$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
		SAN_FLAGS="$(FUZZ_SAN)" CFLAGS="$(FUZZ_CFLAGS)" fuzz-bins

fuzz-bins: $(FUZZ_BINS)

$(BUILD)/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

# One harness after another; any failure stops the run (exit status).
# Frames and pcap records go up to 64 KiB (GSO super-frames): longer
# inputs for those two.
fuzz-run:
	@set -e; for t in $(FUZZ); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(FUZZ_BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
			-timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
			-max_len=$$(case $$t in frames|pcap) echo 70000;; \
				*) echo 4096;; esac) \
			-artifact_prefix=$(FUZZ_BUILD)/crash-$$t- $(FUZZ_ARGS) \
			$(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t \
			2>$(FUZZ_BUILD)/fuzz-$$t.log || \
			{ tail -n 60 $(FUZZ_BUILD)/fuzz-$$t.log; \
			  echo "fuzz: $$t FAILED (log: $(FUZZ_BUILD)/fuzz-$$t.log)"; \
			  exit 1; }; \
		grep -E '^stat::number_of_executed_units|^#[0-9]+[[:space:]]+DONE' \
			$(FUZZ_BUILD)/fuzz-$$t.log | tail -n 2; \
	done

clean: clean-fuzz
clean-fuzz:
	rm -rf $(FUZZ_BUILD)
