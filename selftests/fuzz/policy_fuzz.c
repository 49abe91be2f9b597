// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the customer policy file: the input is a policy
 * file's text. It is loaded (validation only: rule files are not read, so
 * that the fuzzer never opens files it names); when it loads, the edits
 * that need no rule files (mode, revoke of its first approval) are made,
 * and their result must load again: an edit of a valid policy that
 * yields an invalid one aborts. ASan and UBSan catch the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* 2026-12-06T00:00:00Z, so that runs are reproducible. */
#define NOW ((time_t)1796515200)

static void check_edit(const struct nfips_policy *p, const char *text, size_t len,
		       const struct nfips_edit *e)
{
	struct nfips_policy_opts o = { .now = NOW, .flags = NFIPS_POLICY_NO_RULES };
	struct nfips_diags d = { 0 };
	struct nfips_policy *q = NULL;
	char *out = NULL;
	size_t outlen;
	int ret = nfips_policy_edit(p, text, len, e, &out, &outlen, &d);

	nfips_diags_free(&d);
	if (ret == 1) {
		if (nfips_policy_load_buf("fuzz.conf", "/nonexistent", out, outlen, &o, &q, &d)) {
			fprintf(stderr, "edit %d made an invalid policy:\n", e->op);
			nfips_diags_print(&d, stderr);
			fprintf(stderr, "---- before\n%.*s\n---- after\n%s\n", (int)len, text, out);
			abort();
		}
		if (q->serial != p->serial + 1)
			abort();
		nfips_policy_free(q);
		nfips_diags_free(&d);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfips_policy_opts o = { .now = NOW, .flags = NFIPS_POLICY_NO_RULES };
	struct nfips_diags d = { 0 };
	struct nfips_policy *p = NULL;
	const char *text = (const char *)data;
	char buf[1024];
	size_t i;

	if (nfips_policy_load_buf("fuzz.conf", "/nonexistent", text, size, &o, &p, &d)) {
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
		if (p->napprovals) {
			e.op = NFIPS_EDIT_REVOKE;
			e.gid = p->approvals[0].gid;
			e.sid = p->approvals[0].sid;
			check_edit(p, text, size, &e);
		}
	}
	nfips_policy_free(p);
	return 0;
}
