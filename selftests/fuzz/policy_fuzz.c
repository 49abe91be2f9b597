// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the customer policy file: the input is a policy
 * file's text, optionally followed by a line "%%rules%%" and the text of
 * a rule file. The policy is loaded (rule files it names are never read,
 * so that the fuzzer never opens files); with a rule text, that text is
 * its one rule file (the commented-out rules its overrides enable
 * included); without, the sids its overrides and approvals name are
 * taken as defined by a rule file, the even ones as commented out. When
 * it loads, every edit (mode; disable, enable, approve, revoke of those
 * sids) is made, and its result must load again and say what the edit
 * said: an edit of a valid policy that yields an invalid one aborts.
 * ASan and UBSan catch the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_int.h"

/* libconfig 1.5 leaks the string being scanned on some syntax errors. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

/* 2026-12-06T00:00:00Z, so that runs are reproducible. */
#define NOW ((time_t)1796515200)
#define RULES_MARK "\n%%rules%%\n"

/* The rule text of the input, if any. */
static const char *rules;
static size_t rules_len;

static int load(const char *text, size_t len, struct nfips_policy **p,
		struct nfips_diags *d)
{
	struct nfips_policy_opts o = { .now = NOW, .flags = NFIPS_POLICY_NO_RULES };

	if (nfips_policy_load_buf("fuzz.conf", "/nonexistent", text, len, &o, p, d))
		return -1;
	if (rules && ppolicy_load_rules_text(*p, "fuzz.rules", rules, rules_len, d)) {
		nfips_policy_free(*p);
		*p = NULL;
		return -1;
	}
	return 0;
}

static void check_edit(const struct nfips_policy *p, const char *text, size_t len,
		       const struct nfips_edit *e)
{
	struct nfips_diags d = { 0 };
	struct nfips_policy *q = NULL;
	char *out = NULL;
	size_t outlen;
	int ret = nfips_policy_edit(p, text, len, e, &out, &outlen, &d);

	nfips_diags_free(&d);
	if (ret == 1) {
		if (load(out, outlen, &q, &d)) {
			fprintf(stderr, "edit %d made an invalid policy:\n", e->op);
			nfips_diags_print(&d, stderr);
			fprintf(stderr, "---- before\n%.*s\n---- after\n%s\n", (int)len, text, out);
			abort();
		}
		if (q->serial != p->serial + 1)
			abort();
		if (!nfips_policy_edit_done(p, q, e)) {
			fprintf(stderr, "edit %d did not take effect:\n---- before\n%.*s\n"
				"---- after\n%s\n", e->op, (int)len, text, out);
			abort();
		}
		nfips_policy_free(q);
		nfips_diags_free(&d);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfips_diags d = { 0 };
	struct nfips_policy *p = NULL;
	const char *text = (const char *)data, *mark;
	char buf[1024];
	size_t i;

	rules = NULL;
	rules_len = 0;
	mark = memmem(text, size, RULES_MARK, strlen(RULES_MARK));
	if (mark) {
		rules = mark + strlen(RULES_MARK);
		rules_len = size - (size_t)(rules - text);
		size = (size_t)(mark - text) + 1;	/* the policy keeps its newline */
	}
	if (load(text, size, &p, &d)) {
		/* Every diagnostic prints; an error means no policy. */
		for (i = 0; i < d.n; i++)
			nfips_diag_str(&d.v[i], buf, sizeof(buf));
		if (p || !d.errors)
			abort();
		nfips_diags_free(&d);
		return 0;
	}
	nfips_diags_free(&d);
	if (!memchr(text, 0, size)) {
		struct nfips_edit e = { .op = NFIPS_EDIT_MODE, .by = "fuzz", .now = NOW,
			.mode = p->mode == NFIPS_POLICY_LEARN ? NFIPS_POLICY_ENFORCE :
								NFIPS_POLICY_LEARN };

		check_edit(p, text, size, &e);
		for (i = 0; !rules && i < p->noverrides; i++)
			ppolicy_define_sid(p, p->overrides[i].gid, p->overrides[i].sid,
					   !(p->overrides[i].sid & 1));
		for (i = 0; !rules && i < p->napprovals; i++)
			ppolicy_define_sid(p, p->approvals[i].gid, p->approvals[i].sid, false);
		if (!rules) {
			ppolicy_define_sid(p, 1, 1, false);
			ppolicy_define_sid(p, 1, 2, true);
		}
		for (i = 0; i < p->noverrides + p->napprovals + 2 && i < 8; i++) {
			uint32_t gid = 1, sid = (uint32_t)i - 1;

			if (i < p->noverrides) {
				gid = p->overrides[i].gid;
				sid = p->overrides[i].sid;
			} else if (i < p->noverrides + p->napprovals) {
				gid = p->approvals[i - p->noverrides].gid;
				sid = p->approvals[i - p->noverrides].sid;
			} else {
				sid = (uint32_t)(i - p->noverrides - p->napprovals + 1);
			}
			e.gid = gid;
			e.sid = sid;
			for (int op = NFIPS_EDIT_DISABLE; op <= NFIPS_EDIT_SUPPRESS; op++) {
				if (op == NFIPS_EDIT_MODE)
					continue;	/* above */
				e.op = (enum nfips_edit_op)op;
				/* every grade in turn, default (UNSET) too */
				e.grade = (enum nfips_grade)((sid + i) % (NFIPS_GRADE_IGNORE + 1));
				e.dst = sid & 1 ? "10.0.0.1" : "192.0.2.0/24,2001:db8::1";
				e.has_until = op == NFIPS_EDIT_APPROVE && (sid & 1);
				e.until = NOW + 86400;
				e.ticket = sid & 2 ? "T-1" : NULL;
				check_edit(p, text, size, &e);
			}
		}
	}
	nfips_policy_free(p);
	return 0;
}
