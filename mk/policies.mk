# policies.mk — the built-in seccomp profiles (policies/profiles/*.policy)
# compiled into the library as C strings.
POLICY_FILES := $(sort $(wildcard policies/profiles/*.policy))
GEN_SRCS += $(BUILD)/gen/policies_builtin.c

$(BUILD)/gen/policies_builtin.c: $(POLICY_FILES) mk/policies.mk
	@mkdir -p $(dir $@)
	@{ echo '/* Generated from policies/profiles by mk/policies.mk. */'; \
	  echo '#include <stddef.h>'; \
	  echo '#include <string.h>'; \
	  echo '#include "policies/policy.h"'; \
	  for f in $(POLICY_FILES); do \
		n=$$(basename $$f .policy); \
		echo "static const char p_$$n[] ="; \
		sed -e 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$$/\\n"/' $$f; \
		echo ';'; \
	  done; \
	  echo 'const char *const lk_policy_builtin_names[] = {'; \
	  for f in $(POLICY_FILES); do \
		echo "	\"$$(basename $$f .policy)\","; \
	  done; \
	  echo '	NULL,'; echo '};'; \
	  echo 'const char *lk_policy_builtin(const char *name)'; echo '{'; \
	  for f in $(POLICY_FILES); do \
		n=$$(basename $$f .policy); \
		echo "	if (strcmp(name, \"$$n\") == 0)"; \
		echo "		return p_$$n;"; \
	  done; \
	  echo '	return NULL;'; echo '}'; } > $@.tmp && mv $@.tmp $@
