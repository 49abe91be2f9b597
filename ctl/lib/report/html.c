// SPDX-License-Identifier: GPL-2.0
/*
 * The report as one self-contained HTML page: the style inline, the
 * charts inline SVG, no script and no external resource, so that it can
 * be mailed, served as a static file, opened offline and printed (also
 * to PDF by headless Chromium: pdf.c). Written as well-formed XML (every
 * element closed, text escaped) so that a tool can read it back.
 *
 * Layout: tables scroll sideways inside their box on a phone, the
 * summary cards wrap; print CSS drops the shadows and colours of the
 * screen and keeps table rows whole across pages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report_int.h"
#include "store/store.h"

const char nfips_report_css[] =
	"*{box-sizing:border-box}"
	"body{font-family:'Noto Sans','Noto Sans CJK JP',sans-serif;margin:0;color:#1d2733;"
	"background:#f3f5f8;line-height:1.45}"
	"main{max-width:1100px;margin:0 auto;padding:16px}"
	"h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .5em;"
	"border-bottom:2px solid #2b5d8a;padding-bottom:.2em}"
	"section{background:#fff;border-radius:6px;padding:8px 16px 16px;margin:12px 0;"
	"box-shadow:0 1px 3px rgba(0,0,0,.12)}"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}"
	"dl.meta dt{font-weight:bold}dl.meta dd{margin:0}"
	".cards{display:flex;flex-wrap:wrap;gap:12px}"
	".card{flex:1 1 150px;border:1px solid #d5dce4;border-radius:6px;padding:8px 12px}"
	".card .v{font-size:1.6em;font-weight:bold}.card .c{color:#5a6b7d;font-size:.9em}"
	".scroll{overflow-x:auto}"
	"table{border-collapse:collapse;width:100%;font-size:.9em}"
	"th,td{border-bottom:1px solid #e1e6ec;padding:4px 6px;text-align:left;"
	"vertical-align:top}"
	"th{background:#eef2f6;white-space:nowrap}td.n,th.n{text-align:right;"
	"font-variant-numeric:tabular-nums;white-space:nowrap}"
	"td.addr{font-family:'DejaVu Sans Mono',monospace,monospace;white-space:nowrap}"
	".blocked{color:#a01c1c;font-weight:bold}.note{color:#40505f;font-size:.9em}"
	".g4{color:#fff;background:#8b0000}.g3{color:#fff;background:#c0392b}"
	".g2{background:#f0ad4e}.g1{background:#d9edf7}"
	"td.g4,td.g3,td.g2,td.g1{font-weight:bold}"
	"svg{max-width:100%;height:auto}svg text{font-size:10px;fill:#33414f}"
	".bar-b{fill:#a01c1c}.bar-a{fill:#5b8fc7}"
	".hint{color:#5a6b7d;font-size:.9em}"
	"@media (max-width:600px){main{padding:6px}section{padding:6px 8px 10px}"
	"h1{font-size:1.2em}table{font-size:.8em}}"
	"@media print{body{background:#fff}main{max-width:none;padding:0}"
	"section{box-shadow:none;border:1px solid #ccc;break-inside:auto}"
	"tr,.card,svg{break-inside:avoid}h2{break-after:avoid}"
	"thead{display:table-header-group}.scroll{overflow:visible}"
	"td.addr{white-space:normal;word-break:break-all}"
	"@page{size:A4;margin:12mm}}";

void nfips_report_html_esc(struct nfips_sbuf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': nfips_sbuf_puts(b, "&amp;"); break;
		case '<': nfips_sbuf_puts(b, "&lt;"); break;
		case '>': nfips_sbuf_puts(b, "&gt;"); break;
		case '"': nfips_sbuf_puts(b, "&quot;"); break;
		case '\'': nfips_sbuf_puts(b, "&#39;"); break;
		default:
			/* XML has no place for control characters */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				nfips_sbuf_puts(b, "?");
			else
				nfips_sbuf_add(b, s, 1);
		}
	}
}

static void esc(struct nfips_sbuf *b, const char *s)
{
	nfips_report_html_esc(b, s);
}

static void tag(struct nfips_sbuf *b, const char *open, const char *text, const char *close)
{
	nfips_sbuf_puts(b, open);
	esc(b, text);
	nfips_sbuf_puts(b, close);
}

