// SPDX-License-Identifier: GPL-2.0
/*
 * A report into a directory, in several formats, each file replaced whole
 * (nfips_file_replace; the PDF renamed into place once Chromium is done),
 * so that a web server serving the directory never hands out half a
 * report. nfipsd writes its daily and monthly reports with this, and the
 * paths it returns are what a mailer sends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void nfips_report_files_free(struct nfips_report_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->paths[i]);
	f->n = 0;
}

int nfips_report_publish(struct nfips_store *s, const struct nfips_report_opts *o,
			 const char *dir, unsigned formats, struct nfips_report_files *out,
			 char *err, size_t errlen)
{
	struct nfips_report r;
	int fmt, rc = 0;

	out->n = 0;
	if (nfips_report_build(s, o, &r, err, errlen))
		return -1;
	for (fmt = NFIPS_REPORT_TEXT; !rc && fmt <= NFIPS_REPORT_PDF; fmt++) {
		struct nfips_sbuf b = { 0 };
		char name[128], *path = NULL;

		if (!(formats & (1u << fmt)))
			continue;
		nfips_report_file_name(name, sizeof(name), &r, (enum nfips_report_format)fmt);
		nfips_report_render(&r, (enum nfips_report_format)fmt, &b);
		if (b.oom || asprintf(&path, "%s/%s", dir, name) < 0) {
			snprintf(err, errlen, "out of memory");
			path = NULL;
			rc = -1;
		} else if (fmt == NFIPS_REPORT_PDF) {
			rc = nfips_report_pdf(b.s, b.len, path, err, errlen);
		} else {
			int e = nfips_file_replace(path, b.s, b.len);

			if (e) {
				snprintf(err, errlen, "%s: %s", path, strerror(-e));
				rc = -1;
			}
		}
		if (!rc)
			out->paths[out->n++] = path;
		else
			free(path);
		nfips_sbuf_free(&b);
	}
	nfips_report_free(&r);
	return rc;
}
