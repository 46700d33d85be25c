# The link-spec set's timing (never part of `make check`):
#   make bench-spec        build/bench/spec-bench: add, check, resolve
$(BUILD)/bench/spec-bench: bench/spec/spec_bench.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

.PHONY: bench-spec
bench-spec: $(BUILD)/bench/spec-bench
	$(BUILD)/bench/spec-bench