static void num_td(struct nfips_sbuf *b, uint64_t n)
{
	nfips_sbuf_printf(b, "<td class=\"n\">%" PRIu64 "</td>", n);
}

static void card(struct nfips_sbuf *b, const char *label, uint64_t n, uint64_t prev,
		 const char *id)
{
	char ch[48] = "";

	/* UINT64_MAX: no previous figure to compare with */
	if (prev != UINT64_MAX)
		nfips_report_change(ch, sizeof(ch), n, prev);
	nfips_sbuf_printf(b, "<div class=\"card\" id=\"%s\"><div>", id);
	esc(b, label);
	nfips_sbuf_printf(b, "</div><div class=\"v\">%" PRIu64 "</div><div class=\"c\">", n);
	esc(b, ch);
	nfips_sbuf_puts(b, "</div></div>");
}

static void summary(struct nfips_sbuf *b, const struct nfips_report *r)
{
	static const int order[] = { 5, 4, 3, 2, 1, 0 };
	char ch[48];
	size_t i;

	nfips_sbuf_puts(b, "<section id=\"summary\">");
	tag(b, "<h2>", W(W_SUMMARY), "</h2>");
	nfips_sbuf_puts(b, "<div class=\"cards\">");
	card(b, W(W_TOTAL), r->cur.n, r->prev.n, "card-total");
	card(b, W(W_BLOCKED), r->cur.blocked, r->prev.blocked, "card-blocked");
	card(b, W(W_ALERTED), r->cur.alerted, r->prev.alerted, "card-alerted");
	card(b, W(W_INCIDENTS), r->inc_total, UINT64_MAX, "card-incidents");
	nfips_sbuf_puts(b, "</div>");
	tag(b, "<h2>", W(W_BY_GRADE), "</h2>");
	nfips_sbuf_puts(b, "<div class=\"scroll\"><table id=\"grades\"><thead><tr>");
	tag(b, "<th>", W(W_GRADE), "</th>");
	tag(b, "<th class=\"n\">", W(W_TOTAL), "</th>");
	tag(b, "<th class=\"n\">", W(W_BLOCKED), "</th>");
	tag(b, "<th class=\"n\">", W(W_ALERTED), "</th>");
	nfips_sbuf_puts(b, "<th class=\"n\">");
	esc(b, W(W_PREVIOUS));
	nfips_sbuf_puts(b, " (");
	esc(b, r->prev_period);
	nfips_sbuf_puts(b, ")</th>");
	tag(b, "<th class=\"n\">", W(W_CHANGE), "</th></tr></thead><tbody>");
	for (i = 0; i < 6; i++) {
		const uint64_t *g = r->cur.by_grade[order[i]], *p = r->prev.by_grade[order[i]];

		nfips_sbuf_printf(b, "<tr><td class=\"g%d\">", order[i] - 1);
		esc(b, nfips_report_grade(r->o.lang, order[i] - 1));
		nfips_sbuf_puts(b, "</td>");
		num_td(b, g[0] + g[1]);
		num_td(b, g[1]);
		num_td(b, g[0]);
		num_td(b, p[0] + p[1]);
		nfips_report_change(ch, sizeof(ch), g[0] + g[1], p[0] + p[1]);
		tag(b, "<td class=\"n\">", ch, "</td></tr>");
	}
	tag(b, "<tr><th>", W(W_TOTAL), "</th>");
	num_td(b, r->cur.n);
	num_td(b, r->cur.blocked);
	num_td(b, r->cur.alerted);
	num_td(b, r->prev.n);
	nfips_report_change(ch, sizeof(ch), r->cur.n, r->prev.n);
	tag(b, "<td class=\"n\">", ch, "</td></tr></tbody></table></div></section>");
}

