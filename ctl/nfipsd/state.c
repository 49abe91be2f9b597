// SPDX-License-Identifier: GPL-2.0
/*
 * The state file (/var/lib/nfips/nfipsd.state): a few "key=value" lines
 * the daemon rewrites atomically (temporary file, fsync, rename, fsync of
 * the directory) at start, every state.interval seconds, and at a clean
 * stop, with the kernel's counters of the moment:
 *
 *   clean=0|1  started=EPOCH  time=EPOCH  kernel=0|1
 *   kernel_packets=N  kernel_absent=N
 *   policy_serial=N  reloads=N  reloads_refused=N  pid=N
 *
 * policy_serial is the running policy file's serial (0 without one);
 * reloads counts the reloads that ended, refused or not, so that
 * nfipsctl policy install can tell its SIGHUP's reload finished and how
 * (the file is rewritten as soon as one ends).
 *
 * At start, a file saying clean=0 means the previous run died (kill -9,
 * crash, power): the outage ran from its last write (at most one interval
 * after the real end) to now, and the kernel's counters since then say
 * how many packets went through uninspected by the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsd.h"

int nfipsd_state_write(const char *path, const struct nfipsd_state *s)
{
	char buf[512];
	int len;

	len = snprintf(buf, sizeof(buf),
		       "clean=%d\nstarted=%" PRId64 "\ntime=%" PRId64 "\nkernel=%d\n"
		       "kernel_packets=%" PRIu64 "\nkernel_absent=%" PRIu64 "\n"
		       "policy_serial=%" PRId64 "\nreloads=%" PRIu64 "\n"
		       "reloads_refused=%" PRIu64 "\npid=%ld\n",
		       s->clean, s->started, s->time, s->have_kernel,
		       s->kpackets, s->kabsent, s->policy_serial, s->reloads,
		       s->reloads_refused, (long)getpid());
	return nfips_file_replace(path, buf, (size_t)len);
}

int nfipsd_state_read(const char *path, struct nfipsd_state *s)
{
	FILE *f = fopen(path, "re");
	char line[256];
	long long v;
	unsigned long long u;
	int fields = 0;

	memset(s, 0, sizeof(*s));
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "clean=%lld", &v) == 1)
			s->clean = v != 0, fields++;
		else if (sscanf(line, "started=%lld", &v) == 1)
			s->started = v, fields++;
		else if (sscanf(line, "time=%lld", &v) == 1)
			s->time = v, fields++;
		else if (sscanf(line, "kernel=%lld", &v) == 1)
			s->have_kernel = v != 0;
		else if (sscanf(line, "kernel_packets=%llu", &u) == 1)
			s->kpackets = u;
		else if (sscanf(line, "kernel_absent=%llu", &u) == 1)
			s->kabsent = u;
	}
	fclose(f);
	return fields == 3 ? 0 : -EINVAL;
}

static void fmt_time(char *out, size_t len, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void nfipsd_outage_check(const char *path, struct nfipsd_state *now)
{
	struct nfipsd_state prev;
	char a[32], b[32];
	int ret = nfipsd_state_read(path, &prev);

	if (ret == -ENOENT) {
		nfipsd_log(NFIPSD_INFO, "state: no %s: first run", path);
		return;
	}
	if (ret) {
		nfipsd_log(NFIPSD_WARNING, "state: %s unreadable (%s): outage unknown",
			   path, strerror(-ret));
		return;
	}
	if (prev.clean)
		return;
	fmt_time(a, sizeof(a), prev.time);
	fmt_time(b, sizeof(b), now->time);
	if (prev.have_kernel && now->have_kernel && now->kpackets >= prev.kpackets &&
	    now->kabsent >= prev.kabsent)
		nfipsd_log(NFIPSD_WARNING, "outage: the previous run ended uncleanly; "
			   "no daemon from %s (last sign of life) to %s (%" PRId64
			   " s); kernel meanwhile: %" PRIu64 " packets, %" PRIu64
			   " of flows for the daemon passed without it (fail-open: "
			   "daemon absent, queue full)",
			   a, b, now->time - prev.time, now->kpackets - prev.kpackets,
			   now->kabsent - prev.kabsent);
	else
		nfipsd_log(NFIPSD_WARNING, "outage: the previous run ended uncleanly; "
			   "no daemon from %s (last sign of life) to %s (%" PRId64
			   " s); kernel counters unavailable (module absent or "
			   "reloaded): packets passed meanwhile unknown",
			   a, b, now->time - prev.time);
}

bool nfipsd_kernel_counters(uint64_t *packets, uint64_t *absent)
{
	struct nfips_nl_status st;
	struct nfips_nl *nl;
	char err[256];
	bool ok = false;

	if (nfips_nl_open(&nl, err, sizeof(err)))
		return false;
	if (!nfips_nl_status(nl, &st)) {
		*packets = st.stats.packets;
		/* Chosen for the daemon, let through without it. */
		*absent = st.stats.daemon_absent + st.stats.queue_failopen;
		ok = true;
	}
	nfips_nl_close(nl);
	return ok;
}
