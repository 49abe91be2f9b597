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
char *pstrdup(const char *s);

#endif /* NFIPS_POLICY_INT_H */