/* A bar chart of the histogram: blocked (red) stacked under alerted (blue). */
static void chart(struct nfips_sbuf *b, const struct nfips_report *r)
{
	const unsigned h = 160, left = 40, bw = r->nhist > 24 ? 22 : 30;
	unsigned width = left + r->nhist * bw + 10, i;
	uint64_t max = 1;

	for (i = 0; i < r->nhist; i++)
		if (r->hist[i] > max)
			max = r->hist[i];
	nfips_sbuf_printf(b, "<svg id=\"histogram\""
			  " viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\" role=\"img\">",
			  width, h + 30, width, h + 30);
	nfips_sbuf_printf(b, "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" stroke=\"#888\"/>",
			  left, h + 5, width - 5, h + 5);
	nfips_sbuf_printf(b, "<text x=\"%u\" y=\"12\" text-anchor=\"end\">%" PRIu64 "</text>"
			  "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">0</text>", left - 4, max,
			  left - 4, h + 5);
	for (i = 0; i < r->nhist; i++) {
		unsigned x = left + i * bw + 2;
		unsigned ht = (unsigned)(r->hist[i] * (h - 5) / max);
		unsigned hb = (unsigned)(r->hist_blocked[i] * (h - 5) / max);
		unsigned label = r->o.kind == NFIPS_REPORT_DAILY ? i : i + 1;

		nfips_sbuf_printf(b, "<g class=\"bucket\" data-bucket=\"%u\" data-count=\"%" PRIu64
				  "\" data-blocked=\"%" PRIu64 "\"><title>%02u: %" PRIu64 " (",
				  label, r->hist[i], r->hist_blocked[i], label, r->hist[i]);
		esc(b, W(W_BLOCKED));
		nfips_sbuf_printf(b, " %" PRIu64 ")</title>", r->hist_blocked[i]);
		if (ht > hb)
			nfips_sbuf_printf(b, "<rect class=\"bar-a\" x=\"%u\" y=\"%u\" width=\"%u\""
					  " height=\"%u\"/>", x, h + 5 - ht, bw - 4, ht - hb);
		if (hb)
			nfips_sbuf_printf(b, "<rect class=\"bar-b\" x=\"%u\" y=\"%u\" width=\"%u\""
					  " height=\"%u\"/>", x, h + 5 - hb, bw - 4, hb);
		nfips_sbuf_printf(b, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">%02u</text></g>",
				  x + (bw - 4) / 2, h + 20, label);
	}
	nfips_sbuf_puts(b, "</svg>");
}

static void histogram(struct nfips_sbuf *b, const struct nfips_report *r)
{
	nfips_sbuf_puts(b, "<section id=\"time\">");
	tag(b, "<h2>", W(r->o.kind == NFIPS_REPORT_DAILY ? W_HIST_HOURLY : W_HIST_DAILY), "</h2>");
	if (r->hist_partial) {
		tag(b, "<p class=\"hint\">", W(W_HIST_PARTIAL), "</p></section>");
		return;
	}
	nfips_sbuf_puts(b, "<div class=\"scroll\">");
	chart(b, r);
	nfips_sbuf_puts(b, "</div><p class=\"hint\"><svg width=\"10\" height=\"10\""
			"><rect class=\"bar-b\" width=\"10\""
			" height=\"10\"/></svg> ");
	esc(b, W(W_BLOCKED));
	nfips_sbuf_puts(b, " <svg width=\"10\" height=\"10\">"
			"<rect class=\"bar-a\" width=\"10\" height=\"10\"/></svg> ");
	esc(b, W(W_ALERTED));
	nfips_sbuf_puts(b, "</p></section>");
}

/* A top list with a bar per line (inline SVG, its share of the first). */
static void top(struct nfips_sbuf *b, const struct nfips_report *r, const char *id,
		enum nfips_report_word title, const struct nfips_report_list *l, int kind)
{
	char label[200], name[320];
	bool names = r->rdns && (kind == 1 || kind == 2);
	size_t i;

