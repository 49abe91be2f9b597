// SPDX-License-Identifier: GPL-2.0
/*
 * The report as plain text, for a terminal or a mail body: every line at
 * most 100 columns (wide characters counted twice), signatures cut with
 * "~" to fit, addresses never cut (the alert table gives each alert two
 * lines so that two IPv6 endpoints fit).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "report_int.h"

#define WIDTH	100

static void heading(struct nfips_sbuf *b, const char *s, char under)
{
	size_t w = nfips_report_width(s), i;

	nfips_sbuf_printf(b, "\n%s\n", s);
	for (i = 0; i < w && i < WIDTH; i++)
		nfips_sbuf_add(b, &under, 1);
	nfips_sbuf_puts(b, "\n");
}

static void line_kv(struct nfips_sbuf *b, const struct nfips_report *r,
		    enum nfips_report_word k, const char *v)
{
	nfips_report_cell(b, W(k), 14, true);
	nfips_sbuf_puts(b, " ");
	nfips_report_cell(b, v, WIDTH - 15, false);
	nfips_sbuf_puts(b, "\n");
}

/* @s right-aligned in @w columns (a header over numbers). */
static void rcell(struct nfips_sbuf *b, const char *s, size_t w)
{
	size_t n = nfips_report_width(s);

	while (n++ < w)
		nfips_sbuf_add(b, " ", 1);
	nfips_report_cell(b, s, w, false);
}

static void num_cell(struct nfips_sbuf *b, uint64_t n, size_t w)
{
	char s[32];

	snprintf(s, sizeof(s), "%" PRIu64, n);
	nfips_sbuf_printf(b, "%*s", (int)w, s);
}

static void change_cell(struct nfips_sbuf *b, uint64_t now, uint64_t before, size_t w)
{
	char s[32];

	nfips_report_change(s, sizeof(s), now, before);
	nfips_sbuf_printf(b, "%*s", (int)w, s);
}

static void summary(struct nfips_sbuf *b, const struct nfips_report *r)
{
	static const int order[] = { 5, 4, 3, 2, 1, 0 };	/* emergency .. not graded */
	size_t i;

	heading(b, W(W_BY_GRADE), '-');
	nfips_report_cell(b, W(W_GRADE), 18, true);
	rcell(b, W(W_TOTAL), 12);
	rcell(b, W(W_BLOCKED), 12);
	rcell(b, W(W_ALERTED), 12);
	rcell(b, W(W_PREVIOUS), 12);
	rcell(b, W(W_CHANGE), 16);
	nfips_sbuf_puts(b, "\n");
	for (i = 0; i < 6; i++) {
		const uint64_t *g = r->cur.by_grade[order[i]], *p = r->prev.by_grade[order[i]];

		nfips_report_cell(b, nfips_report_grade(r->o.lang, order[i] - 1), 18, true);
		num_cell(b, g[0] + g[1], 12);
		num_cell(b, g[1], 12);
		num_cell(b, g[0], 12);
		num_cell(b, p[0] + p[1], 12);
		change_cell(b, g[0] + g[1], p[0] + p[1], 16);
		nfips_sbuf_puts(b, "\n");
	}
	nfips_report_cell(b, W(W_TOTAL), 18, true);
	num_cell(b, r->cur.n, 12);
	num_cell(b, r->cur.blocked, 12);
	num_cell(b, r->cur.alerted, 12);
	num_cell(b, r->prev.n, 12);
	change_cell(b, r->cur.n, r->prev.n, 16);
	nfips_sbuf_printf(b, "\n%s: %s\n", W(W_PREVIOUS), r->prev_period);
}

