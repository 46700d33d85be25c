# faults.mk — `make check-faults`: the fault campaign (tests/faults/,
# see tests/faults/README.md): the supervisor SIGKILLed at 20 moments of
# a 200-peer launch (bridge and userspace engines), resources that run
# out, a peer's init killed at each step of the sync protocol,
# misbehaving workloads, ten concurrent launches.  Needs root; about
# 6 minutes on 2 cores.  FAULTS_ARGS picks groups, e.g.
#   make check-faults FAULTS_ARGS='limits init'
# and FAULTS_PEERS / FAULTS_ENGINES size the SIGKILL trials.

FAULTS_ARGS ?=

.PHONY: check-faults check-faults-run

check-faults: deps
	$(MAKE) --no-print-directory check-faults-run

check-faults-run: programs
	LINKEM_BUILD=$(abspath $(BUILD)) tests/faults/run.sh $(FAULTS_ARGS)

# The kernel engine's SIGKILL trials in the QEMU VM (tests/vm/run.sh,
# docs/vm.md), with fewer peers (TCG is slow): FAULTS_VM_PEERS (50).
# The guest mounts cgroup v2; lib.sh then uses its pids controller.
FAULTS_VM_PEERS ?= 50

.PHONY: check-faults-vm
check-faults-vm: deps
	$(MAKE) --no-print-directory programs
	tests/vm/prepare.sh >/dev/null
	LINKEM_BUILD=$(abspath $(BUILD)) tests/vm/run.sh \
		--share $(abspath $(BUILD)) --timeout $(VM_TIMEOUT) -- \
		env LINKEM_BUILD=$(abspath $(BUILD)) FAULTS_ENGINES=kernel \
		FAULTS_PEERS=$(FAULTS_VM_PEERS) \
		$(abspath tests/faults/run.sh) kill_supervisor
