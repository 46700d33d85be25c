/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.c — the supervisor ↔ peer init messages on the wire (sync.h). */
#include "launcher/sync.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The control buffer of a message with credentials. */
union sync_cmsg {
	struct cmsghdr h;
	char buf[CMSG_SPACE(sizeof(struct ucred))];
};

int lk_sync_socketpair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	/* The workload's pid arrives as SCM_CREDENTIALS. */
	(void)setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &(int){1},
			 sizeof(int));
	return 0;
}

ssize_t lk_sync_send(int fd, const struct lk_sync_msg *m, int flags)
{
	return send(fd, m, sizeof(*m), flags);
}

ssize_t lk_sync_send_pid(int fd, const struct lk_sync_msg *m, pid_t pid,
			 int flags)
{
	struct ucred cred = {.pid = pid, .uid = getuid(), .gid = getgid()};
	union sync_cmsg c;
	struct iovec iov = {(void *)m, sizeof(*m)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	memset(&c, 0, sizeof(c));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
	return sendmsg(fd, &mh, flags);
}

ssize_t lk_sync_recv(int fd, struct lk_sync_msg *m, pid_t *pid, int flags)
{
	union sync_cmsg c;
	struct iovec iov = {m, sizeof(*m)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf)};
	ssize_t n = recvmsg(fd, &mh, flags | MSG_CMSG_CLOEXEC);
	struct cmsghdr *cm;

	if (n != (ssize_t)sizeof(*m))
		return n;
	m->text[sizeof(m->text) - 1] = '\0';
	cm = CMSG_FIRSTHDR(&mh);
	if (pid && cm && cm->cmsg_level == SOL_SOCKET &&
	    cm->cmsg_type == SCM_CREDENTIALS) {
		struct ucred cred;

		memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
		*pid = cred.pid;
	}
	return n;
}
