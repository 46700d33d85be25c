/*
 * ctl_links.h — the control socket's link-changing tests, written once and
 * run on two engines: tests/integration/test_control_links.c runs them on
 * the userspace engine on this host (or on $LINKEM_TEST_ENGINE),
 * tests/vm/test_control_kernel.c on the kernel engine in the VM
 * (make check-vm).  Each function is a whole test body for one engine
 * ("userspace", "kernel"); it skips when not root, or when the engine
 * cannot work here outside the VM.
 */
#ifndef LK_TEST_CTL_LINKS_H
#define LK_TEST_CTL_LINKS_H

/* set changes the measured delay (median RTT) and loss (binomial bound);
 * clear makes the link unimpaired; a bad spec is refused. */
void ctl_links_set_delay_loss_clear(const char *engine);
/* A partition cuts exactly the cross-group pairs; heal restores every
 * link as it was (same `show`, same measured delay). */
void ctl_links_partition_heal(const char *engine);
/* down cuts every link of one peer, up restores them; the engine
 * counted what the cut dropped. */
void ctl_links_down_up(const char *engine);
/* `stats` and `stats --json` agree with what ping saw. */
void ctl_links_stats_match_pings(const char *engine);
/* exec runs inside the named peer's namespaces. */
void ctl_links_exec_in_peer(const char *engine);
/* An --at step fires on time and changes the measured delay. */
void ctl_links_at_on_time(const char *engine);
/* `show` pasted back into `set` gives the same `show`. */
void ctl_links_show_round_trip(const char *engine);
/* --engine auto, no --link, no --control: the launch runs on want_engine
 * and `set` still changes a link. */
void ctl_links_auto_without_links_changes(const char *want_engine);

#endif