static void incidents(struct nfips_sbuf *b, const struct nfips_report *r)
{
	char first[32], addr[96], more[128];
	size_t i;

	heading(b, W(W_INCIDENTS), '-');
	if (r->agg_days)
		nfips_report_wrap(b, W(W_AGG_NO_INCIDENTS), WIDTH);
	nfips_sbuf_printf(b, "%s %" PRIu64 "   %s %" PRIu64 "   %s %" PRIu64 "   %s %"
			  PRIu64 "\n", W(W_TOTAL), r->inc_total, W(W_OPEN), r->inc_state[0],
			  W(W_ACKED), r->inc_state[1], W(W_CLOSED), r->inc_state[2]);
	if (r->ninc < r->inc_total) {
		snprintf(more, sizeof(more), W(W_INC_MORE), r->ninc,
			 (unsigned long long)r->inc_total);
		nfips_sbuf_printf(b, "(%s)\n", more);
	}
	if (!r->ninc)
		return;
	nfips_report_cell(b, W(W_ID), 8, true);
	nfips_report_cell(b, W(W_GRADE), 10, true);
	nfips_report_cell(b, W(W_STATE), 13, true);
	rcell(b, W(W_COUNT), 8);
	nfips_sbuf_puts(b, " ");
	nfips_report_cell(b, W(W_FIRST), 17, true);
	nfips_report_cell(b, W(W_SIGNATURE), 40, false);
	nfips_sbuf_puts(b, "\n");
	for (i = 0; i < r->ninc; i++) {
		const struct nfips_report_incident *n = &r->inc[i];
		char id[24], sig[160];

		snprintf(id, sizeof(id), "%" PRIu64, n->id);
		nfips_report_cell(b, id, 8, true);
		nfips_report_cell(b, nfips_report_grade(r->o.lang, n->grade), 10, true);
		nfips_report_cell(b, nfips_report_state(r->o.lang, n->state), 13, true);
		num_cell(b, n->count, 8);
		nfips_sbuf_puts(b, " ");
		nfips_report_time(first, sizeof(first), n->first_seen, "%Y-%m-%d %H:%M");
		nfips_report_cell(b, first, 17, true);
		snprintf(sig, sizeof(sig), "%" PRIu32 " %s", n->sid, n->msg ? n->msg : "");
		nfips_report_cell(b, sig, 40, false);
		nfips_sbuf_puts(b, "\n        ");
		nfips_report_addr(addr, sizeof(addr), n->src, 0, 0);
		nfips_sbuf_puts(b, addr);
		nfips_sbuf_puts(b, " -> ");
		nfips_report_addr(addr, sizeof(addr), n->dst, 0, 0);
		nfips_sbuf_puts(b, addr);
		nfips_sbuf_puts(b, "\n");
		if (n->note) {
			char by[160];

			nfips_report_time(first, sizeof(first), n->changed, "%Y-%m-%d %H:%M");
			snprintf(by, sizeof(by), " (%s %s, %s)", W(W_BY), n->by ? n->by : "-", first);
			nfips_sbuf_printf(b, "        %s: ", W(W_NOTE));
			nfips_report_cell(b, n->note, WIDTH - 10 - nfips_report_width(W(W_NOTE)) -
					  nfips_report_width(by), false);
			nfips_sbuf_printf(b, "%s\n", by);
		}
	}
}

/* "2026-12-05 12:00 expired", "2026-12-05 09:00 unblocked (tanaka)", "in force" */
static void block_end(char *buf, size_t len, const struct nfips_report *r,
		      const struct nfips_report_block *k)
{
	char t[32];

	if (k->state == NFIPS_RBLOCK_IN_FORCE) {
		snprintf(buf, len, "%s", W(W_IN_FORCE));
		return;
	}
	nfips_report_time(t, sizeof(t), k->state == NFIPS_RBLOCK_EXPIRED ? k->until : k->ended,
			  "%Y-%m-%d %H:%M");
	snprintf(buf, len, "%s %s%s%s%s", t, nfips_report_block_state(r->o.lang, k->state),
		 k->ended_by ? " (" : "", k->ended_by ? k->ended_by : "",
		 k->ended_by ? ")" : "");
}

