/* need.h — skip a test, with the reason, when this host cannot run it. */
#ifndef LK_TEST_NEED_H
#define LK_TEST_NEED_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

/* Root: namespaces and rtnetlink. */
#define NEED_ROOT()                                                            \
	do {                                                                   \
		if (geteuid() != 0)                                            \
			cr_skip_test("needs root (namespaces, rtnetlink)");    \
	} while (0)

/* Root and /dev/net/tun: the userspace engine's TAP devices. */
#define NEED_TAP()                                                             \
	do {                                                                   \
		if (geteuid() != 0)                                            \
			cr_skip_test("needs root (namespaces, TAP devices)");  \
		if (access("/dev/net/tun", R_OK | W_OK) != 0)                  \
			cr_skip_test("no /dev/net/tun");                       \
		/* Sanitizer builds: LSan cannot run in a sandboxed peer. */   \
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);                   \
	} while (0)

#endif
