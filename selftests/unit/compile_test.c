// SPDX-License-Identifier: GPL-2.0
/*
 * Compiled policy: what it holds for kernel and slow-path rules, its
 * serialised form round-trips byte for byte, and the reader refuses
 * every truncation and the usual kinds of damage.
 */
#include <errno.h>
#include <stdio.h>

#include "compile/compile.h"
#include "rule_util.h"

static const char *const texts[] = {
	"alert udp $EXTERNAL_NET any -> $HOME_NET 80 (msg:\"k1\"; content:\"GET\"; depth:3; sid:1; rev:2;)",
	"drop udp any any -> 10.0.0.0/8 [53,5353] (msg:\"k2\"; content:\"evil\"; nocase; dsize:>10; sid:2;)",
	"alert tcp any any <> [2001:db8::/32,10.1.0.0/16] any (msg:\"s1\"; flow:established; content:\"GET\"; depth:3; sid:3;)",
	"alert tcp any any -> any any (msg:\"s2\"; content:\"abc\"; content:\"GET\"; sid:4;)",
	"alert tcp any any -> any any (msg:\"nofp\"; pcre:\"/x/\"; sid:5;)",
	"alert smb any any -> any any (msg:\"skip\"; content:\"x\"; sid:6;)",
	/* a 1-2 byte fast pattern: the kernel gets the longer content */
	"alert tcp any any -> any any (msg:\"s3\"; content:\"ab\"; fast_pattern; content:\"Longer\"; nocase; content:!\"negated-and-longest\"; sid:7;)",
	/* nothing longer: the kernel keeps the short one */
	"alert tcp any any -> any any (msg:\"s4\"; content:\"cd\"; content:\"e\"; sid:8;)",
};

static struct nfips_rule *r[8];
static unsigned nr;

static void test_content(const struct nfips_compiled *c)
{
	const struct nfips_crule *k1 = &c->rules[0], *k2 = &c->rules[1];
	const struct nfips_crule *s1 = &c->rules[2], *s2 = &c->rules[3];
	const struct nfips_crule *s3 = &c->rules[4], *s4 = &c->rules[5];

	tap_ok(&T, c->nrules == 6, "rules with a fast pattern only (%u)", c->nrules);
	tap_ok(&T, c->npatterns == 5, "GET is shared: 5 patterns (%u)", c->npatterns);
	if (c->nrules != 6)
		return;
	tap_ok(&T, k1->cls == NFIPS_CLASS_KERNEL && k1->sid == 1 && k1->rev == 2 &&
	       k1->depth == 3 && k1->offset == 0 && (k1->flags & NFIPS_CR_DPORT) &&
	       k1->ndport == 1 && k1->dport[0].lo == 80 && (k1->flags & NFIPS_CR_SRC) &&
	       !strcmp(k1->msg, "k1"), "kernel rule: depth, ports, addresses");
	tap_ok(&T, k2->cls == NFIPS_CLASS_KERNEL && k2->action == NFIPS_ACTION_DROP &&
	       (k2->flags & NFIPS_CR_DSIZE) && k2->dsize_op == NFIPS_CMP_GT &&
	       k2->dsize_a == 10 && c->patterns[k2->pattern].flags == NFIPS_CP_NOCASE &&
	       k2->ndport == 2 && k2->ndst4 == 1 && k2->dst4[0].lo == 0x0a000000 &&
	       !(k2->flags & NFIPS_CR_SRC), "kernel rule: dsize, nocase, lists");
	tap_ok(&T, s1->cls == NFIPS_CLASS_SLOW && s1->depth == 0 &&
	       (s1->flags & NFIPS_CR_BIDIR) && s1->ndst6 == 1 && s1->ndst4 == 1 &&
	       s1->dst6[0].lo[0] == 0x20 && s1->dst6[0].lo[1] == 0x01 &&
	       s1->pattern == k1->pattern, "slow rule: no positions, v6 ranges, shared pattern");
	tap_ok(&T, s2->cls == NFIPS_CLASS_SLOW && c->patterns[s2->pattern].len == 3,
	       "slow rule with several contents");
	tap_ok(&T, c->patterns[s3->pattern].len == 6 &&
	       !memcmp(c->patterns[s3->pattern].bytes, "Longer", 6) &&
	       c->patterns[s3->pattern].flags == NFIPS_CP_NOCASE,
	       "a 2-byte fast_pattern: the kernel gets the rule's longer positive content, nocase kept");
	tap_ok(&T, c->patterns[s4->pattern].len == 2 &&
	       !memcmp(c->patterns[s4->pattern].bytes, "cd", 2),
	       "only short contents: the kernel keeps the fast pattern");
}