static void blocks(struct nfips_sbuf *b, const struct nfips_report *r)
{
	char t[32], end[160], reason[300];
	size_t i;

	heading(b, W(W_BLOCKS), '-');
	if (!r->nblocks) {
		nfips_sbuf_printf(b, "%s\n", W(W_NONE));
		return;
	}
	nfips_report_cell(b, W(W_ADDRESS), 26, true);
	nfips_report_cell(b, W(W_BLOCKED_AT), 18, true);
	nfips_report_cell(b, W(W_UNTIL), 18, true);
	nfips_report_cell(b, W(W_ENDED), 40, false);
	nfips_sbuf_puts(b, "\n");
	for (i = 0; i < r->nblocks; i++) {
		const struct nfips_report_block *k = &r->blocks[i];

		nfips_report_cell(b, k->addr, 26, true);
		nfips_report_time(t, sizeof(t), k->ts, "%Y-%m-%d %H:%M");
		nfips_report_cell(b, t, 18, true);
		if (k->until)
			nfips_report_time(t, sizeof(t), k->until, "%Y-%m-%d %H:%M");
		nfips_report_cell(b, k->until ? t : W(W_UNTIL_REMOVED), 18, true);
		block_end(end, sizeof(end), r, k);
		nfips_report_cell(b, end, 40, false);
		snprintf(reason, sizeof(reason), "%s: %s (%s %s)", W(W_REASON),
			 k->reason ? k->reason : "-", W(W_BY), k->by ? k->by : "-");
		nfips_sbuf_puts(b, "\n        ");
		nfips_report_cell(b, reason, WIDTH - 8, false);
		nfips_sbuf_puts(b, "\n");
	}
}

static void top(struct nfips_sbuf *b, const struct nfips_report *r,
		enum nfips_report_word title, const struct nfips_report_list *l, int kind)
{
	char label[160], name[320];
	size_t i;

	heading(b, W(title), '-');
	if (!l->n) {
		nfips_sbuf_printf(b, "%s\n", W(W_NONE));
		return;
	}
	nfips_report_cell(b, "#", 4, true);
	rcell(b, W(W_COUNT), 10);
	rcell(b, W(W_BLOCKED), 11);
	nfips_sbuf_puts(b, " ");
	nfips_report_cell(b, W(kind == 0 ? W_SIGNATURE : kind == 3 ? W_PORT :
			      kind == 1 ? W_SOURCE : W_TARGET), 60, false);
	nfips_sbuf_puts(b, "\n");
	for (i = 0; i < l->n; i++) {
		nfips_sbuf_printf(b, "%-4zu", i + 1);
		num_cell(b, l->v[i].n, 10);
		nfips_sbuf_puts(b, " ");
		num_cell(b, l->v[i].blocked, 10);
		nfips_sbuf_puts(b, " ");
		nfips_report_top_label(label, sizeof(label), &l->v[i], kind);
		nfips_report_rdns(name, sizeof(name), r, &l->v[i]);
		if (name[0]) {
			/* the address whole, the name cut to what is left */
			nfips_sbuf_puts(b, label);
			nfips_sbuf_puts(b, "  ");
			nfips_report_cell(b, name, WIDTH - 28 - nfips_report_width(label), false);
		} else {
			nfips_report_cell(b, label, WIDTH - 26, false);
		}
		nfips_sbuf_puts(b, "\n");
	}
}

static void histogram(struct nfips_sbuf *b, const struct nfips_report *r)
{
	uint64_t max = 0;
	unsigned i;

	heading(b, W(r->o.kind == NFIPS_REPORT_DAILY ? W_HIST_HOURLY : W_HIST_DAILY), '-');
	if (r->hist_partial) {
		nfips_report_wrap(b, W(W_HIST_PARTIAL), WIDTH);
		return;
	}
	for (i = 0; i < r->nhist; i++)
		if (r->hist[i] > max)
			max = r->hist[i];
	for (i = 0; i < r->nhist; i++) {
		size_t bar = max ? (size_t)((r->hist[i] * 70 + max - 1) / max) : 0;
		size_t blk = max ? (size_t)(r->hist_blocked[i] * 70 / max) : 0, j;

		nfips_sbuf_printf(b, "%02u |", r->o.kind == NFIPS_REPORT_DAILY ? i : i + 1);
		/* '#' blocked, '+' alerted only */
		for (j = 0; j < bar; j++)
			nfips_sbuf_add(b, j < blk ? "#" : "+", 1);
		nfips_sbuf_printf(b, " %" PRIu64 "\n", r->hist[i]);
	}
	nfips_sbuf_printf(b, "(# %s, + %s)\n", W(W_BLOCKED), W(W_ALERTED));
}