	nfips_sbuf_printf(b, "<section id=\"%s\">", id);
	tag(b, "<h2>", W(title), "</h2>");
	if (kind == 1)
		tag(b, "<p class=\"hint\">", W(r->rdns ? W_RDNS_NOTE : W_RDNS_NONE), "</p>");
	if (!l->n) {
		tag(b, "<p>", W(W_NONE), "</p></section>");
		return;
	}
	nfips_sbuf_puts(b, "<div class=\"scroll\"><table><thead><tr><th class=\"n\">#</th>");
	tag(b, "<th>", W(kind == 0 ? W_SIGNATURE : kind == 3 ? W_PORT : kind == 1 ? W_SOURCE :
			 W_TARGET), "</th>");
	if (names)
		tag(b, "<th>", W(W_REVERSE_DNS), "</th>");
	tag(b, "<th class=\"n\">", W(W_COUNT), "</th>");
	tag(b, "<th class=\"n\">", W(W_BLOCKED), "</th><th></th></tr></thead><tbody>");
	for (i = 0; i < l->n; i++) {
		unsigned w = (unsigned)(l->v[i].n * 120 / (l->v[0].n ? l->v[0].n : 1));

		nfips_report_top_label(label, sizeof(label), &l->v[i], kind);
		nfips_sbuf_printf(b, "<tr><td class=\"n\">%zu</td>", i + 1);
		tag(b, kind == 1 || kind == 2 ? "<td class=\"addr\">" : "<td>", label, "</td>");
		if (names) {
			nfips_report_rdns(name, sizeof(name), r, &l->v[i]);
			nfips_sbuf_printf(b, "<td class=\"rdns\" data-status=\"%s\">",
					  l->v[i].rdns_status < 0 ? "unknown" :
					  nfips_name_status_name(l->v[i].rdns_status));
			esc(b, name);
			nfips_sbuf_puts(b, "</td>");
		}
		num_td(b, l->v[i].n);
		num_td(b, l->v[i].blocked);
		nfips_sbuf_printf(b, "<td><svg width=\"124\""
				  " height=\"10\"><rect class=\"bar-a\" width=\"%u\" height=\"10\"/>"
				  "</svg></td></tr>", w ? w : 1);
	}
	nfips_sbuf_puts(b, "</tbody></table></div></section>");
}

static void incidents(struct nfips_sbuf *b, const struct nfips_report *r)
{
	char t[32], addr[96], more[128];
	size_t i;

	nfips_sbuf_puts(b, "<section id=\"incidents\">");
	tag(b, "<h2>", W(W_INCIDENTS), "</h2><p>");
	nfips_sbuf_printf(b, "%s %" PRIu64 " &#183; ", W(W_TOTAL), r->inc_total);
	nfips_sbuf_printf(b, "%s %" PRIu64 " &#183; ", W(W_OPEN), r->inc_state[0]);
	nfips_sbuf_printf(b, "%s %" PRIu64 " &#183; ", W(W_ACKED), r->inc_state[1]);
	nfips_sbuf_printf(b, "%s %" PRIu64 "</p>", W(W_CLOSED), r->inc_state[2]);
	if (r->agg_days)
		tag(b, "<p class=\"hint\">", W(W_AGG_NO_INCIDENTS), "</p>");
	if (r->ninc < r->inc_total) {
		snprintf(more, sizeof(more), W(W_INC_MORE), r->ninc,
			 (unsigned long long)r->inc_total);
		tag(b, "<p class=\"hint\">", more, "</p>");
	}
	if (!r->ninc) {
		nfips_sbuf_puts(b, "</section>");
		return;
	}
	nfips_sbuf_puts(b, "<div class=\"scroll\"><table><thead><tr>");
	tag(b, "<th class=\"n\">", W(W_ID), "</th>");
	tag(b, "<th>", W(W_GRADE), "</th>");
	tag(b, "<th>", W(W_STATE), "</th>");
	tag(b, "<th class=\"n\">", W(W_COUNT), "</th>");
	tag(b, "<th>", W(W_FIRST), "</th>");
	tag(b, "<th>", W(W_LAST), "</th>");
	tag(b, "<th>", W(W_SIGNATURE), "</th>");
	tag(b, "<th>", W(W_SOURCE), "</th>");
	tag(b, "<th>", W(W_TARGET), "</th></tr></thead><tbody>");
	for (i = 0; i < r->ninc; i++) {
		const struct nfips_report_incident *n = &r->inc[i];

		nfips_sbuf_printf(b, "<tr><td class=\"n\">%" PRIu64 "</td><td class=\"g%d\">",
				  n->id, n->grade);
		esc(b, nfips_report_grade(r->o.lang, n->grade));
		tag(b, "</td><td>", nfips_report_state(r->o.lang, n->state), "</td>");
		num_td(b, n->count);
		nfips_report_time(t, sizeof(t), n->first_seen, "%Y-%m-%d %H:%M");
		tag(b, "<td>", t, "</td>");
		nfips_report_time(t, sizeof(t), n->last_seen, "%Y-%m-%d %H:%M");
		tag(b, "<td>", t, "</td>");
		nfips_sbuf_printf(b, "<td>%" PRIu32 " ", n->sid);
		esc(b, n->msg);
		if (n->note) {
			nfips_sbuf_puts(b, "<div class=\"note\">");
			esc(b, W(W_NOTE));
			nfips_sbuf_puts(b, ": ");
			esc(b, n->note);
			nfips_report_time(t, sizeof(t), n->changed, "%Y-%m-%d %H:%M");
			nfips_sbuf_puts(b, " (");
			esc(b, W(W_BY));
			nfips_sbuf_puts(b, " ");
			esc(b, n->by ? n->by : "-");
			nfips_sbuf_puts(b, ", ");
			esc(b, t);
			nfips_sbuf_puts(b, ")</div>");
		}
		nfips_report_addr(addr, sizeof(addr), n->src, 0, 0);
		tag(b, "</td><td class=\"addr\">", addr, "</td>");
		nfips_report_addr(addr, sizeof(addr), n->dst, 0, 0);
		tag(b, "<td class=\"addr\">", addr, "</td></tr>");
	}
	nfips_sbuf_puts(b, "</tbody></table></div></section>");
}

