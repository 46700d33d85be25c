/* test_userns.c — the user namespace maps (launcher/userns.c). */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "launcher/userns.h"

Test(userns, maps_root_to_the_user_and_the_rest_to_the_range)
{
	struct lk_userns u = {.enabled = true, .root_uid = 1000,
			      .root_gid = 1001, .base = 0x60010000u,
			      .lockfd = -1};
	char buf[96];

	cr_assert_gt(lk_userns_map_text(&u, true, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0 1000 1\n1 1610678273 65535\n");
	cr_assert_gt(lk_userns_map_text(&u, false, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0 1001 1\n1 1610678273 65535\n");
	cr_assert_eq(lk_userns_map_text(&u, true, buf, 8), -1);
}

Test(userns, sudo_pkexec_and_plain_root)
{
	struct lk_userns u;
	struct lk_error e = {0};
	char *sudo[] = {"HOME=/root", "SUDO_UID=1000", "SUDO_GID=1002", NULL};
	char *pkexec[] = {"PKEXEC_UID=1000", NULL};
	char *none[] = {"SUDO_UID=0", NULL};

	if (getuid() != 0)
		cr_skip_test("reads SUDO_UID only when root");
	cr_assert_eq(lk_userns_prepare(&u, false, sudo, &e), 0);
	cr_assert(u.enabled && !u.nobody);
	cr_assert_eq(u.root_uid, 1000);
	cr_assert_eq(u.root_gid, 1002);
	cr_assert_geq(u.base, 0x60000000u);
	cr_assert_lt(u.base, 0x70000000u);
	lk_userns_release(&u);
	cr_assert_eq(lk_userns_prepare(&u, false, pkexec, &e), 0);
	cr_assert_eq(u.root_uid, 1000);
	lk_userns_release(&u);
	cr_assert_eq(lk_userns_prepare(&u, false, none, &e), 0);
	cr_assert(u.nobody);
	cr_assert_eq(u.root_uid, 65534);
	lk_userns_release(&u);
	cr_assert_eq(lk_userns_prepare(&u, true, sudo, &e), 0);
	cr_assert(!u.enabled);
}

Test(userns, two_launches_never_share_a_range)
{
	struct lk_userns a, b;
	struct lk_error e = {0};
	char *env[] = {NULL};

	if (getuid() != 0)
		cr_skip_test("the lock directory is under /run");
	cr_assert_eq(lk_userns_prepare(&a, false, env, &e), 0);
	cr_assert_eq(lk_userns_prepare(&b, false, env, &e), 0);
	cr_assert_geq(a.lockfd, 0);
	cr_assert_geq(b.lockfd, 0);
	cr_assert_neq(a.base, b.base);
	lk_userns_release(&a);
	lk_userns_release(&b);
}
