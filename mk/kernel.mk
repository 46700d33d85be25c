# kernel.mk — the kernel engine's benchmark program (bench/kernel/).
$(BUILD)/bench/kt-bench: bench/kernel/kt_bench.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_A) $(PKG_LIBS)

.PHONY: bench-kernel
bench-kernel: $(BUILD)/bench/kt-bench
	bench/kernel/run.sh $(BUILD)/bench/kt-bench
