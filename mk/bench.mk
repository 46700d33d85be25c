# Benchmarks (never part of `make check`).  See bench/README.md.
#
#   make bench-startup              linkem-launch vs. ip netns script vs. Mininet
#   make bench-startup BENCH_ARGS='-r 5 -N "10 100"'

BENCH_ARGS ?=

.PHONY: bench-startup
bench-startup: $(BUILD)/linkem-launch
	LINKEM_EXTRA_PKGS="mininet bridge-utils time" sh scripts/deps.sh
	LINKEM=$(abspath $(BUILD)/linkem-launch) sh bench/startup/run.sh $(BENCH_ARGS)

# One launch split into phases from kernel tracepoints (needs perf).
.PHONY: bench-startup-trace
bench-startup-trace: $(BUILD)/linkem-launch
	LINKEM=$(abspath $(BUILD)/linkem-launch) sh bench/startup/trace.sh $(or $(N),100)
