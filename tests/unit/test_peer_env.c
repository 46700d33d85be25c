/* test_peer_env.c — what a peer's environment keeps of the launcher's. */
#include "launcher/launch_internal.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *joined(char **v)
{
	static char buf[1024];

	buf[0] = '\0';
	for (; *v; v++) {
		strcat(buf, *v);
		strcat(buf, ";");
	}
	return buf;
}

static char *host[] = {"PATH=/bin",
		       "SUDO_USER=alice",
		       "SUDO_COMMAND=/usr/bin/linkem-launch -n 2 -- x",
		       "SSH_AUTH_SOCK=/tmp/ssh-x/agent.1",
		       "SSH_AUTH_SOCKET_NOT=kept",
		       "LINKEM_CONTROL=/run/linkem/x.sock",
		       "RUST_LOG=debug",
		       "TOKEN=secret",
		       NULL};

Test(peer_env, withheld_by_default)
{
	struct lk_strv env = {0};
	char **v = lk_peer_environ(host, false, &env);

	cr_assert_str_eq(joined(v), "PATH=/bin;SSH_AUTH_SOCKET_NOT=kept;"
				    "RUST_LOG=debug;TOKEN=secret;");
	free(v);
}

Test(peer_env, clearenv_and_env)
{
	char *e[] = {"TOKEN", "X=1", "RUST_LOG=info", "ABSENT", "SUDO_USER"};
	struct lk_strv env = {e, 5};
	char **v = lk_peer_environ(host, true, &env);

	cr_assert_str_eq(joined(v), "TOKEN=secret;X=1;RUST_LOG=info;"
				    "SUDO_USER=alice;");
	free(v);
	v = lk_peer_environ(host, false, &env);
	cr_assert_str_eq(joined(v), "PATH=/bin;SSH_AUTH_SOCKET_NOT=kept;"
				    "TOKEN=secret;X=1;RUST_LOG=info;"
				    "SUDO_USER=alice;");
	free(v);
}
