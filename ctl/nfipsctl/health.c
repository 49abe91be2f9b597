// SPDX-License-Identifier: GPL-2.0
/*
 * A gateway's health, as push confirms it after installing a policy and
 * fleet status shows it each morning. Healthy means:
 *
 *   - nfipsd runs: the pid in its pid file is alive and its state file
 *     was rewritten within two state intervals (plus 2 s), and says it
 *     runs the policy file's serial;
 *   - when nfips.ko is loaded in this network namespace: its status and
 *     counters can be read, inspection is on and its mode is the policy
 *     file's. Without the module nfipsd still inspects what nft queue
 *     rules feed it (Documentation/nfipsd.rst), so its absence is shown,
 *     not judged.
 *
 * Also read, for the SOC's table: the collectors' backlog (their status
 * files) and the time of the last alert record of the EVE log.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "deliver/deliver.h"
#include "kernel/nl.h"
#include "policy/policy.h"
#include "util/util.h"

#ifndef NFIPS_VERSION
#define NFIPS_VERSION "unknown"
#endif

int ctl_daemon_state(const struct ctl_gw *g, int64_t *time, int64_t *serial,
		     uint64_t *reloads, uint64_t *refused, long *pid)
{
	FILE *f = fopen(g->state, "re");
	char line[256];
	long long v;
	int have = 0;

	*time = *serial = 0;
	*reloads = *refused = 0;
	*pid = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "time=%lld", &v) == 1)
			*time = v, have++;
		else if (sscanf(line, "policy_serial=%lld", &v) == 1)
			*serial = v;
		else if (sscanf(line, "reloads=%lld", &v) == 1)
			*reloads = (uint64_t)v;
		else if (sscanf(line, "reloads_refused=%lld", &v) == 1)
			*refused = (uint64_t)v;
		else if (sscanf(line, "pid=%lld", &v) == 1)
			*pid = (long)v;
	}
	fclose(f);
	return have ? 0 : -1;
}

static long pidfile_pid(const char *path)
{
	FILE *f = fopen(path, "re");
	long pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		pid = 0;
	fclose(f);
	return pid;
}

static void read_kernel(struct ctl_health *h)
{
	struct nfips_nl_status st;
	struct nfips_nl *nl;
	FILE *f;

	if (nfips_nl_open(&nl, h->kernel_error, sizeof(h->kernel_error)) == -ENOENT) {
		snprintf(h->module_version, sizeof(h->module_version), "absent");
		h->kernel_error[0] = '\0';
		return;
	}
	h->kernel = true;
	f = fopen("/sys/module/nfips/version", "re");
	if (!f)
		f = fopen("/sys/module/nfips/srcversion", "re");
	if (!f || !fgets(h->module_version, sizeof(h->module_version), f))
		snprintf(h->module_version, sizeof(h->module_version), "loaded");
	h->module_version[strcspn(h->module_version, "\n")] = '\0';
	if (f)
		fclose(f);
	if (!nl)
		return;
	if (nfips_nl_status(nl, &st)) {
		snprintf(h->kernel_error, sizeof(h->kernel_error), "%s", nfips_nl_error(nl));
	} else {
		h->kernel_read = true;
		h->kernel_active = st.active;
		h->kernel_serial = st.serial;
		h->packets = st.stats.packets;
		h->alerts = st.stats.alerts;
		h->drops = st.stats.drops;
		snprintf(h->kernel_mode, sizeof(h->kernel_mode), "%s",
			 st.mode == NFIPS_MODE_ENFORCE ? "enforce" : "learn");
	}
	nfips_nl_close(nl);
}

static void read_collectors(const struct ctl_gw *g, struct ctl_health *h)
{
	DIR *dir = opendir(g->deliver_dir);
	struct dirent *e;

	if (!dir)
		return;
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		struct nfips_sender_status st;
		char path[4096];

		if (len < 8 || strcmp(e->d_name + len - 7, ".status"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", g->deliver_dir, e->d_name);
		if (nfips_status_read(path, &st))
			continue;
		h->collectors++;
		h->connected += st.connected;
		h->backlog += st.backlog;
		if (st.oldest && (!h->backlog_oldest || st.oldest < h->backlog_oldest))
			h->backlog_oldest = st.oldest;
	}
	closedir(dir);
}

/* The timestamp of the last alert record in the last 64 KiB of the log. */
static void read_last_alert(const struct ctl_gw *g, struct ctl_health *h)
{
	static char buf[65536 + 1];
	int fd = open(g->eve, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	ssize_t n;
	char *p;

	if (fd < 0)
		return;
	if (fstat(fd, &sb) || lseek(fd, sb.st_size > 65536 ? sb.st_size - 65536 : 0,
				    SEEK_SET) < 0 || (n = read(fd, buf, 65536)) <= 0) {
		close(fd);
		return;
	}
	close(fd);
	buf[n] = '\0';
	for (p = buf + n; p > buf; ) {
		char *line, *ts;
		struct tm tm = { 0 };

		*p = '\0';
		line = memrchr(buf, '\n', (size_t)(p - buf));
		line = line ? line + 1 : buf;
		ts = strstr(line, "\"timestamp\":\"");
		if (strstr(line, "\"event_type\":\"alert\"") && ts &&
		    strptime(ts + 13, "%Y-%m-%dT%H:%M:%S", &tm)) {
			/* "2026-12-06T09:12:44.123456+0900" */
			char *z = ts + 13 + 19;
			long off = 0;

			while (*z == '.' || (*z >= '0' && *z <= '9'))
				z++;
			if ((*z == '+' || *z == '-') && strlen(z) >= 5)
				off = ((z[1] - '0') * 10 + (z[2] - '0')) * 3600 +
				      ((z[3] - '0') * 10 + (z[4] - '0')) * 60;
			h->last_alert = (int64_t)timegm(&tm) - (*z == '-' ? -off : off);
			return;
		}
		p = line > buf ? line - 1 : buf;
	}
}

static void problem(struct ctl_health *h, const char *what)
{
	size_t len = strlen(h->problem);

	snprintf(h->problem + len, sizeof(h->problem) - len, "%s%s", len ? "; " : "", what);
	h->healthy = false;
}

void ctl_health_read(const struct ctl_gw *g, struct ctl_health *h)
{
	struct nfips_policy_opts o = { .flags = NFIPS_POLICY_NO_RULES };
	struct nfips_diags d = { 0 };
	struct nfips_policy *p;
	int64_t t, now = time(NULL);
	long spid;
	char msg[512];

	memset(h, 0, sizeof(*h));
	h->healthy = true;
	h->policy_serial = -1;
	h->state_age = -1;
	if (!nfips_policy_load(g->policy, &o, &p, &d)) {
		h->policy_serial = p->serial;
		snprintf(h->policy_mode, sizeof(h->policy_mode), "%s",
			 nfips_policy_mode_name(p->mode));
		nfips_policy_free(p);
	} else {
		snprintf(msg, sizeof(msg), "policy %s does not load", g->policy);
		problem(h, msg);
	}
	nfips_diags_free(&d);

	read_kernel(h);
	if (h->kernel && !h->kernel_read) {
		snprintf(msg, sizeof(msg), "kernel status unreadable: %s", h->kernel_error);
		problem(h, msg);
	} else if (h->kernel && !h->kernel_active) {
		problem(h, "kernel: no policy loaded (inspection off)");
	} else if (h->kernel && h->policy_mode[0] && strcmp(h->kernel_mode, h->policy_mode)) {
		snprintf(msg, sizeof(msg), "kernel in %s mode, the policy says %s",
			 h->kernel_mode, h->policy_mode);
		problem(h, msg);
	}

	h->pid = pidfile_pid(g->pidfile);
	if (!ctl_daemon_state(g, &t, &h->daemon_serial, &h->reloads, &h->reloads_refused,
			      &spid))
		h->state_age = now - t;
	if (!h->pid || kill((pid_t)h->pid, 0)) {
		snprintf(msg, sizeof(msg), "nfipsd not running (pid file %s)", g->pidfile);
		problem(h, msg);
	} else if (h->state_age < 0 || h->state_age > 2 * (int64_t)g->interval + 2 ||
		   spid != h->pid) {
		snprintf(msg, sizeof(msg), "nfipsd (pid %ld) not alive: state file %s %s",
			 h->pid, g->state, h->state_age < 0 ? "missing" : "stale");
		problem(h, msg);
	} else {
		h->daemon = true;
		if (h->policy_serial >= 0 && h->daemon_serial != h->policy_serial) {
			snprintf(msg, sizeof(msg), "nfipsd runs policy serial %lld, the file "
				 "says %lld", (long long)h->daemon_serial,
				 (long long)h->policy_serial);
			problem(h, msg);
		}
	}
	read_collectors(g, h);
	read_last_alert(g, h);
}

void ctl_health_json(const struct ctl_health *h)
{
	struct nfips_sbuf b = { 0 };
	struct nfips_json j;

	nfips_json_init(&j, &b);
	nfips_json_obj(&j, NULL);
	nfips_json_kstr(&j, "version", NFIPS_VERSION);
	nfips_json_kbool(&j, "healthy", h->healthy);
	nfips_json_kstr(&j, "problem", h->problem);
	nfips_json_obj(&j, "policy");
	nfips_json_kint(&j, "serial", h->policy_serial);
	nfips_json_kstr(&j, "mode", h->policy_mode);
	nfips_json_obj_end(&j);
	nfips_json_obj(&j, "kernel");
	nfips_json_kbool(&j, "loaded", h->kernel);
	nfips_json_kstr(&j, "module_version", h->module_version);
	if (h->kernel_read) {
		nfips_json_kbool(&j, "active", h->kernel_active);
		nfips_json_kstr(&j, "mode", h->kernel_mode);
		nfips_json_kuint(&j, "serial", h->kernel_serial);
		nfips_json_kuint(&j, "packets", h->packets);
		nfips_json_kuint(&j, "alerts", h->alerts);
		nfips_json_kuint(&j, "drops", h->drops);
	} else if (h->kernel) {
		nfips_json_kstr(&j, "error", h->kernel_error);
	}
	nfips_json_obj_end(&j);
	nfips_json_obj(&j, "daemon");
	nfips_json_kbool(&j, "running", h->daemon);
	nfips_json_kint(&j, "pid", h->pid);
	nfips_json_kint(&j, "policy_serial", h->daemon_serial);
	nfips_json_kint(&j, "state_age", h->state_age);
	nfips_json_kuint(&j, "reloads", h->reloads);
	nfips_json_kuint(&j, "reloads_refused", h->reloads_refused);
	nfips_json_obj_end(&j);
	nfips_json_obj(&j, "delivery");
	nfips_json_kuint(&j, "collectors", h->collectors);
	nfips_json_kuint(&j, "connected", h->connected);
	nfips_json_kuint(&j, "backlog", h->backlog);
	nfips_json_kint(&j, "oldest", h->backlog_oldest);
	nfips_json_obj_end(&j);
	nfips_json_kint(&j, "last_alert", h->last_alert);
	nfips_json_obj_end(&j);
	printf("%.*s\n", (int)b.len, b.s ? b.s : "");
	nfips_sbuf_free(&b);
}
