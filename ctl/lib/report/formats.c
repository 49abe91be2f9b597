// SPDX-License-Identifier: GPL-2.0
/* The formats a report is written in, as nfipsd.conf names them (alone:
 * nfipsd's configuration parser and its test use it without the rest). */
#include <string.h>

#include "report.h"

int nfips_report_parse_formats(const char *s, unsigned *formats)
{
	static const char *const names[] = { "text", "json", "html", "pdf" };
	char buf[128], *save = NULL, *t;
	int i;

	*formats = 0;
	if (!s || strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		for (i = 0; i < 4 && strcmp(t, names[i]); i++)
			;
		if (i == 4)
			return -1;
		*formats |= 1u << i;
	}
	return *formats ? 0 : -1;
}
