/* test_control_links.c — real link changes through the control socket on
 * this host: set changes the measured delay and loss, a partition cuts
 * exactly the cross-group pairs and heal restores them, down/up, stats,
 * exec, --at on time, show round-trips.  The tests themselves are in
 * tests/support/ctl_links.c, shared with tests/vm/test_control_kernel.c
 * (the kernel engine, in the VM).  Engine: userspace, or
 * $LINKEM_TEST_ENGINE (e.g. kernel, on a host with sch_netem). */
#include "tests/support/ctl_links.h"

#include <criterion/criterion.h>
#include <stdlib.h>

static const char *engine(void)
{
	const char *e = getenv("LINKEM_TEST_ENGINE");

	return e && *e ? e : "userspace";
}

Test(control_links, set_changes_the_measured_delay_and_loss)
{
	ctl_links_set_delay_loss_clear(engine());
}

Test(control_links, partition_cuts_exactly_the_cross_group_pairs)
{
	ctl_links_partition_heal(engine());
}

Test(control_links, down_and_up_a_peer)
{
	ctl_links_down_up(engine());
}

Test(control_links, stats_match_what_the_peers_saw)
{
	ctl_links_stats_match_pings(engine());
}

Test(control_links, exec_runs_in_the_right_peer)
{
	ctl_links_exec_in_peer(engine());
}

Test(control_links, at_changes_on_time)
{
	ctl_links_at_on_time(engine());
}

Test(control_links, show_round_trips_through_set)
{
	ctl_links_show_round_trip(engine());
}