static void alert_table(struct nfips_sbuf *b, const struct nfips_report *r)
{
	char ts[32], ep[96], shown[128];
	size_t i;

	heading(b, W(W_ALERT_TABLE), '-');
	if (r->agg_days)
		nfips_report_wrap(b, W(W_AGG_NO_TABLE), WIDTH);
	if (r->nalerts < r->alerts_raw) {
		snprintf(shown, sizeof(shown), W(W_SHOWN), r->nalerts,
			 (unsigned long long)r->alerts_raw);
		nfips_sbuf_printf(b, "(%s)\n", shown);
	}
	if (!r->nalerts) {
		nfips_sbuf_printf(b, "%s\n", W(W_NONE));
		return;
	}
	nfips_report_cell(b, W(W_DATE), 11, true);
	nfips_report_cell(b, W(W_TIME), 9, true);
	nfips_report_cell(b, W(W_SID), 11, true);
	nfips_report_cell(b, W(W_PROTO), 6, true);
	nfips_report_cell(b, W(W_IFACE), 10, true);
	nfips_report_cell(b, W(W_ACTION), 9, true);
	nfips_report_cell(b, W(W_ATTACK), WIDTH - 56, false);
	nfips_sbuf_puts(b, "\n  ");
	nfips_report_cell(b, W(W_SOURCE), 40, false);
	nfips_sbuf_printf(b, " -> %s\n", W(W_TARGET));
	for (i = 0; i < r->nalerts; i++) {
		const struct nfips_report_alert *a = &r->alerts[i];
		char sid[16];

		nfips_report_time(ts, sizeof(ts), a->ts, "%Y-%m-%d %H:%M:%S");
		nfips_sbuf_add(b, ts, 10);
		nfips_sbuf_printf(b, " %s ", ts + 11);
		snprintf(sid, sizeof(sid), "%" PRIu32, a->sid);
		nfips_report_cell(b, sid, 11, true);
		nfips_report_cell(b, nfips_report_proto(a->proto), 6, true);
		nfips_report_cell(b, a->iface[0] ? a->iface : "-", 10, true);
		nfips_report_cell(b, W(a->blocked ? W_BLOCKED : W_ALERTED), 9, true);
		nfips_report_cell(b, a->msg, WIDTH - 56, false);
		nfips_sbuf_puts(b, "\n  ");
		nfips_report_addr(ep, sizeof(ep), a->src, a->sport, a->proto);
		nfips_sbuf_puts(b, ep);
		nfips_sbuf_puts(b, " -> ");
		nfips_report_addr(ep, sizeof(ep), a->dst, a->dport, a->proto);
		nfips_sbuf_puts(b, ep);
		nfips_sbuf_puts(b, "\n");
	}
}

void nfips_report_text(const struct nfips_report *r, struct nfips_sbuf *b)
{
	const char *title = W(r->o.kind == NFIPS_REPORT_DAILY ? W_TITLE_DAILY : W_TITLE_MONTHLY);
	char gen[32], agg[200];
	size_t i;

	nfips_sbuf_printf(b, "%s\n", title);
	for (i = 0; i < nfips_report_width(title); i++)
		nfips_sbuf_add(b, "=", 1);
	nfips_sbuf_puts(b, "\n");
	if (r->o.customer)
		line_kv(b, r, W_CUSTOMER, r->o.customer);
	if (r->o.sensor)
		line_kv(b, r, W_SENSOR, r->o.sensor);
	line_kv(b, r, W_PERIOD, r->period);
	line_kv(b, r, W_TZ, r->o.tz ? r->o.tz : "UTC");
	nfips_report_time(gen, sizeof(gen), r->o.generated, "%Y-%m-%d %H:%M:%S");
	line_kv(b, r, W_GENERATED, gen);
	if (r->agg_days) {
		snprintf(agg, sizeof(agg), W(W_AGG_DAYS), r->agg_days);
		nfips_report_wrap(b, agg, WIDTH);
	}
	summary(b, r);
	incidents(b, r);
	blocks(b, r);
	top(b, r, W_TOP_SIGS, &r->sigs, 0);
	top(b, r, W_TOP_SRCS, &r->srcs, 1);
	nfips_report_wrap(b, W(r->rdns ? W_RDNS_NOTE : W_RDNS_NONE), WIDTH);
	top(b, r, W_TOP_DSTS, &r->dsts, 2);
	top(b, r, W_TOP_PORTS, &r->ports, 3);
	histogram(b, r);
	top(b, r, W_NEW_SIGS, &r->new_sigs, 0);
	alert_table(b, r);
}