static void blocks(struct nfips_sbuf *b, const struct nfips_report *r)
{
	static const enum nfips_report_word head[] = {
		W_ADDRESS, W_BLOCKED_AT, W_UNTIL, W_ENDED, W_BLOCKED_BY, W_REASON,
	};
	char t[32];
	size_t i;

	nfips_sbuf_puts(b, "<section id=\"blocks\">");
	tag(b, "<h2>", W(W_BLOCKS), "</h2>");
	if (!r->nblocks) {
		tag(b, "<p>", W(W_NONE), "</p></section>");
		return;
	}
	nfips_sbuf_puts(b, "<div class=\"scroll\"><table id=\"block-table\"><thead><tr>");
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		tag(b, "<th>", W(head[i]), "</th>");
	nfips_sbuf_puts(b, "</tr></thead><tbody>");
	for (i = 0; i < r->nblocks; i++) {
		const struct nfips_report_block *k = &r->blocks[i];

		tag(b, "<tr><td class=\"addr\">", k->addr, "</td>");
		nfips_report_time(t, sizeof(t), k->ts, "%Y-%m-%d %H:%M");
		tag(b, "<td>", t, "</td>");
		if (k->until)
			nfips_report_time(t, sizeof(t), k->until, "%Y-%m-%d %H:%M");
		tag(b, "<td>", k->until ? t : W(W_UNTIL_REMOVED), "</td>");
		tag(b, k->state == NFIPS_RBLOCK_IN_FORCE ? "<td class=\"blocked\">" : "<td>",
		    nfips_report_block_state(r->o.lang, k->state), "");
		if (k->state != NFIPS_RBLOCK_IN_FORCE) {
			nfips_report_time(t, sizeof(t), k->state == NFIPS_RBLOCK_EXPIRED ?
					  k->until : k->ended, "%Y-%m-%d %H:%M");
			tag(b, " ", t, "");
		}
		if (k->ended_by)
			tag(b, " (", k->ended_by, ")");
		tag(b, "</td><td>", k->by ? k->by : "-", "</td>");
		tag(b, "<td>", k->reason ? k->reason : "-", "</td></tr>");
	}
	nfips_sbuf_puts(b, "</tbody></table></div></section>");
}

