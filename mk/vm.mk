# vm.mk — `make check-vm`: the kernel-engine tests (tests/vm/*.c) inside a
# throw-away QEMU VM booting Debian's stock kernel, which has sch_netem.
# See docs/vm.md.  VM_ARGS passes extra arguments to the Criterion binary,
# e.g. make check-vm VM_ARGS='--filter vm_netem/loss*'.

VM_TIMEOUT ?= 900
VM_ARGS ?=

.PHONY: check-vm check-vm-run check-vm-selftest vm-prepare

check-vm: deps
	$(MAKE) --no-print-directory check-vm-run

check-vm-run: all $(BUILD)/tests/vm-tests $(TEST_PROGS)
	tests/vm/prepare.sh >/dev/null
	LINKEM_BUILD=$(abspath $(BUILD)) tests/vm/run.sh \
		--share $(abspath $(BUILD)) --timeout $(VM_TIMEOUT) -- \
		$(abspath $(BUILD))/tests/vm-tests --jobs 1 --verbose $(VM_ARGS)

# Download and unpack the kernel, build the initramfs (cached).
vm-prepare:
	tests/vm/prepare.sh

# Checks run.sh itself (exit status, cwd, env, --share, panic, timeout).
check-vm-selftest:
	tests/vm/selftest.sh
