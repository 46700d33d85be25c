# behaviour.mk — the behavioural suite (tests/behaviour/*.c): one set of
# tests run against either engine, build/tests/behaviour-tests.
#   LINKEM_TEST_ENGINE=userspace build/tests/behaviour-tests --jobs 1
# See the README (Testing) and docs/vm.md.

BEHAV_SRCS := $(wildcard tests/behaviour/*.c)

$(BUILD)/tests/behaviour-tests: $(call obj,$(BEHAV_SRCS) $(SUPPORT_SRCS)) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcriterion

tests: $(BUILD)/tests/behaviour-tests
