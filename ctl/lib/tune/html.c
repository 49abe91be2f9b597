// SPDX-License-Identifier: GPL-2.0
/*
 * The tuning report as one self-contained HTML page an engineer reviews
 * with the customer: the reports' style sheet inline, no script, no
 * external resource, well-formed XML (so a tool can read it back). Each
 * suggestion has its id (the one --apply --only takes), the figures
 * behind it and the command that applies it.
 */
#include <inttypes.h>
#include <stdio.h>

#include "tune_int.h"
#include "policy/policy.h"
#include "report/report.h"
#include "store/store.h"

#define esc nfips_report_html_esc

static void tag(struct nfips_sbuf *b, const char *open, const char *text, const char *close)
{
	nfips_sbuf_puts(b, open);
	esc(b, text);
	nfips_sbuf_puts(b, close);
}

static void meta(struct nfips_sbuf *b, const char *k, const char *v)
{
	tag(b, "<dt>", k, "</dt>");
	tag(b, "<dd>", v, "</dd>");
}

/* Store grade -> the reports' colour class (g4 emergency ... g1 low). */
static const char *grade_class(int g)
{
	static const char *const c[] = { "", "g1", "g2", "g3", "g4" };

	return g >= 0 && g <= 4 ? c[g] : "";
}

static void noisiest(struct nfips_sbuf *b, const struct nfips_tune *t)
{
	static const enum nfips_tune_word head[] = {
		TW_H_SIGNATURE, TW_H_ALERTS, TW_H_SHARE, TW_H_SOURCES, TW_H_TARGETS, TW_H_HOURS,
		TW_H_HIGHEST_GRADE, TW_H_FALSE_POS,
	};
	char sid[32];
	size_t i;

	tag(b, "<section id=\"noisiest\"><h2>", TW(TW_NOISIEST), "</h2>");
	if (!t->ntop) {
		tag(b, "<p>", TW(TW_NONE), "</p></section>");
		return;
	}
	nfips_sbuf_puts(b, "<div class=\"scroll\"><table><thead><tr>");
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		tag(b, i ? "<th class=\"n\">" : "<th>", TW(head[i]), "</th>");
	nfips_sbuf_puts(b, "</tr></thead><tbody>");
	for (i = 0; i < t->ntop; i++) {
		const struct nfips_tune_sig *g = &t->top[i];

		snprintf(sid, sizeof(sid), "%" PRIu32 ":%" PRIu32 " ", g->gid, g->sid);
		tag(b, "<tr><td>", sid, "");
		esc(b, g->msg);
		nfips_sbuf_printf(b, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">"
				  "%u.%u%%</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">"
				  "%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td>", g->n,
				  g->share_pm / 10, g->share_pm % 10, g->srcs, g->dsts, g->hours);
		nfips_sbuf_printf(b, "<td class=\"n %s\">", grade_class(g->max_grade));
		esc(b, g->max_grade < 0 ? "-" : nfips_report_grade(t->o.lang, g->max_grade));
		nfips_sbuf_printf(b, "</td><td class=\"n\">%" PRIu64 "</td></tr>", g->fp);
	}
	nfips_sbuf_puts(b, "</tbody></table></div></section>");
}

static void section(struct nfips_sbuf *b, const struct nfips_tune *t,
		    enum nfips_tune_kind k)
{
	char n[32];
	size_t i;

	nfips_sbuf_printf(b, "<section id=\"%s\"><h2>", nfips_tune_kind_name(k));
	esc(b, nfips_tune_section(t->o.lang, k));
	snprintf(n, sizeof(n), ": %zu", t->nkind[k]);
	tag(b, "", n, "</h2>");
	if (!t->nkind[k]) {
		tag(b, "<p>", TW(TW_NONE), "</p></section>");
		return;
	}
	nfips_sbuf_puts(b, "<div class=\"scroll\"><table><thead><tr>");
	tag(b, "<th>", TW(TW_H_ID), "</th>");
	tag(b, "<th>", TW(TW_H_SIGNATURE), "</th>");
	tag(b, "<th>", TW(TW_H_WHY), "</th>");
	tag(b, "<th>", TW(TW_H_COMMAND), "</th></tr></thead><tbody>");
	for (i = 0; i < t->n; i++) {
		const struct nfips_tune_suggestion *s = &t->v[i];

		if (s->kind != k)
			continue;
		tag(b, "<tr><td class=\"addr\">", s->id, "</td>");
		tag(b, "<td>", s->msg, "</td>");
		tag(b, "<td class=\"note\">", s->why, "</td>");
		tag(b, "<td><code>", s->command, "</code></td></tr>");
	}
	nfips_sbuf_puts(b, "</tbody></table></div></section>");
}

