/*
 * test_control_kernel.c — the control socket's link-changing tests
 * (tests/support/ctl_links.c, the same ones test_control_links.c runs on
 * the userspace engine) on the kernel engine, in the VM (make check-vm
 * VM_ARGS='--filter vm_control/...').  On a host without sch_netem they
 * skip; inside the VM a kernel engine that cannot work fails.
 */
#include "tests/support/ctl_links.h"

#include <criterion/criterion.h>

Test(vm_control, set_changes_the_measured_delay_and_loss, .timeout = 180)
{
	ctl_links_set_delay_loss_clear("kernel");
}

Test(vm_control, partition_cuts_exactly_the_cross_group_pairs, .timeout = 180)
{
	ctl_links_partition_heal("kernel");
}

Test(vm_control, down_and_up_a_peer, .timeout = 180)
{
	ctl_links_down_up("kernel");
}

Test(vm_control, stats_match_what_the_peers_saw, .timeout = 180)
{
	ctl_links_stats_match_pings("kernel");
}

Test(vm_control, exec_runs_in_the_right_peer, .timeout = 180)
{
	ctl_links_exec_in_peer("kernel");
}

Test(vm_control, at_changes_on_time, .timeout = 180)
{
	ctl_links_at_on_time("kernel");
}

Test(vm_control, show_round_trips_through_set, .timeout = 180)
{
	ctl_links_show_round_trip("kernel");
}

/* Where sch_netem works, a launch with nothing to impair is on the
 * kernel engine, so its links can still change. */
Test(vm_control, auto_without_links_is_changeable, .timeout = 180)
{
	ctl_links_auto_without_links_changes("kernel");
}
