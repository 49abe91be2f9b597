// SPDX-License-Identifier: GPL-2.0
/*
 * One request to a gateway through the system ssh: the engineer's keys,
 * agent and ssh_config apply, in batch mode (no prompt), and host keys
 * are always checked against known_hosts (StrictHostKeyChecking=yes on
 * the command line wins over any configuration that would relax it: an
 * unknown or changed host key is refused, never learnt). The request's
 * input is written while its output is read, so neither side can block
 * the other; a request that outlives its timeout is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "util/util.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ctl_ssh(const struct ctl_ssh_opts *o, const struct ctl_host *h, const char *request,
	    const char *in, size_t inlen, struct nfips_sbuf *out, struct nfips_sbuf *err)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	char port[16], cmd[1024], *argv[32], buf[8192];
	int argc = 0, status = 0, ret = -1;
	int64_t deadline = now_ms() + (int64_t)o->timeout * 1000;
	size_t sent = 0;
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "%s gateway %s", h->remote ? h->remote : "nfipsctl", request);
	argv[argc++] = "ssh";
	argv[argc++] = "-o";
	argv[argc++] = "BatchMode=yes";
	argv[argc++] = "-o";
	argv[argc++] = "StrictHostKeyChecking=yes";
	argv[argc++] = "-o";
	argv[argc++] = "ConnectTimeout=10";
	if (o->config) {
		argv[argc++] = "-F";
		argv[argc++] = (char *)o->config;
	}
	if (h->port) {
		snprintf(port, sizeof(port), "%d", h->port);
		argv[argc++] = "-p";
		argv[argc++] = port;
	}
	if (h->user) {
		argv[argc++] = "-l";
		argv[argc++] = h->user;
	}
	argv[argc++] = "--";
	argv[argc++] = h->dest ? h->dest : h->name;
	argv[argc++] = cmd;
	argv[argc] = NULL;

	if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC)) {
		nfips_sbuf_printf(err, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		nfips_sbuf_printf(err, "fork: %s", strerror(errno));
		goto out;
	}
	if (!pid) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		execvp(o->ssh ? o->ssh : "ssh", argv);
		fprintf(stderr, "cannot run ssh: %s\n", strerror(errno));
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	if (!inlen) {
		close(pin[1]);
		pin[1] = -1;
	}
	while (pout[0] >= 0 || perr[0] >= 0) {
		struct pollfd p[3] = {
			{ .fd = pout[0], .events = POLLIN },
			{ .fd = perr[0], .events = POLLIN },
			{ .fd = pin[1], .events = POLLOUT },
		};
		int64_t left = deadline - now_ms();
		ssize_t n;
		int i;

		if (left <= 0) {
			kill(pid, SIGKILL);
			nfips_sbuf_printf(err, "timed out after %u s\n", o->timeout);
			break;
		}
		if (poll(p, 3, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR)
			break;
		if (p[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
			n = write(pin[1], in + sent, inlen - sent);
			if (n > 0)
				sent += (size_t)n;
			if (n < 0 && errno != EAGAIN) {
				close(pin[1]);
				pin[1] = -1;
			} else if (sent == inlen) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		for (i = 0; i < 2; i++) {
			int *fd = i ? &perr[0] : &pout[0];

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n > 0) {
				nfips_sbuf_add(i ? err : out, buf, (size_t)n);
			} else if (!n || errno != EINTR) {
				close(*fd);
				*fd = -1;
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
out:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	nfips_sbuf_add(out, "", 1);
	out->len--;
	nfips_sbuf_add(err, "", 1);
	err->len--;
	return ret;
}

const char *ctl_kv(const char *text, const char *key, char *val, size_t len)
{
	size_t k = strlen(key);
	const char *p = text, *found = NULL;

	/* the last "key=" line wins (a rollback's serial= follows the install's) */
	while (p && *p) {
		if (!strncmp(p, key, k) && p[k] == '=')
			found = p + k + 1;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!found)
		return NULL;
	snprintf(val, len, "%.*s", (int)strcspn(found, "\n"), found);
	return val;
}