void nfips_tune_html(const struct nfips_tune *t, struct nfips_sbuf *b)
{
	struct nfips_sbuf c = { 0 };
	char since[40], until[40], gen[40], v[4200];
	size_t k;

	static const enum nfips_tune_word card[] = {
		[NFIPS_TUNE_BLOCK] = TW_CARD_BLOCK, [NFIPS_TUNE_UNAFFECTED] = TW_CARD_UNAFFECTED,
		[NFIPS_TUNE_NOISY] = TW_CARD_NOISY, [NFIPS_TUNE_SILENT] = TW_CARD_SILENT,
	};

	nfips_tune_time(since, sizeof(since), t->o.since, false);
	nfips_tune_time(until, sizeof(until), t->o.until, false);
	nfips_tune_time(gen, sizeof(gen), t->o.generated, false);
	nfips_sbuf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"/>"
			  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
			  "<title>", t->o.lang == NFIPS_REPORT_JA ? "ja" : "en");
	esc(b, TW(TW_TITLE));
	if (t->customer) {
		nfips_sbuf_puts(b, " ");
		esc(b, t->customer);
	}
	nfips_sbuf_printf(b, "</title><style>%s code{font-family:'DejaVu Sans Mono',"
			  "monospace,monospace;font-size:.9em;word-break:break-all}</style>"
			  "</head><body><main>", nfips_report_css);
	tag(b, "<section id=\"head\"><h1>", TW(TW_TITLE), "</h1><dl class=\"meta\">");
	if (t->customer)
		meta(b, nfips_report_word(t->o.lang, W_CUSTOMER), t->customer);
	if (t->sensor)
		meta(b, nfips_report_word(t->o.lang, W_SENSOR), t->sensor);
	snprintf(v, sizeof(v), TW(TW_POLICY_LINE), t->o.policy_path ? t->o.policy_path : "-",
		 (long long)t->serial, nfips_policy_mode_name(t->mode), t->nrules);
	meta(b, TW(TW_POLICY), v);
	snprintf(v, sizeof(v), TW(TW_PERIOD_LINE), since, until);
	meta(b, nfips_report_word(t->o.lang, W_PERIOD), v);
	meta(b, nfips_report_word(t->o.lang, W_GENERATED), gen);
	tag(b, "</dl></section><section id=\"summary\"><h2>", TW(TW_SUMMARY),
	    "</h2><div class=\"cards\">");
	tag(b, "<div class=\"card\" id=\"card-alerts\"><div>", TW(TW_ALERTS), "</div>");
	snprintf(v, sizeof(v), TW(TW_SIGNATURES), t->nsigs);
	nfips_sbuf_printf(b, "<div class=\"v\">%" PRIu64 "</div>", t->total);
	tag(b, "<div class=\"c\">", v, "</div></div>");
	for (k = 0; k < NFIPS_TUNE_NKINDS; k++) {
		enum nfips_tune_kind kind = nfips_tune_order[k];

		nfips_sbuf_printf(b, "<div class=\"card\" id=\"card-%s\"><div>%s</div>"
				  "<div class=\"v\">%zu</div><div class=\"c\">",
				  nfips_tune_kind_name(kind), nfips_tune_kind_name(kind),
				  t->nkind[kind]);
		esc(b, TW(card[kind]));
		nfips_sbuf_puts(b, "</div></div>");
	}
	nfips_sbuf_puts(b, "</div></section>");
	noisiest(b, t);
	for (k = 0; k < NFIPS_TUNE_NKINDS; k++)
		section(b, t, nfips_tune_order[k]);
	tag(b, "<section id=\"apply\"><h2>", TW(TW_APPLYING), "</h2>");
	tag(b, "<p class=\"hint\">", TW(TW_APPLY_HINT), "</p><p><code>");
	nfips_tune_apply_command(t, &c);
	esc(b, c.s);
	nfips_sbuf_free(&c);
	nfips_sbuf_puts(b, "</code></p></section></main></body></html>\n");
}
