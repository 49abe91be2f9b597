// SPDX-License-Identifier: GPL-2.0
/*
 * A customer policy into nfips.ko: its rules (kernel rules and the daemon
 * rules' selectors) in one transaction and its mode. Shared by nfipsctl
 * (policy apply and the edits) and nfipsd (re-applying when a Block
 * approval starts or ends).
 */
#include <stdarg.h>
#include <stdio.h>

#include "kernel/nl.h"
#include "policy_int.h"

static void say(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/*
 * Toward learn the mode first, toward enforce the rules first, so that no
 * moment runs the new rules in enforce mode under a policy that says
 * learn; a refused transaction restores the mode it found.
 */
int nfips_policy_kernel_apply(const struct nfips_policy *p, struct nfips_nl *nl,
			      bool test, uint64_t *serial, char *err, size_t errlen)
{
	struct nfips_nl_config c = { .set_mode = true };
	struct nfips_nl_status st = { 0 };
	bool restore = false;
	size_t n, bad;
	struct nfips_rule *const *v = nfips_policy_rules(p, &n);

	c.mode = p->mode == NFIPS_POLICY_ENFORCE ? NFIPS_MODE_ENFORCE : NFIPS_MODE_LEARN;
	if (!test && p->mode == NFIPS_POLICY_LEARN) {
		if (nfips_nl_status(nl, &st) || nfips_nl_set_config(nl, &c)) {
			say(err, errlen, "mode: %s", nfips_nl_error(nl));
			return -1;
		}
		restore = st.mode != NFIPS_MODE_LEARN;
	}
	if (nfips_nl_policy_apply(nl, v, n, test, serial, &bad)) {
		if (bad < n)
			say(err, errlen, "%s (sid %u refused by the kernel)",
			    nfips_nl_error(nl), v[bad]->sid);
		else
			say(err, errlen, "%s", nfips_nl_error(nl));
		/* The running policy as it was: its mode too. */
		if (restore) {
			c.mode = st.mode;
			if (nfips_nl_set_config(nl, &c)) {
				char first[256];

				snprintf(first, sizeof(first), "%s", err);
				say(err, errlen, "%s; mode not restored: %s", first,
				    nfips_nl_error(nl));
			}
		}
		return -1;
	}
	if (!test && p->mode == NFIPS_POLICY_ENFORCE && nfips_nl_set_config(nl, &c)) {
		say(err, errlen, "mode: %s (the rules were applied)", nfips_nl_error(nl));
		return -1;
	}
	return 0;
}