static void alert_table(struct nfips_sbuf *b, const struct nfips_report *r)
{
	static const enum nfips_report_word head[] = {
		W_DATE, W_TIME, W_SID, W_ATTACK, W_SRC_ADDR, W_SRC_PORT, W_DST_ADDR,
		W_DST_PORT, W_PROTO, W_IFACE, W_ACTION,
	};
	char t[32], addr[64], shown[128];
	size_t i;

	nfips_sbuf_puts(b, "<section id=\"alerts\">");
	tag(b, "<h2>", W(W_ALERT_TABLE), "</h2>");
	if (r->agg_days)
		tag(b, "<p class=\"hint\">", W(W_AGG_NO_TABLE), "</p>");
	if (r->nalerts < r->alerts_raw) {
		snprintf(shown, sizeof(shown), W(W_SHOWN), r->nalerts,
			 (unsigned long long)r->alerts_raw);
		tag(b, "<p class=\"hint\">", shown, "</p>");
	}
	if (!r->nalerts) {
		tag(b, "<p>", W(W_NONE), "</p></section>");
		return;
	}
	nfips_sbuf_puts(b, "<div class=\"scroll\"><table id=\"alert-table\"><thead><tr>");
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		tag(b, "<th>", W(head[i]), "</th>");
	nfips_sbuf_puts(b, "</tr></thead><tbody>");
	for (i = 0; i < r->nalerts; i++) {
		const struct nfips_report_alert *a = &r->alerts[i];

		nfips_report_time(t, sizeof(t), a->ts, "%Y-%m-%d");
		tag(b, "<tr><td>", t, "</td>");
		nfips_report_time(t, sizeof(t), a->ts, "%H:%M:%S");
		tag(b, "<td>", t, "</td>");
		nfips_sbuf_printf(b, "<td class=\"n\">%" PRIu32 "</td>", a->sid);
		tag(b, "<td>", a->msg, "</td>");
		nfips_report_addr(addr, sizeof(addr), a->src, 0, 0);
		tag(b, "<td class=\"addr\">", addr, "</td>");
		nfips_sbuf_printf(b, "<td class=\"n\">%u</td>", a->sport);
		nfips_report_addr(addr, sizeof(addr), a->dst, 0, 0);
		tag(b, "<td class=\"addr\">", addr, "</td>");
		nfips_sbuf_printf(b, "<td class=\"n\">%u</td>", a->dport);
		tag(b, "<td>", nfips_report_proto(a->proto), "</td>");
		tag(b, "<td>", a->iface[0] ? a->iface : "-", "</td>");
		tag(b, a->blocked ? "<td class=\"blocked\">" : "<td>",
		    W(a->blocked ? W_BLOCKED : W_ALERTED), "</td></tr>");
	}
	nfips_sbuf_puts(b, "</tbody></table></div></section>");
}

static void meta(struct nfips_sbuf *b, const struct nfips_report *r, enum nfips_report_word k,
		 const char *v)
{
	tag(b, "<dt>", W(k), "</dt>");
	tag(b, "<dd>", v, "</dd>");
}

void nfips_report_html(const struct nfips_report *r, struct nfips_sbuf *b)
{
	const char *title = W(r->o.kind == NFIPS_REPORT_DAILY ? W_TITLE_DAILY : W_TITLE_MONTHLY);
	char gen[32], agg[256];

	nfips_sbuf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"/>"
			  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
			  "<title>", r->o.lang == NFIPS_REPORT_JA ? "ja" : "en");
	esc(b, title);
	nfips_sbuf_puts(b, " ");
	esc(b, r->period);
	nfips_sbuf_printf(b, "</title><style>%s</style></head><body><main>", nfips_report_css);
	nfips_sbuf_puts(b, "<section id=\"head\">");
	tag(b, "<h1>", title, "</h1><dl class=\"meta\">");
	if (r->o.customer)
		meta(b, r, W_CUSTOMER, r->o.customer);
	if (r->o.sensor)
		meta(b, r, W_SENSOR, r->o.sensor);
	meta(b, r, W_PERIOD, r->period);
	meta(b, r, W_TZ, r->o.tz ? r->o.tz : "UTC");
	nfips_report_time(gen, sizeof(gen), r->o.generated, "%Y-%m-%d %H:%M:%S");
	meta(b, r, W_GENERATED, gen);
	nfips_sbuf_puts(b, "</dl>");
	if (r->agg_days) {
		snprintf(agg, sizeof(agg), W(W_AGG_DAYS), r->agg_days);
		tag(b, "<p class=\"hint\">", agg, "</p>");
	}
	nfips_sbuf_puts(b, "</section>");
	summary(b, r);
	incidents(b, r);
	blocks(b, r);
	histogram(b, r);
	top(b, r, "top-signatures", W_TOP_SIGS, &r->sigs, 0);
	top(b, r, "top-sources", W_TOP_SRCS, &r->srcs, 1);
	top(b, r, "top-targets", W_TOP_DSTS, &r->dsts, 2);
	top(b, r, "top-ports", W_TOP_PORTS, &r->ports, 3);
	top(b, r, "new-signatures", W_NEW_SIGS, &r->new_sigs, 0);
	alert_table(b, r);
	nfips_sbuf_puts(b, "</main></body></html>\n");
}
