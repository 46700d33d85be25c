/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sync.h — the messages between the supervisor and PID 1 of each peer,
 * on a SOCK_SEQPACKET pair: one fixed-size struct per message, the
 * workload's pid as SCM_CREDENTIALS.  Both sides send and receive with
 * these helpers; what each side does with a message is its own
 * (peer_sync.c for the supervisor, peer_init.c for init).
 */
#ifndef LK_SYNC_H
#define LK_SYNC_H

#include <stdint.h>
#include <sys/types.h>

/* Messages on the SOCK_SEQPACKET pair between supervisor and peer init. */
enum lk_sync_type {
	LK_SYNC_GO = 1,	      /* supervisor → init: the network is ready */
	LK_SYNC_SETUP_ERROR,  /* init → supervisor: a step before exec failed */
	LK_SYNC_EXEC_ERROR,   /* init → supervisor: COMMAND did not start */
	LK_SYNC_STATUS,	      /* init → supervisor: the workload's wait status */
	LK_SYNC_WORKLOAD,     /* init → supervisor: the workload started; its
			       * pid travels as SCM_CREDENTIALS, so the
			       * supervisor sees it in its own namespace */
	LK_SYNC_RESTART,      /* supervisor → init: stop the workload (TERM,
			       * KILL after --grace) and start it again */
	LK_SYNC_RESTART_ERROR, /* init → supervisor: COMMAND did not start
				* again; the peer stays, without workload */
	LK_SYNC_EXIT,	      /* supervisor → init: every workload ended,
			       * exit (with the last workload's status) */
	LK_SYNC_NOTICE,	      /* init → supervisor: something the user
			       * should know (shown once, unless -q) */
	LK_SYNC_FORCED,	      /* init → supervisor: processes of the peer
			       * outlived --grace after the stop signal and
			       * were killed with SIGKILL */
};

struct lk_sync_msg {
	uint32_t type;
	int32_t err;	/* errno for the error messages */
	int32_t status; /* wait status for LK_SYNC_STATUS */
	char text[244];
};

/* The pair, CLOEXEC: sv[0] the supervisor's end, which receives
 * credentials (SO_PASSCRED), sv[1] init's.  Returns 0 or -1 with errno,
 * as socketpair(2). */
int lk_sync_socketpair(int sv[2]);

/* Send m on fd (send(2) flags; MSG_NOSIGNAL is the caller's to give).
 * Returns what sendmsg(2) does. */
ssize_t lk_sync_send(int fd, const struct lk_sync_msg *m, int flags);

/* The same, with pid as SCM_CREDENTIALS (and this process's uid and
 * gid): the kernel translates it into the receiver's PID namespace.
 * Sending another process's pid needs CAP_SYS_ADMIN. */
ssize_t lk_sync_send_pid(int fd, const struct lk_sync_msg *m, pid_t pid,
			 int flags);

/* Receive one message from fd (recv(2) flags).  Returns what recvmsg(2)
 * does.  A whole message has its text NUL-terminated, and *pid, when pid
 * is not NULL, set to the pid of the SCM_CREDENTIALS that came with it
 * (left alone when none did). */
ssize_t lk_sync_recv(int fd, struct lk_sync_msg *m, pid_t *pid, int flags);

#endif
