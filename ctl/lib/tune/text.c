// SPDX-License-Identifier: GPL-2.0
/*
 * The tuning report as plain text (100 columns, for a terminal) and as
 * one JSON object (every suggestion, for tools). Times are local: the
 * caller sets the zone to the customer's, as for the reports.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tune_int.h"
#include "policy/policy.h"
#include "report/report.h"
#include "report/report_int.h"	/* nfips_report_wrap */
#include "store/store.h"

/* Silent signatures listed in text; JSON lists all. */
#define TEXT_SILENT_MAX	50

void nfips_tune_time(char *buf, size_t len, int64_t usec, bool utc)
{
	time_t s = (time_t)(usec / 1000000);
	struct tm tm;

	if (utc)
		gmtime_r(&s, &tm);
	else
		localtime_r(&s, &tm);
	strftime(buf, len, utc ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S %Z", &tm);
}

const char *nfips_tune_section(int lang, enum nfips_tune_kind k)
{
	static const enum nfips_tune_word titles[] = {
		[NFIPS_TUNE_BLOCK] = TW_SEC_BLOCK,
		[NFIPS_TUNE_UNAFFECTED] = TW_SEC_UNAFFECTED,
		[NFIPS_TUNE_NOISY] = TW_SEC_NOISY,
		[NFIPS_TUNE_SILENT] = TW_SEC_SILENT,
	};

	return nfips_tune_word(lang, titles[k]);
}

const enum nfips_tune_kind nfips_tune_order[NFIPS_TUNE_NKINDS] = {
	NFIPS_TUNE_BLOCK, NFIPS_TUNE_UNAFFECTED, NFIPS_TUNE_NOISY, NFIPS_TUNE_SILENT,
};

void nfips_tune_apply_command(const struct nfips_tune *t, struct nfips_sbuf *b)
{
	char since[32], until[32];

	nfips_tune_time(since, sizeof(since), t->o.since, true);
	nfips_tune_time(until, sizeof(until), t->o.until, true);
	nfips_sbuf_printf(b, "nfipsctl tune --apply --serial %" PRId64, t->serial);
	if (t->o.policy_path) {
		nfips_sbuf_puts(b, " --policy ");
		nfips_tune_shq(b, t->o.policy_path);
	}
	if (t->o.store_path) {
		nfips_sbuf_puts(b, " --store ");
		nfips_tune_shq(b, t->o.store_path);
	}
	nfips_sbuf_printf(b, " --since %s --until %s --by ", since, until);
	nfips_tune_shq(b, t->o.by ? t->o.by : "NAME");
	nfips_sbuf_puts(b, " --reason TEXT");
}

/* Column widths: the English ones, wider where a language's header is. */
struct cols {
	int alerts, share, srcs, dsts, hours, highest, fp;
};

static int colw(const struct nfips_tune *t, enum nfips_tune_word w, int min)
{
	int n = (int)nfips_report_width(TW(w));

	return n > min ? n : min;
}

static void text_sig(struct nfips_sbuf *b, const struct nfips_tune *t, const struct cols *c,
		     const struct nfips_tune_sig *g)
{
	char sid[32], share[16];

	snprintf(sid, sizeof(sid), "%" PRIu32 ":%" PRIu32, g->gid, g->sid);
	snprintf(share, sizeof(share), "%u.%u%%", g->share_pm / 10, g->share_pm % 10);
	nfips_sbuf_printf(b, "%*" PRIu64 " %*s %*" PRIu64 " %*" PRIu64 " %*" PRIu64 "  ",
			  c->alerts, g->n, c->share, share, c->srcs, g->srcs, c->dsts, g->dsts,
			  c->hours, g->hours);
	nfips_report_cell(b, g->max_grade < 0 ? "-" : nfips_report_grade(t->o.lang, g->max_grade),
			  (size_t)c->highest,
			  true);
	nfips_sbuf_printf(b, " %*" PRIu64 "  %-12s ", c->fp, g->fp, sid);
	/* cut by display columns, never inside a UTF-8 character */
	nfips_report_cell(b, g->msg, 40, false);
	nfips_sbuf_puts(b, "\n");
}

/* "Label:" padded to the value's column (wide characters count two). */
static void label(struct nfips_sbuf *b, const char *k)
{
	char s[64];

	snprintf(s, sizeof(s), "%s:", k);
	nfips_report_cell(b, s, 11, true);
}

/* @s right-aligned in @w columns, then a space. */
static void rhead(struct nfips_sbuf *b, const char *s, size_t w)
{
	size_t n = nfips_report_width(s);

	while (n++ < w)
		nfips_sbuf_puts(b, " ");
	nfips_report_cell(b, s, w, false);
	nfips_sbuf_puts(b, " ");
}

void nfips_tune_text(const struct nfips_tune *t, struct nfips_sbuf *b)
{
	char since[40], until[40], gen[40], v[4200];
	size_t i, k, shown;

	nfips_tune_time(since, sizeof(since), t->o.since, false);
	nfips_tune_time(until, sizeof(until), t->o.until, false);
	nfips_tune_time(gen, sizeof(gen), t->o.generated, false);
	nfips_sbuf_printf(b, "%s\n\n", TW(TW_TITLE));
	if (t->customer) {
		label(b, nfips_report_word(t->o.lang, W_CUSTOMER));
		nfips_sbuf_printf(b, "%s\n", t->customer);
	}
	if (t->sensor) {
		label(b, nfips_report_word(t->o.lang, W_SENSOR));
		nfips_sbuf_printf(b, "%s\n", t->sensor);
	}
	label(b, TW(TW_POLICY));
	snprintf(v, sizeof(v), TW(TW_POLICY_LINE), t->o.policy_path ? t->o.policy_path : "-",
		 (long long)t->serial, nfips_policy_mode_name(t->mode), t->nrules);
	nfips_sbuf_printf(b, "%s\n", v);
	label(b, nfips_report_word(t->o.lang, W_PERIOD));
	snprintf(v, sizeof(v), TW(TW_PERIOD_LINE), since, until);
	nfips_sbuf_printf(b, "%s\n", v);
	label(b, nfips_report_word(t->o.lang, W_GENERATED));
	nfips_sbuf_printf(b, "%s\n", gen);
	label(b, TW(TW_ALERTS));
	snprintf(v, sizeof(v), TW(TW_ALERTS_LINE), (unsigned long long)t->total, t->nsigs);
	nfips_sbuf_printf(b, "%s\n\n", v);

	nfips_sbuf_printf(b, "%s\n", TW(TW_NOISIEST));
	if (!t->ntop) {
		nfips_sbuf_printf(b, "  %s\n", TW(TW_NONE));
	} else {
		struct cols c = {
			colw(t, TW_H_ALERTS, 9), colw(t, TW_H_SHARE, 6),
			colw(t, TW_H_SOURCES, 7), colw(t, TW_H_TARGETS, 7),
			colw(t, TW_H_HOURS, 5), colw(t, TW_H_HIGHEST, 9), colw(t, TW_H_FP, 3),
		};

		rhead(b, TW(TW_H_ALERTS), (size_t)c.alerts);
		rhead(b, TW(TW_H_SHARE), (size_t)c.share);
		rhead(b, TW(TW_H_SOURCES), (size_t)c.srcs);
		rhead(b, TW(TW_H_TARGETS), (size_t)c.dsts);
		rhead(b, TW(TW_H_HOURS), (size_t)c.hours);
		nfips_sbuf_puts(b, " ");
		nfips_report_cell(b, TW(TW_H_HIGHEST), (size_t)c.highest, true);
		nfips_sbuf_puts(b, " ");
		rhead(b, TW(TW_H_FP), (size_t)c.fp);
		nfips_sbuf_puts(b, " ");
		nfips_report_cell(b, TW(TW_H_SIGNATURE), 40, false);
		nfips_sbuf_puts(b, "\n");
		for (i = 0; i < t->ntop; i++)
			text_sig(b, t, &c, &t->top[i]);
	}
	for (k = 0; k < NFIPS_TUNE_NKINDS; k++) {
		enum nfips_tune_kind kind = nfips_tune_order[k];

		nfips_sbuf_puts(b, "\n");
		snprintf(v, sizeof(v), "%s: %zu", nfips_tune_section(t->o.lang, kind),
			 t->nkind[kind]);
		nfips_report_wrap(b, v, 100);
		for (i = 0, shown = 0; i < t->n; i++) {
			const struct nfips_tune_suggestion *s = &t->v[i];

			if (s->kind != kind)
				continue;
			if (kind == NFIPS_TUNE_SILENT && shown == TEXT_SILENT_MAX) {
				nfips_sbuf_puts(b, "  ");
				nfips_sbuf_printf(b, TW(TW_MORE), t->nkind[kind] - shown);
				nfips_sbuf_puts(b, "\n");
				break;
			}
			shown++;
			nfips_sbuf_printf(b, "  [%s] ", s->id);
			nfips_report_cell(b, s->msg, 70, false);
			nfips_sbuf_printf(b, "\n      %s\n      %s\n", s->why, s->command);
		}
	}
	nfips_sbuf_puts(b, "\n");
	nfips_report_wrap(b, TW(TW_APPLY_TEXT), 100);
	nfips_sbuf_puts(b, "  ");
	nfips_tune_apply_command(t, b);
	nfips_sbuf_puts(b, "\n");
}

void nfips_tune_json(const struct nfips_tune *t, struct nfips_sbuf *b)
{
	struct nfips_json j;
	struct nfips_sbuf c = { 0 };
	char tm[40];
	size_t i;

	nfips_json_init(&j, b);
	nfips_json_obj(&j, NULL);
	if (t->customer)
		nfips_json_kstr(&j, "customer", t->customer);
	if (t->sensor)
		nfips_json_kstr(&j, "sensor", t->sensor);
	if (t->o.policy_path)
		nfips_json_kstr(&j, "policy", t->o.policy_path);
	nfips_json_kint(&j, "serial", t->serial);
	nfips_json_kstr(&j, "mode", nfips_policy_mode_name(t->mode));
	nfips_json_kuint(&j, "rules", t->nrules);
	nfips_tune_time(tm, sizeof(tm), t->o.since, true);
	nfips_json_kstr(&j, "since", tm);
	nfips_tune_time(tm, sizeof(tm), t->o.until, true);
	nfips_json_kstr(&j, "until", tm);
	nfips_tune_time(tm, sizeof(tm), t->o.generated, true);
	nfips_json_kstr(&j, "generated", tm);
	nfips_json_kuint(&j, "alerts", t->total);
	nfips_json_kuint(&j, "signatures", t->nsigs);
	nfips_json_arr(&j, "noisiest");
	for (i = 0; i < t->ntop; i++) {
		const struct nfips_tune_sig *g = &t->top[i];

		nfips_json_obj(&j, NULL);
		nfips_json_kuint(&j, "gid", g->gid);
		nfips_json_kuint(&j, "sid", g->sid);
		nfips_json_kstr(&j, "signature", g->msg);
		nfips_json_kuint(&j, "alerts", g->n);
		nfips_json_kuint(&j, "share_permille", g->share_pm);
		nfips_json_kuint(&j, "sources", g->srcs);
		nfips_json_kuint(&j, "targets", g->dsts);
		nfips_json_kuint(&j, "hours", g->hours);
		if (g->max_grade < 0)
			nfips_json_knull(&j, "highest_grade");
		else
			nfips_json_kstr(&j, "highest_grade", nfips_store_grade_name(g->max_grade));
		nfips_json_kuint(&j, "graded_high", g->high);
		nfips_json_kuint(&j, "blocked", g->blocked);
		nfips_json_kuint(&j, "false_positives", g->fp);
		nfips_json_obj_end(&j);
	}
	nfips_json_arr_end(&j);
	nfips_json_arr(&j, "suggestions");
	for (i = 0; i < t->n; i++) {
		const struct nfips_tune_suggestion *s = &t->v[i];

		nfips_json_obj(&j, NULL);
		nfips_json_kstr(&j, "id", s->id);
		nfips_json_kstr(&j, "kind", nfips_tune_kind_name(s->kind));
		nfips_json_kuint(&j, "gid", s->gid);
		nfips_json_kuint(&j, "sid", s->sid);
		nfips_json_kstr(&j, "signature", s->msg);
		nfips_json_kstr(&j, "action", nfips_tune_action_name(s->action));
		nfips_json_kstr(&j, "why", s->why);
		if (s->dst)
			nfips_json_kstr(&j, "dst", s->dst);
		nfips_json_kstr(&j, "command", s->command);
		nfips_json_kbool(&j, "applied_by_default", s->by_default);
		nfips_json_obj_end(&j);
	}
	nfips_json_arr_end(&j);
	nfips_tune_apply_command(t, &c);
	nfips_json_kstr(&j, "apply", c.s ? c.s : "");
	nfips_sbuf_free(&c);
	nfips_json_obj_end(&j);
	nfips_sbuf_puts(b, "\n");
}
