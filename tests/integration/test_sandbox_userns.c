/* test_sandbox_userns.c — peers never run as host root (docs/policies.md,
 * "Identity"): through linkem-launch (root), with default options,
 * --user and --policy strict, a peer reads no root-only file, plants no
 * setuid-root binary, cannot touch its own eth0, qdiscs, routes or
 * addresses, is refused by another launch's control socket; ./node in
 * a 0700 home runs under sudo; nginx and redis work. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *bdir(void)
{
	const char *b = getenv("LINKEM_BUILD");
	return b ? b : "build";
}

/* Run a shell command line; its output (stdout and stderr) into out. */
static int sh(const char *cmd, char *out, size_t size)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0, k;
	int st;

	cr_assert_not_null(f);
	while (n + 1 < size && (k = fread(out + n, 1, size - 1 - n, f)) > 0)
		n += k;
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char dir[] = "/var/tmp/lk-userns-XXXXXX";

static void setup(void)
{
	char p[PATH_MAX];
	int fd;

	if (geteuid() != 0)
		cr_skip_test("needs root");
	cr_assert_not_null(mkdtemp(dir));
	/* Writable by the peers' root (host nobody here) and by the
	 * per-launch range: a shared --rw directory. */
	cr_assert_eq(chmod(dir, 01777), 0);
	snprintf(p, sizeof(p), "%s/secret", dir);
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "root only\n", 10), 10);
	close(fd);
}

static void teardown(void)
{
	char cmd[PATH_MAX];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", dir);
}

/* Everything a peer must not do to the host or its own network, with
 * each of the option sets; the plant is then checked from the host. */
Test(sandbox_userns, root_only_files_setuid_plant_and_network,
     .init = setup, .fini = teardown, .timeout = 120)
{
	static char out[1 << 16];
	char cmd[PATH_MAX * 4], p[PATH_MAX];
	const char *opts[] = {"", "--user 65534", "--policy strict",
			      "--user 65534 --policy strict"};
	struct stat st;

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		snprintf(p, sizeof(p), "%s/planted", dir);
		unlink(p);
		snprintf(cmd, sizeof(cmd),
			 "%s/linkem-launch -q -n 2 %s --rw %s -- "
			 "%s/tests/progs/hostile --secret %s/secret --plant %s"
			 " --only read-shadow,read-secret,plant-setuid,"
			 "ioctl-ifflags,rtnl-newlink,rtnl-newaddr,"
			 "rtnl-delqdisc,rtnl-newroute 2>&1",
			 bdir(), opts[i], dir, bdir(), dir, dir);
		cr_assert_eq(sh(cmd, out, sizeof(out)), 0, "%s\n%s", cmd, out);
		cr_assert_null(strstr(out, "ESCAPED"), "%s\n%s", cmd, out);
		for (int id = 1; id <= 2; id++) {
			static const char *const names[] = {
			    "read-shadow",   "read-secret",
			    "rtnl-newlink",  "rtnl-newaddr",
			    "rtnl-delqdisc", "rtnl-newroute",
			    "ioctl-ifflags-eth0"};

			for (size_t k = 0; k < 7; k++) {
				char want[96];

				snprintf(want, sizeof(want),
					 "[peer%d] BLOCKED %s:", id, names[k]);
				cr_assert_not_null(strstr(out, want),
						   "%s: %s missing\n%s", opts[i],
						   want, out);
			}
		}
		cr_assert_not_null(strstr(out, "hostile: all blocked"), "%s",
				   out);
		/* From the host: the plant is there, and not setuid root. */
		cr_assert_eq(stat(p, &st), 0, "%s: no plant\n%s", opts[i], out);
		cr_assert_neq(st.st_uid, 0, "%s: planted file owned by root",
			      opts[i]);
		cr_assert(!(st.st_mode & S_ISUID) || st.st_uid != 0);
		cr_assert_neq(st.st_gid, 0, "%s: planted file of group root",
			      opts[i]);
	}
}

/* With --cap-host the peers are host root: the test's own yardstick (the
 * qdisc deletion is not refused for want of privilege there). */
