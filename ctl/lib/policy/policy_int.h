/* SPDX-License-Identifier: GPL-2.0 */
/* Policy internals shared by the files of ctl/lib/policy/. */
#ifndef NFIPS_POLICY_INT_H
#define NFIPS_POLICY_INT_H

#include "policy.h"

/*
 * The libconfig text as a tree of spans (policy_text.c), for the checks
 * libconfig 1.5 does not make (integer overflow, @include) and for
 * editing a setting in place.
 */
enum pv_type { PV_SCALAR, PV_GROUP, PV_LIST, PV_ARRAY };

struct pnode {
	bool named;			/* a setting; else a list or array element */
	enum pv_type vtype;
	size_t start, end;		/* whole setting (through its ';' or ','), or the element */
	size_t name_start, name_end;	/* setting name */
	size_t vstart, vend;		/* value (brackets included) */
	bool has_term;			/* setting ended by ';' or ',' */
	size_t comma;			/* element: the ',' after it, or SIZE_MAX */
	uint32_t line;
	struct pnode *kids;
	size_t nkids;
};

/*
 * Lexes @text: every integer that does not fit (libconfig 1.5 silently
 * truncates), @include, NUL bytes are errors in @d labelled @name. Then
 * builds the tree of settings in *root (when @root is not NULL and the
 * syntax is right). Returns 0; 1 when only integers were out of range
 * (reported; libconfig may still parse the text to report more); -2 when
 * libconfig must not see the text (reported); -1 for a syntax error (not
 * reported: libconfig reports it better).
 */
int ptext_scan(const char *name, const char *text, size_t len,
	       struct nfips_diags *d, struct pnode *root);
void pnode_free(struct pnode *n);
const struct pnode *pnode_find(const struct pnode *group, const char *text,
			       const char *name);

/* Internal: the sid index built from the rule files. */
struct psid {
	uint32_t gid, sid;
	bool active;		/* in the rule set (parsed) */
	bool commented;		/* on a '#' line (active: enabled by an override) */
	bool broken;		/* commented, and the rule parser refuses it */
	enum nfips_action action;
	const char *file;
	uint32_t line;
};

struct ppriv {
	struct psid *sids;	/* sorted by (gid, sid) after loading */
	size_t nsids, cap;
	char **files;		/* owned file names the sids point to */
	size_t nfiles;
};

/* For tests and fuzzing without rule files: (gid, sid) is defined. */
int ppolicy_define_sid(struct nfips_policy *p, uint32_t gid, uint32_t sid,
		       bool commented);
int ppolicy_load_rules(struct nfips_policy *p, struct nfips_diags *d);
/* Whether (gid, sid) is only commented out, on a line that is not a rule. */
bool ppolicy_sid_broken(const struct nfips_policy *p, uint32_t gid, uint32_t sid);
/*
 * For tests and fuzzing: the rule set is @buf, as if the policy (loaded
 * with NFIPS_POLICY_NO_RULES) named one rule file @name; no file is read
 * (not even the classification). As ppolicy_load_rules: 0, or -1 with
 * the errors in @d.
 */
int ppolicy_load_rules_text(struct nfips_policy *p, const char *name, const char *buf,
			    size_t len, struct nfips_diags *d);
char *pstrdup(const char *s);

/* ---- policy_supp.c: the suppress edit's address list ----------------- */

#define PPOLICY_SUPP_MAX	64	/* addresses one suppress edit names */

/*
 * "10.0.0.30,2001:db8::/64" (addresses or prefixes, comma-separated) as
 * the libconfig array [ "10.0.0.30", "2001:db8::/64" ] in *out (malloc'd);
 * 0, or -1 with the bad item in @d.
 */
int ppolicy_dst_list(const char *dst, char **out, const char *path, struct nfips_diags *d);
/*
 * Whether every address of @dst is suppressed as a destination of
 * gid:sid by @p's suppressions, or by @only alone when not NULL.
 */
bool ppolicy_dsts_suppressed(const struct nfips_policy *p, const struct nfips_suppression *only,
			     uint32_t gid, uint32_t sid, const char *dst);

#endif /* NFIPS_POLICY_INT_H */
