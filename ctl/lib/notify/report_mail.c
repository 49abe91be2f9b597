// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsd's daily and monthly reports mailed to the contacts when the
 * policy's notify.reports asks (Documentation/notify.rst, "Reports by
 * mail"): one mail per contact, in the contact's language (the report is
 * built once per language the contacts read), the text report as the
 * body (what a phone shows), the self-contained HTML report attached
 * (what a browser prints). They go through the store's mail queue like
 * every other mail: durable once queued, sent and retried by the
 * notifier, each attempt recorded.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "notify.h"
#include "policy/policy.h"
#include "report/report.h"

/* A report in one language: its text and HTML renderings. */
struct rendition {
	bool built;
	struct nfips_report r;
	struct nfips_sbuf text, html;
	char html_name[128];
};

static int build(struct nfips_store *ro, const struct nfips_report_opts *o,
		 enum nfips_report_lang lang, struct rendition *x, char *err, size_t errlen)
{
	struct nfips_report_opts lo = *o;

	if (x->built)
		return 0;
	lo.lang = lang;
	if (nfips_report_build(ro, &lo, &x->r, err, errlen))
		return -1;
	x->built = true;
	nfips_report_text(&x->r, &x->text);
	nfips_report_html(&x->r, &x->html);
	nfips_report_file_name(x->html_name, sizeof(x->html_name), &x->r, NFIPS_REPORT_HTML);
	if (x->text.oom || x->html.oom) {
		snprintf(err, errlen, "report mail: out of memory");
		return -1;
	}
	return 0;
}

static void rendition_free(struct rendition *x)
{
	if (x->built)
		nfips_report_free(&x->r);
	nfips_sbuf_free(&x->text);
	nfips_sbuf_free(&x->html);
}

int nfips_report_mail(struct nfips_store *ro, struct nfips_store *rw,
		      const struct nfips_notify_policy *p, const struct nfips_report_opts *o,
		      const struct nfips_report_mail_cfg *c, char *err, size_t errlen)
{
	unsigned want = o->kind == NFIPS_REPORT_DAILY ? NFIPS_NOTIFY_REPORT_DAILY :
			NFIPS_NOTIFY_REPORT_MONTHLY;
	struct rendition x[2] = { 0 };	/* en, ja */
	struct nfips_sbuf subject[3] = { 0 }, message[3] = { 0 };
	struct nfips_mail m[3];
	char msgid[3][384], from_name[300];
	const char *at = strrchr(c->from, '@');
	int ret = -1;
	size_t i, n = 0;

	if (!(p->reports & want) || !p->ncontacts)
		return 0;
	snprintf(from_name, sizeof(from_name), "nfips %s", p->sensor);
	for (i = 0; i < p->ncontacts && i < 3; i++) {
		const struct nfips_notify_contact *ct = &p->contacts[i];
		enum nfips_report_lang lang = strcmp(ct->lang, "ja") ? NFIPS_REPORT_EN :
					      NFIPS_REPORT_JA;
		struct rendition *r = &x[lang];
		struct nfips_mail_attach att;
		struct nfips_mail_head h = {
			.from = c->from,
			.from_name = c->from_name ? c->from_name : from_name,
			.to_name = ct->name,
			.to = ct->email,
			.domain = at ? at + 1 : "nfips.invalid",
			.date = c->now / 1000000,
			.sensor = p->sensor,
			.kind = nfips_mail_kind_name(NFIPS_MAIL_REPORT),
			.att = &att,
		};

		if (build(ro, o, lang, r, err, errlen))
			goto out;
		/* "Daily intrusion prevention report 2026-12-05: gw-1" */
		nfips_sbuf_printf(&subject[i], "%s %s: %s",
				  nfips_report_word(lang, o->kind == NFIPS_REPORT_DAILY ?
						    W_TITLE_DAILY : W_TITLE_MONTHLY),
				  r->r.period, p->sensor);
		snprintf(msgid[i], sizeof(msgid[i]), "nfips.%s.report.%s.%" PRId64 ".%zu",
			 p->sensor[0] ? p->sensor : "sensor", r->r.period, c->now, i);
		h.msgid_left = msgid[i];
		att = (struct nfips_mail_attach){
			.name = r->html_name,
			.type = "text/html; charset=UTF-8",
			.data = r->html.s,
			.len = r->html.len,
		};
		if (subject[i].oom ||
		    nfips_mail_build(&h, subject[i].s, r->text.s ? r->text.s : "", &message[i])) {
			snprintf(err, errlen, "report mail: out of memory");
			goto out;
		}
		m[n++] = (struct nfips_mail){
			.kind = NFIPS_MAIL_REPORT,
			.grade = -1,
			.rcpt = ct->email,
			.lang = ct->lang,
			.subject = subject[i].s,
			.message = message[i].s,
			.created = c->now,
		};
	}
	if (nfips_mail_queue(rw, m, n, err, errlen))
		goto out;
	ret = (int)n;
out:
	for (i = 0; i < 3; i++) {
		nfips_sbuf_free(&subject[i]);
		nfips_sbuf_free(&message[i]);
	}
	rendition_free(&x[0]);
	rendition_free(&x[1]);
	return ret;
}