static void test_roundtrip(const struct nfips_compiled *c, const char *what)
{
	struct nfips_compiled *c2 = NULL;
	uint8_t *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0;
	char e[128];

	nfips_compiled_write(c, &b1, &l1);
	tap_ok(&T, b1 && !nfips_compiled_read(b1, l1, &c2, e, sizeof(e)) &&
	       !nfips_compiled_write(c2, &b2, &l2) && l1 == l2 && !memcmp(b1, b2, l1),
	       "%s: write, read, write gives the same %zu bytes", what, l1);
	nfips_compiled_free(c2);
	free(b1);
	free(b2);
}

static void test_damage(const struct nfips_compiled *c)
{
	struct nfips_compiled *c2;
	uint8_t *b = NULL, *d;
	size_t len = 0, i;
	unsigned bad = 0;
	char e[128];

	if (nfips_compiled_write(c, &b, &len))
		return;
	for (i = 0; i < len; i++) {
		if (nfips_compiled_read(b, i, &c2, e, sizeof(e)) != -EINVAL || c2)
			bad++;
	}
	tap_ok(&T, !bad, "every truncation (%zu) is refused", len);
	d = malloc(len + 4);
	memcpy(d, b, len);
	d[0] ^= 1;
	tap_ok(&T, nfips_compiled_read(d, len, &c2, e, sizeof(e)) == -EINVAL &&
	       strstr(e, "not a compiled"), "bad magic: %s", e);
	d[0] ^= 1;
	d[8] = 9;
	tap_ok(&T, nfips_compiled_read(d, len, &c2, e, sizeof(e)) == -EINVAL &&
	       strstr(e, "version 9"), "other version: %s", e);
	d[8] = NFIPS_COMPILED_VERSION;
	memset(d + len, 0, 4);
	tap_ok(&T, nfips_compiled_read(d, len + 4, &c2, e, sizeof(e)) == -EINVAL &&
	       strstr(e, "after the last rule"), "trailing bytes: %s", e);
	/* The first rule's pattern index: after the header and the patterns. */
	{
		size_t off = 20, k;

		for (k = 0; k < c->npatterns; k++)
			off += 8 + ((c->patterns[k].len + 3) & ~3u);
		off += 4 * 4 + 4;	/* gid sid rev, action bytes, flags */
		d[off] = 0xff;
		tap_ok(&T, nfips_compiled_read(d, len, &c2, e, sizeof(e)) == -EINVAL &&
		       strstr(e, "pattern"), "pattern index out of range: %s", e);
	}
	free(d);
	free(b);
}

static int keep(void *arg, struct nfips_rule *rule, const struct nfips_err *e)
{
	struct nfips_rule ***v = arg;
	static size_t cap;

	(void)e;
	if (!rule)
		return 0;
	if ((size_t)(v[1] - v[0]) == cap) {
		size_t n = (size_t)(v[1] - v[0]);

		cap = cap ? cap * 2 : 4096;
		v[0] = realloc(v[0], cap * sizeof(*v[0]));
		v[1] = v[0] + n;
	}
	*v[1]++ = rule;
	return 0;
}

/* The whole ET Open snapshot, when it is there. */
static void test_et(void)
{
	static const char *const files[] = {
		"../../../shared/data/et-open/emerging-exploit.rules",
		"../../../shared/data/et-open/emerging-malware.rules",
		"../../../shared/data/et-open/emerging-scan.rules",
	};
	struct nfips_rule **v[2] = { NULL, NULL };
	struct nfips_compiled *c = NULL;
	unsigned i;
	size_t n;

	ctx.classes = NULL;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		nfips_rules_parse_file(files[i], &ctx, keep, v, &err);
	n = (size_t)(v[1] - v[0]);
	if (!n) {
		tap_ok(&T, 1, "ET round trip # SKIP no ET Open snapshot");
		return;
	}
	if (!nfips_compile(v[0], n, &c))
		test_roundtrip(c, "ET Open rules");
	nfips_compiled_free(c);
	while (n--)
		nfips_rule_free(v[0][n]);
	free(v[0]);
}

int main(void)
{
	struct nfips_compiled *c = NULL;

	setup();
	for (nr = 0; nr < sizeof(texts) / sizeof(texts[0]); nr++)
		r[nr] = parse(texts[nr]);
	if (nfips_compile(r, nr, &c)) {
		tap_ok(&T, 0, "compile");
		return tap_done(&T);
	}
	test_content(c);
	test_roundtrip(c, "small policy");
	test_damage(c);
	nfips_compiled_free(c);
	while (nr--)
		nfips_rule_free(r[nr]);
	test_et();
	teardown();
	return tap_done(&T);
}
