// SPDX-License-Identifier: GPL-2.0
/*
 * The contacts' mail as nfipsctl shows it, read from the store's mail
 * queue (Documentation/notify.rst): the queue's state for `nfipsctl
 * status` (pending, the oldest's age, last error, last success), and an
 * incident with each of its mails and every attempt for `nfipsctl
 * incident ID`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "nfipsctl.h"

static int64_t now_usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int ctl_print_mail_status(const char *store, bool quiet_if_none)
{
	struct nfips_mail_summary sum;
	struct nfips_store *s = ctl_store_open(store, false);
	char err[1024], when[64];

	if (!s) {
		if (!quiet_if_none)
			return 1;
		printf("mail: unknown (no store to read)\n");
		return 0;
	}
	if (nfips_mail_summary(s, &sum, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		nfips_store_close(s);
		return 1;
	}
	nfips_store_close(s);
	printf("mail: %" PRIu64 " pending", sum.pending);
	if (sum.pending)
		printf(" (oldest %" PRId64 " s)", (now_usec() - sum.oldest_pending) / 1000000);
	printf(", %" PRIu64 " sent, %" PRIu64 " failed\n", sum.sent, sum.failed);
	if (sum.last_success) {
		ctl_fmt_time(when, sizeof(when), sum.last_success, false);
		printf("mail last success: %s\n", when);
	} else {
		printf("mail last success: never\n");
	}
	if (sum.last_error_ts) {
		ctl_fmt_time(when, sizeof(when), sum.last_error_ts, false);
		printf("mail last error: %s %s\n", when, sum.last_error);
	} else {
		printf("mail last error: none\n");
	}
	return 0;
}

struct show {
	struct nfips_store *s;
	int rc;
};

static int print_attempt(void *arg, const struct nfips_mail_attempt_row *a)
{
	char when[64];

	(void)arg;
	ctl_fmt_time(when, sizeof(when), a->ts, false);
	printf("      %s  %s  %s\n", when, a->ok ? "sent  " : "failed", a->outcome);
	return 0;
}

static int print_mail(void *arg, const struct nfips_mail *m)
{
	struct show *sh = arg;
	char when[64], err[512];

	ctl_fmt_time(when, sizeof(when), m->created, false);
	printf("  mail %" PRIu64 "  %s  %s  to %s (%s)  %s  queued %s, %u attempt%s\n",
	       m->id, nfips_mail_kind_name(m->kind), nfips_mail_state_name(m->state), m->rcpt,
	       m->lang, m->grade >= 0 ? nfips_store_grade_name(m->grade) : "-", when,
	       m->attempts, m->attempts == 1 ? "" : "s");
	printf("    subject: %s\n", m->subject);
	if (nfips_mail_attempts(sh->s, m->id, print_attempt, NULL, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		sh->rc = 1;
	}
	return 0;
}

static int print_incident(void *arg, const struct nfips_store_incident_row *r)
{
	char src[64], dst[64], first[64], last[64];

	(void)arg;
	nfips_store_addr_str(src, sizeof(src), r->src);
	nfips_store_addr_str(dst, sizeof(dst), r->dst);
	ctl_fmt_time(first, sizeof(first), r->first_seen, false);
	ctl_fmt_time(last, sizeof(last), r->last_seen, false);
	printf("incident %" PRIu64 ": %s (%u:%u)\n", r->id, r->msg, r->gid, r->sid);
	printf("  grade: %s%s%s\n", r->grade >= 0 ? nfips_store_grade_name(r->grade) : "-",
	       r->reason ? ", " : "", r->reason ? r->reason : "");
	printf("  state: %s%s%s\n", nfips_incident_state_name(r->state),
	       r->note ? ", " : "", r->note ? r->note : "");
	printf("  from %s port %u to %s port %u, protocol %u\n", src, r->sport, dst, r->dport,
	       r->proto);
	printf("  first %s, last %s\n", first, last);
	printf("  alerts: %" PRIu64 " (%" PRIu64 " blocked, %" PRIu64 " allowed)\n", r->count,
	       r->blocked, r->allowed);
	return 0;
}

int ctl_show_incident(const char *store, uint64_t id)
{
	struct show sh = { .rc = 0 };
	char err[1024];
	int found;

	sh.s = ctl_store_open(store, false);
	if (!sh.s)
		return 1;
	found = nfips_store_incident_get(sh.s, id, print_incident, NULL, err, sizeof(err));
	if (found < 0) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		nfips_store_close(sh.s);
		return 1;
	}
	if (found > 0) {
		fprintf(stderr, "nfipsctl: no incident %" PRIu64 " in the store\n", id);
		nfips_store_close(sh.s);
		return 1;
	}
	printf("mails:\n");
	if (nfips_mail_list(sh.s, id, print_mail, &sh, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		sh.rc = 1;
	}
	nfips_store_close(sh.s);
	return sh.rc;
}
