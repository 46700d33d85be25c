/* runtime_dir.h — where tests' launches put their files: directories
 * private to one run of a test binary, removed even when a test fails,
 * crashes or times out, so that no test depends on another launch on the
 * machine (a user's, or another clone's `make check`) and none leaves
 * files behind.
 *
 * Before the first test the runner makes the run's directory,
 * /run/lk-test-PID-XXXXXX (PID: the runner's; under $TMPDIR or /tmp when
 * /run is not writable), and sets it as XDG_RUNTIME_DIR for every test:
 * a launch started without --control puts its socket there, not in the
 * user's /run/linkem.  After the last test the runner removes it, with
 * whatever a crashed test left inside.  It also removes such directories
 * of runs whose runner is gone (SIGKILLed). */
#ifndef LK_TEST_RUNTIME_DIR_H
#define LK_TEST_RUNTIME_DIR_H

/* Remove path (a file, or a directory with what it holds) when the
 * test's process exits, also after a failed assertion (a crash or a
 * timeout leaves it to the runner's end, when it is in the run's
 * directory). */
void test_remove_at_exit(const char *path);

/* A new directory inside the run's ("TAG-XXXXXX"), removed with what it
 * holds when the test's process exits.  Returns its path (static
 * storage; at most 8 per test; asserts). */
const char *test_private_dir(const char *tag);

/* test_private_dir(tag), also set as XDG_RUNTIME_DIR (and LINKEM_CONTROL
 * unset): launches the test starts without --control, and linkem-ctl
 * without --control, see only this test's launches. */
const char *test_private_runtime_dir(const char *tag);

#endif
