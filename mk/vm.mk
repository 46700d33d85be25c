# vm.mk — `make check-vm`: in one boot of a throw-away QEMU VM booting
# Debian's stock kernel (which has sch_netem), the kernel-engine tests
# (tests/vm/*.c), then the behaviour suite (tests/behaviour) against the
# kernel engine and against the userspace engine: tests/vm/check.sh.
# See docs/vm.md.  VM_ARGS passes extra arguments to the three Criterion
# runs, e.g. make check-vm VM_ARGS='--filter kernel/loss*'.

VM_TIMEOUT ?= 900
VM_ARGS ?=

.PHONY: check-vm check-vm-run check-vm-selftest vm-prepare

check-vm: deps
	$(MAKE) --no-print-directory check-vm-run

check-vm-run: all $(BUILD)/tests/vm-tests $(BUILD)/tests/behaviour-tests \
		$(TEST_PROGS)
	tests/vm/prepare.sh >/dev/null
	@# The guest sees the host's root but a fresh /tmp: a checkout under
	@# /tmp is only visible through the shared build directory.
	install -m 755 tests/vm/check.sh $(BUILD)/tests/vm-check.sh
	install -m 755 tests/run-suite.sh $(BUILD)/tests/run-suite.sh
	LINKEM_BUILD=$(abspath $(BUILD)) tests/vm/run.sh \
		--share $(abspath $(BUILD)) --timeout $(VM_TIMEOUT) -- \
		$(abspath $(BUILD))/tests/vm-check.sh $(VM_ARGS)

# Download and unpack the kernel, build the initramfs (cached).
vm-prepare:
	tests/vm/prepare.sh

# Checks run.sh itself (exit status, cwd, env, --share, panic, timeout).
check-vm-selftest:
	tests/vm/selftest.sh
