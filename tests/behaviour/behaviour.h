/* behaviour.h — one behavioural suite, run against either engine.
 *
 * Every test is written once, with BEHAVIOUR(name, seconds), and exists
 * twice: as kernel::name and userspace::name, each launching with
 * --engine <its suite>.  LINKEM_TEST_ENGINE=kernel|userspace runs one
 * suite (main() sets the filter when no --filter is given).  A kernel
 * test skips with the reason when the kernel has no sch_netem, and fails
 * instead inside the VM (LINKEM_IN_VM); a userspace test skips without
 * /dev/net/tun.  Both need root.
 */
#ifndef LK_TEST_BEHAVIOUR_H
#define LK_TEST_BEHAVIOUR_H

#include "tests/support/measure.h"
#include "tests/support/run.h"
#include "tests/support/vm_env.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>

/* Binomial bounds: this many standard deviations. */
#define BH_Z 4.5

/* The engine of the running test: "kernel" or "userspace". */
extern const char *bh_engine;

/* What a test measured, shown with --verbose: "kernel engine: ...". */
#define BH_NOTE(fmt, ...) cr_log_info("%s engine: " fmt, bh_engine, __VA_ARGS__)

/* Sets bh_engine; skips (or fails in the VM) when it cannot run here. */
void bh_setup(const char *engine);

#define BEHAVIOUR(name, secs)                                                  \
	static void name(void);                                                \
	Test(userspace, name, .timeout = (secs))                               \
	{                                                                      \
		bh_setup("userspace");                                         \
		name();                                                        \
	}                                                                      \
	Test(kernel, name, .timeout = (secs))                                  \
	{                                                                      \
		bh_setup("kernel");                                            \
		name();                                                        \
	}                                                                      \
	static void name(void)

/* linkem-launch --engine <bh_engine> ARGS (NULL-terminated); asserts it
 * ran and did not time out. */
void bh_launch(struct run_result *r, int timeout_ms, const char *const *args);
#define BH_LAUNCH(r, timeout_ms, ...)                                          \
	do {                                                                   \
		const char *const a_[] = {__VA_ARGS__, NULL};                  \
		bh_launch((r), (timeout_ms), a_);                              \
	} while (0)

/* Path of a test program (tests/progs/NAME), for the peers' scripts. */
const char *bh_prog(const char *name);

/* Peer i's address: family 4 -> "10.0.0.i", 6 -> "fd00:6c6b::<i hex>".
 * Rotating static buffers. */
const char *bh_addr(int family, unsigned id);

/* The script of a launch of n peers in which peer 1 runs one and the
 * others run other (NULL: nothing) and then wait until peer 1 is done
 * (it tells them with a few datagrams) or max_s seconds have passed. */
void bh_script(char *buf, size_t size, unsigned n, const char *one,
	       const char *other, int max_s);

/* Ping addr until it answers once (at most 12 s): a shell fragment that
 * settles ARP / neighbour discovery before a measurement. */
const char *bh_warm(const char *addr);

/* How far a median RTT (above an untouched pair's) may be from the
 * configured delay of ms: 2 ms; 3 ms from 50 ms on, where ping prints
 * RTTs of 100 ms and more in whole milliseconds.  1 ms more for the
 * userspace engine in the VM, whose wake-ups TCG emulates (150-600 µs
 * late each after a short idle, more after a long one and under load;
 * two per round trip): there it came out 0.0-1.2 ms over at 10 ms each
 * way and 0.4-3.0 ms over at 200 ms each way, against 0.0-0.1 ms on the
 * host.  Its precision is asserted on the host and measured in bench/. */
double bh_delay_tolerance(int ms);

#endif
