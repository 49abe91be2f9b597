// SPDX-License-Identifier: GPL-2.0
/*
 * systemd's notification protocol (sd_notify(3)) without libsystemd:
 * one datagram "READY=1", "STOPPING=1", "WATCHDOG=1" or "STATUS=..." to
 * the AF_UNIX socket named by $NOTIFY_SOCKET (a leading '@' is the
 * abstract namespace). Nothing happens without the variable, so nfipsd
 * runs the same from a shell.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "nfipsd.h"

void nfipsd_notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len;
	socklen_t salen;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	close(fd);
}

uint64_t nfipsd_watchdog_usec(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");

	if (!usec)
		return 0;
	if (pid && (pid_t)strtol(pid, NULL, 10) != getpid())
		return 0;
	return strtoull(usec, NULL, 10);
}
