/* vm_env.c — in the test VM or not (see vm_env.h). */
#include "tests/support/vm_env.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool in_vm(void)
{
	const char *v = getenv("LINKEM_IN_VM");

	return v && *v && strcmp(v, "0") != 0;
}

void require_netem(void)
{
	int st;

	if (geteuid() != 0) {
		cr_assert(!in_vm(), "not root inside the VM");
		cr_skip_test("needs root (run it with make check-vm)");
	}
	cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare(CLONE_NEWNET): %s",
		     strerror(errno));
	st = system("tc qdisc add dev lo root netem delay 1ms 2>/dev/null");
	if (st != 0) {
		cr_assert(!in_vm(), "the VM kernel refuses a netem qdisc");
		cr_skip_test("this kernel has no sch_netem (run it with make "
			     "check-vm)");
	}
	(void)!system("tc qdisc del dev lo root 2>/dev/null");
}
