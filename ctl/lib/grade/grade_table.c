// SPDX-License-Identifier: GPL-2.0
/*
 * Grade names, their EVE severity, and the shipped default grading table:
 * every classtype of policies/classification.config and of ET Open's,
 * graded by DESIGN.md's criteria. Documentation/policy.rst gives the
 * reasoning of each line; a unit test checks both lists agree.
 */
#include <stdlib.h>
#include <string.h>

#include "grade.h"

static const char *const names[] = {
	"", "emergency", "high", "medium", "low", "ignore" };

const char *nfips_grade_name(enum nfips_grade g)
{
	return (unsigned int)g <= NFIPS_GRADE_IGNORE ? names[g] : "?";
}

int nfips_grade_parse(const char *s, enum nfips_grade *g)
{
	int i;

	for (i = NFIPS_GRADE_EMERGENCY; i <= NFIPS_GRADE_IGNORE; i++)
		if (!strcmp(s, names[i])) {
			*g = (enum nfips_grade)i;
			return 0;
		}
	return -1;
}

unsigned int nfips_grade_severity(enum nfips_grade g)
{
	switch (g) {
	case NFIPS_GRADE_EMERGENCY:
	case NFIPS_GRADE_HIGH:
		return 1;
	case NFIPS_GRADE_MEDIUM:
		return 2;
	case NFIPS_GRADE_LOW:
		return 3;
	default:
		return 4;
	}
}

#define E	NFIPS_GRADE_EMERGENCY
#define H	NFIPS_GRADE_HIGH
#define M	NFIPS_GRADE_MEDIUM
#define L	NFIPS_GRADE_LOW
#define I	NFIPS_GRADE_IGNORE

/* Sorted by name (bsearch). true: evidence that an attack succeeded. */
static const struct nfips_grade_class table[] = {
	{ "attempted-admin",			H, false },	/* privilege gain */
	{ "attempted-dos",			M, false },	/* mitigable DoS */
	{ "attempted-recon",			M, false },	/* unmitigable recon */
	{ "attempted-user",			H, false },	/* privilege gain */
	{ "bad-unknown",			M, false },
	{ "client-side-exploit",		H, false },	/* exploit of a client */
	{ "coin-mining",			M, false },
	{ "command-and-control",		H, true },	/* compromised host */
	{ "credential-theft",			H, false },
	{ "default-login-attempt",		H, false },	/* privilege gain */
	{ "denial-of-service",			M, false },	/* mitigable DoS */
	{ "domain-c2",				H, true },
	{ "exploit-kit",			H, false },
	{ "external-ip-check",			I, false },	/* client only */
	{ "file-format",			H, false },
	{ "icmp-event",				I, false },	/* decode */
	{ "inappropriate-content",		L, false },
	{ "malware-cnc",			H, true },
	{ "misc-activity",			L, false },
	{ "misc-attack",			M, false },
	{ "network-scan",			L, false },	/* mitigable recon */
	{ "non-standard-protocol",		L, false },
	{ "not-suspicious",			I, false },
	{ "policy-violation",			L, false },
	{ "protocol-command-decode",		I, false },	/* decode */
	{ "pup-activity",			I, false },	/* client only */
	{ "rpc-portmap-decode",			I, false },	/* decode */
	{ "shellcode-detect",			H, false },	/* probing */
	{ "social-engineering",			M, false },
	{ "string-detect",			L, false },
	{ "successful-admin",			H, true },
	{ "successful-dos",			H, false },	/* unmitigable DoS */
	{ "successful-recon-largescale",	M, false },	/* unmitigable recon */
	{ "successful-recon-limited",		M, false },	/* unmitigable recon */
	{ "successful-user",			H, true },
	{ "suspicious-filename-detect",		L, false },	/* mitigable recon */
	{ "suspicious-login",			M, false },
	{ "system-call-detect",			H, false },	/* probing */
	{ "targeted-activity",			H, false },
	{ "tcp-connection",			I, false },	/* decode */
	{ "trojan-activity",			H, true },
	{ "unknown",				L, false },
	{ "unsuccessful-user",			M, false },
	{ "unusual-client-port-connection",	I, false },	/* client only */
	{ "web-application-activity",		M, false },	/* unmitigable recon */
	{ "web-application-attack",		H, false },	/* probing */
};

#undef E
#undef H
#undef M
#undef L
#undef I

static int cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct nfips_grade_class *)e)->classtype);
}

const struct nfips_grade_class *nfips_grade_default(const char *classtype)
{
	if (!classtype)
		return NULL;
	return bsearch(classtype, table, sizeof(table) / sizeof(table[0]),
		       sizeof(table[0]), cmp);
}

const struct nfips_grade_class *nfips_grade_defaults(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}
