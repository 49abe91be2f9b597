// SPDX-License-Identifier: GPL-2.0
/*
 * What the suppress edit (nfipsctl suppress SID --dst ADDR,...) needs
 * beside policy_edit.c: the address list checked and written as the
 * libconfig array of a suppression's ip, and whether addresses are
 * suppressed already (nothing to change) or by a given entry (the edit
 * landed).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

/* One address of the list into @fam and @a (a prefix's base address). */
static int one_addr(const char *s, size_t n, int *fam, uint8_t a[16])
{
	char buf[64];
	size_t k = strcspn(s, "/");

	if (n >= sizeof(buf) || !n)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (k < n) {
		char *end;
		long bits = strtol(buf + k + 1, &end, 10);

		buf[k] = '\0';
		if (*end || end == buf + k + 1 || bits < 0 || bits > 128)
			return -1;
	}
	if (inet_pton(AF_INET, buf, a) == 1) {
		*fam = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a) == 1) {
		*fam = AF_INET6;
		return 0;
	}
	return -1;
}

int ppolicy_dst_list(const char *dst, char **out, const char *path, struct nfips_diags *d)
{
	struct nfips_sbuf b = { 0 };
	const char *s = dst ? dst : "";
	size_t n, count = 0;
	uint8_t a[16];
	int fam;

	*out = NULL;
	nfips_sbuf_puts(&b, "[ ");
	while (*s) {
		n = strcspn(s, ",");
		if (one_addr(s, n, &fam, a) || ++count > PPOLICY_SUPP_MAX) {
			if (count > PPOLICY_SUPP_MAX)
				nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0,
					       "suppress: at most %d addresses", PPOLICY_SUPP_MAX);
			else
				nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0, "suppress: '%.*s' "
					       "is not an address or a prefix", (int)n, s);
			nfips_sbuf_free(&b);
			return -1;
		}
		/* checked above: digits, hex, '.', ':' and '/' only, nothing to escape */
		nfips_sbuf_printf(&b, "%s\"%.*s\"", count > 1 ? ", " : "", (int)n, s);
		s += n;
		if (*s == ',' && !*++s)
			break;
	}
	nfips_sbuf_puts(&b, " ]");
	if (!count || b.oom) {
		if (!count)
			nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0, "suppress: no address (--dst)");
		nfips_sbuf_free(&b);
		return -1;
	}
	*out = b.s;
	return 0;
}

bool ppolicy_dsts_suppressed(const struct nfips_policy *p, const struct nfips_suppression *only,
			     uint32_t gid, uint32_t sid, const char *dst)
{
	static const uint8_t any[16];
	struct nfips_policy one;
	const char *s = dst ? dst : "";
	uint8_t a[16];
	size_t n;
	int fam;

	if (only) {
		/* a view of @p holding only that entry */
		one = *p;
		one.suppressions = (struct nfips_suppression *)only;
		one.nsuppressions = 1;
		p = &one;
	}
	for (; *s; s += n + (s[n] == ',')) {
		n = strcspn(s, ",");
		if (one_addr(s, n, &fam, a) ||
		    !nfips_policy_suppressed(p, gid, sid, fam, any, a))
			return false;
	}
	return true;
}
