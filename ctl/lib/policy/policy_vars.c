// SPDX-License-Identifier: GPL-2.0
/*
 * Per-gateway variables: nfipsctl push gives each gateway of an
 * inventory its own HOME_NET (or any other variable the policy defines)
 * by replacing only the text of that setting's value, as the edits do,
 * so that every comment of the policy reaches the gateway.
 */
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

static const struct pnode *group_of(const struct pnode *g, const char *text,
				    const char *name)
{
	const struct pnode *k = pnode_find(g, text, name);

	return k && k->vtype == PV_GROUP ? k : NULL;
}

int nfips_policy_set_var(const char *name, const char *text, size_t len,
			 const char *var, const char *value, char **out,
			 size_t *outlen, struct nfips_diags *d)
{
	static const char *const groups[] = { "address_groups", "port_groups" };
	const struct pnode *rules, *vars, *k = NULL;
	struct pnode root;
	size_t i, n;
	char *s;

	*out = NULL;
	for (i = 0; value[i]; i++)
		if (value[i] == '"' || value[i] == '\\' || (unsigned char)value[i] < 0x20) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, name, 0, "variable %s: the value "
				       "may not hold '\"', '\\' or control characters", var);
			return -1;
		}
	if (ptext_scan(name, text, len, d, &root) < 0) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, name, 0, "not a valid policy text");
		return -1;
	}
	rules = group_of(&root, text, "rules");
	vars = rules ? group_of(rules, text, "variables") : NULL;
	for (i = 0; vars && !k && i < 2; i++) {
		const struct pnode *g = group_of(vars, text, groups[i]);

		k = g ? pnode_find(g, text, var) : NULL;
	}
	if (!k || k->vtype != PV_SCALAR || text[k->vstart] != '"') {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, name, 0, "variable %s: the policy defines "
			       "no rules.variables.address_groups or port_groups %s string to "
			       "set", var, var);
		pnode_free(&root);
		return -1;
	}
	n = strlen(value);
	s = malloc(len - (k->vend - k->vstart) + n + 3);
	if (!s) {
		pnode_free(&root);
		return -1;
	}
	memcpy(s, text, k->vstart);
	s[k->vstart] = '"';
	memcpy(s + k->vstart + 1, value, n);
	s[k->vstart + 1 + n] = '"';
	memcpy(s + k->vstart + n + 2, text + k->vend, len - k->vend);
	*outlen = len - (k->vend - k->vstart) + n + 2;
	s[*outlen] = '\0';
	*out = s;
	pnode_free(&root);
	return 0;
}
