# kernel.mk — the kernel engine's benchmark program (bench/kernel/).
$(BUILD)/bench/kt-bench: bench/kernel/kt_bench.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

.PHONY: bench-kernel
bench-kernel: $(BUILD)/bench/kt-bench
	bench/kernel/run.sh $(BUILD)/bench/kt-bench

# The same benchmark inside the VM (Debian's kernel, which has sch_netem):
# a token bucket and a netem leaf with its own delay and loss on every
# ordered pair.  TCG is slow: a tc call takes ~0.2 s there, so the whole
# script takes ~5 min at N=20 and ~35 min at N=50; BENCH_SCRIPT_PEERS=K
# runs it for K peers only and scales its time by N/K.
#   make bench-kernel-vm [BENCH_NS="20 50"] [BENCH_SCRIPT_PEERS=10]
BENCH_NS ?= 20 50
BENCH_SCRIPT_PEERS ?=
BENCH_VM_TIMEOUT ?= 3600

.PHONY: bench-kernel-vm
bench-kernel-vm: $(BUILD)/bench/kt-bench
	tests/vm/prepare.sh >/dev/null
	NS="$(BENCH_NS)" SCRIPT_PEERS="$(BENCH_SCRIPT_PEERS)" tests/vm/run.sh --timeout $(BENCH_VM_TIMEOUT) -- \
		bench/kernel/run.sh --netem $(abspath $(BUILD))/bench/kt-bench
