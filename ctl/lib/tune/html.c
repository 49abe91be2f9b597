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
	static const char *const head[] = {
		"Signature", "Alerts", "Share", "Sources", "Targets", "Hours",
		"Highest grade", "False positives",
	};
	char sid[32];
	size_t i;

	nfips_sbuf_puts(b, "<section id=\"noisiest\"><h2>Noisiest signatures</h2>");
	if (!t->ntop) {
		nfips_sbuf_puts(b, "<p>None</p></section>");
		return;
	}
	nfips_sbuf_puts(b, "<div class=\"scroll\"><table><thead><tr>");
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		tag(b, i ? "<th class=\"n\">" : "<th>", head[i], "</th>");
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
		esc(b, g->max_grade < 0 ? "-" : nfips_store_grade_name(g->max_grade));
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
	esc(b, nfips_tune_section(k));
	snprintf(n, sizeof(n), ": %zu", t->nkind[k]);
	tag(b, "", n, "</h2>");
	if (!t->nkind[k]) {
		nfips_sbuf_puts(b, "<p>None</p></section>");
		return;
	}
	nfips_sbuf_puts(b, "<div class=\"scroll\"><table><thead><tr><th>Id</th>"
			"<th>Signature</th><th>Why</th><th>Command</th></tr></thead><tbody>");
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
	char since[40], until[40], gen[40], v[256];
	size_t k;

	nfips_tune_time(since, sizeof(since), t->o.since, false);
	nfips_tune_time(until, sizeof(until), t->o.until, false);
	nfips_tune_time(gen, sizeof(gen), t->o.generated, false);
	nfips_sbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
			"<title>Tuning report");
	if (t->customer) {
		nfips_sbuf_puts(b, " ");
		esc(b, t->customer);
	}
	nfips_sbuf_printf(b, "</title><style>%s code{font-family:'DejaVu Sans Mono',"
			  "monospace,monospace;font-size:.9em;word-break:break-all}</style>"
			  "</head><body><main>", nfips_report_css);
	nfips_sbuf_puts(b, "<section id=\"head\"><h1>Tuning report</h1><dl class=\"meta\">");
	if (t->customer)
		meta(b, "Customer", t->customer);
	if (t->sensor)
		meta(b, "Sensor", t->sensor);
	snprintf(v, sizeof(v), "%s, serial %" PRId64 ", %s mode, %zu rules loaded",
		 t->o.policy_path ? t->o.policy_path : "-", t->serial,
		 nfips_policy_mode_name(t->mode), t->nrules);
	meta(b, "Policy", v);
	snprintf(v, sizeof(v), "%s to %s", since, until);
	meta(b, "Period", v);
	meta(b, "Generated", gen);
	nfips_sbuf_puts(b, "</dl></section><section id=\"summary\"><h2>Summary</h2>"
			"<div class=\"cards\">");
	nfips_sbuf_printf(b, "<div class=\"card\" id=\"card-alerts\"><div>Alerts</div>"
			  "<div class=\"v\">%" PRIu64 "</div><div class=\"c\">%zu signatures"
			  "</div></div>", t->total, t->nsigs);
	for (k = 0; k < NFIPS_TUNE_NKINDS; k++) {
		enum nfips_tune_kind kind = nfips_tune_order[k];

		nfips_sbuf_printf(b, "<div class=\"card\" id=\"card-%s\"><div>%s</div>"
				  "<div class=\"v\">%zu</div><div class=\"c\">%s</div></div>",
				  nfips_tune_kind_name(kind), nfips_tune_kind_name(kind),
				  t->nkind[kind], kind == NFIPS_TUNE_BLOCK ? "approve" :
				  kind == NFIPS_TUNE_NOISY ? "disable or grade low" :
				  kind == NFIPS_TUNE_UNAFFECTED ? "disable or suppress" : "disable");
	}
	nfips_sbuf_puts(b, "</div></section>");
	noisiest(b, t);
	for (k = 0; k < NFIPS_TUNE_NKINDS; k++)
		section(b, t, nfips_tune_order[k]);
	nfips_sbuf_puts(b, "<section id=\"apply\"><h2>Applying</h2><p class=\"hint\">Every "
			"suggestion but the silent ones, or those named with --only ID,...; "
			"each edit is recorded in the policy's history.</p><p><code>");
	nfips_tune_apply_command(t, &c);
	esc(b, c.s);
	nfips_sbuf_free(&c);
	nfips_sbuf_puts(b, "</code></p></section></main></body></html>\n");
}
