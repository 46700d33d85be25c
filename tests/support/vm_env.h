/* vm_env.h — what a test may expect of where it runs: inside the test VM
 * (make check-vm, LINKEM_IN_VM set) a missing feature is a failure,
 * elsewhere a reason to skip. */
#ifndef LK_TEST_VM_ENV_H
#define LK_TEST_VM_ENV_H

#include <stdbool.h>

/* Inside the test VM: LINKEM_IN_VM is set and not "0". */
bool in_vm(void);
/* Skips (on a host) or fails (in the VM) unless we are root on a kernel
 * that accepts a netem qdisc.  Moves this test process into a network
 * namespace of its own (unshare CLONE_NEWNET) and probes on its lo, so
 * the probe touches nothing else; the probe qdisc is removed again. */
void require_netem(void);

#endif