Test(sandbox_userns, cap_host_is_host_root_and_says_so, .init = setup,
     .fini = teardown, .timeout = 60)
{
	static char out[1 << 14];
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd),
		 "%s/linkem-launch -n 1 --cap-host NET_ADMIN -- "
		 "%s/tests/progs/hostile --only rtnl-delqdisc 2>&1",
		 bdir(), bdir());
	sh(cmd, out, sizeof(out));
	cr_assert_not_null(strstr(out, "warning: --cap-host"), "%s", out);
	cr_assert_not_null(strstr(out, "ESCAPED rtnl-delqdisc"), "%s", out);
}

/* Launch A's control socket, outside /run and /tmp, reached by launch
 * B's peer through --rw: refused, whether B's peers are in a user
 * namespace (another uid) or host root by --cap-host (another PID
 * namespace). */
Test(sandbox_userns, control_socket_refused_from_a_peer, .init = setup,
     .fini = teardown, .timeout = 60)
{
	static char out[1 << 14];
	char cmd[PATH_MAX * 4], sock[PATH_MAX];
	const char *opts[] = {"", "--policy strict", "--cap-host NET_RAW"};
	pid_t a;
	int st;

	snprintf(sock, sizeof(sock), "%s/a.sock", dir);
	a = fork();
	cr_assert_geq(a, 0);
	if (a == 0) {
		char path[PATH_MAX];
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		dup2(null, 1);
		dup2(null, 2);
		snprintf(path, sizeof(path), "%s/linkem-launch", bdir());
		execl(path, path, "-q", "-n", "1", "--control", sock, "--",
		      "sleep", "30", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && access(sock, F_OK) < 0; i++)
		usleep(50000);
	cr_assert_eq(access(sock, F_OK), 0, "launch A made no socket");
	/* The host's root may use it (the yardstick). */
	snprintf(cmd, sizeof(cmd), "%s/linkem-ctl --control %s peers 2>&1",
		 bdir(), sock);
	cr_assert_eq(sh(cmd, out, sizeof(out)), 0, "%s", out);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		snprintf(cmd, sizeof(cmd),
			 "%s/linkem-launch -q -n 1 %s --rw %s -- "
			 "%s/tests/progs/hostile --control %s "
			 "--only control-socket 2>&1",
			 bdir(), opts[i], dir, bdir(), sock);
		sh(cmd, out, sizeof(out));
		cr_assert_not_null(strstr(out, "BLOCKED control-socket"),
				   "%s\n%s", opts[i], out);
	}
	kill(a, SIGTERM);
	waitpid(a, &st, 0);
}

/* ./node in a non-root user's 0700 home, under sudo (SUDO_UID/SUDO_GID
 * as sudo sets them): the peers' root is that user and gets in; without
 * them (plain root: host nobody) it does not. */
Test(sandbox_userns, dot_node_in_a_0700_home_under_sudo, .init = setup,
     .fini = teardown, .timeout = 60)
{
	static char out[1 << 14];
	char home[PATH_MAX], p[PATH_MAX + 16], cmd[PATH_MAX * 2];
	int fd;

	snprintf(home, sizeof(home), "%s/home", dir);
	cr_assert_eq(mkdir(home, 0700), 0);
	snprintf(p, sizeof(p), "%s/node", home);
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0700);
	cr_assert_geq(fd, 0);
	dprintf(fd, "#!/bin/sh\necho \"node $LINKEM_ID as $(id -u) "
		    "$(cat data)\"\n");
	close(fd);
	snprintf(p, sizeof(p), "%s/data", home);
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0);
	dprintf(fd, "private\n");
	close(fd);
	snprintf(cmd, sizeof(cmd), "chown -R 1000:1000 '%s'", home);
	cr_assert_eq(system(cmd), 0);

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && SUDO_UID=1000 SUDO_GID=1000 SUDO_USER=x "
		 "%s/linkem-launch -q -n 2 -- ./node 2>&1",
		 home, bdir());
	cr_assert_eq(sh(cmd, out, sizeof(out)), 0, "%s", out);
	cr_assert_not_null(strstr(out, "[peer1] node 1 as 0 private"), "%s",
			   out);
	cr_assert_not_null(strstr(out, "[peer2] node 2 as 0 private"), "%s",
			   out);

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && env -u SUDO_UID -u SUDO_GID -u PKEXEC_UID "
		 "%s/linkem-launch -n 1 -- ./node 2>&1",
		 home, bdir());
	cr_assert_neq(sh(cmd, out, sizeof(out)), 0, "%s", out);
	cr_assert_not_null(strstr(out, "host uid 65534 (nobody)"), "%s", out);
}

static void need(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null", prog);
	if (system(cmd) != 0)
		cr_skip_test("%s is not installed (scripts/deps.sh)", prog);
}

/* nginx, as Debian ships it, in peer1 on port 80 with default options:
 * its master (root inside) binds port 80 and its worker drops to
 * www-data; peer2 fetches the page. */
Test(sandbox_userns, nginx_serves_port_80_from_a_peer, .init = setup,
     .fini = teardown, .timeout = 60)
{
	static char out[1 << 15];
	char cmd[PATH_MAX * 4];
	static const char script[] =
	    "case {id} in "
	    "1) D=\\$(mktemp -d) && chmod 755 \\$D && mkdir -p \\$D/www && echo hello-from-nginx "
	    "> \\$D/www/index.html && "
	    "printf '%s\\n' 'user www-data;' 'worker_processes 1;' "
	    "'pid nginx.pid;' 'error_log stderr;' 'events {}' "
	    "'http { access_log off; client_body_temp_path b; "
	    "proxy_temp_path p; fastcgi_temp_path f; "
	    "uwsgi_temp_path u; scgi_temp_path s; "
	    "server { listen 80; root www; } }' > \\$D/nginx.conf "
	    "&& nginx -e stderr -p \\$D/ -c nginx.conf -g 'daemon off;' & "
	    "sleep 4; ps -o user= -C nginx | sort -u; kill \\$!; wait; exit 0;; "
	    "2) for i in 1 2 3 4 5 6 7 8 9 10; do "
	    "curl -sS -m 2 http://10.0.0.1/ && exit 0; sleep 0.3; done; "
	    "exit 1;; esac";

	need("nginx");
	need("curl");
	snprintf(cmd, sizeof(cmd),
		 "%s/linkem-launch -q -n 2 -- sh -c \"%s\" 2>&1", bdir(),
		 script);
	cr_assert_eq(sh(cmd, out, sizeof(out)), 0, "%s", out);
	cr_assert_not_null(strstr(out, "[peer2] hello-from-nginx"), "%s", out);
	/* The master as root inside, the worker as www-data. */
	cr_assert_not_null(strstr(out, "[peer1] root\n"), "%s", out);
	cr_assert_not_null(strstr(out, "[peer1] www-data\n"), "%s", out);
}

/* redis-server started as its own user (root inside drops to redis with
 * setpriv), answering peer2's PING. */
Test(sandbox_userns, redis_runs_as_its_own_user, .init = setup,
     .fini = teardown, .timeout = 60)
{
	static char out[1 << 15];
	char cmd[PATH_MAX * 4];
	static const char script[] =
	    "case {id} in "
	    "1) mkdir /tmp/rd && chown redis:redis /tmp/rd && "
	    "setpriv --reuid=redis --regid=redis --clear-groups "
	    "redis-server --bind 10.0.0.1 --port 6379 --dir /tmp/rd "
	    "--save '' --appendonly no --protected-mode no --loglevel warning & "
	    "for i in 1 2 3 4 5 6 7 8 9 10; do "
	    "redis-cli -h 10.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.3; "
	    "done; ps -o user= -C redis-server; wait; exit 0;; "
	    "2) for i in 1 2 3 4 5 6 7 8 9 10; do "
	    "redis-cli -h 10.0.0.1 ping 2>/dev/null | grep PONG && break; "
	    "sleep 0.3; done; sleep 1; redis-cli -h 10.0.0.1 shutdown nosave; "
	    "exit 0;; esac";

	need("redis-server");
	need("redis-cli");
	snprintf(cmd, sizeof(cmd),
		 "%s/linkem-launch -q -n 2 -- sh -c \"%s\" 2>&1", bdir(),
		 script);
	cr_assert_eq(sh(cmd, out, sizeof(out)), 0, "%s", out);
	cr_assert_not_null(strstr(out, "[peer2] PONG"), "%s", out);
	cr_assert_not_null(strstr(out, "[peer1] redis\n"), "%s", out);
}
