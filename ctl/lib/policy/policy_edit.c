// SPDX-License-Identifier: GPL-2.0
/*
 * Editing a policy file in place, and writing it atomically.
 *
 * libconfig's writer would drop every comment and reformat the file, so
 * an edit changes only the text of the settings it touches, located with
 * policy_text.c's spans: a key inside one override entry, one approval
 * entry, the mode and the serial. Everything else, comments included,
 * stays byte for byte. Each edit appends one comment line recording who,
 * when and what to a history block at the end of the file, and bumps the
 * serial.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_int.h"

#define HISTORY_MARK "# ---- nfipsctl edit history (one line per edit, newest last) ----"

struct ed {
	char *t;
	size_t len;
	struct pnode root;
	bool parsed;
	struct nfips_diags *d;
	const char *name;
};

static int reparse(struct ed *e)
{
	struct nfips_diags tmp = { 0 };
	int ret;

	if (e->parsed)
		pnode_free(&e->root);
	e->parsed = false;
	ret = ptext_scan(e->name, e->t, e->len, &tmp, &e->root);
	nfips_diags_free(&tmp);
	if (ret < 0) {
		nfips_diag_add(e->d, NFIPS_DIAG_ERROR, e->name, 0,
			       "cannot edit: the file does not parse");
		return -1;
	}
	e->parsed = true;
	return 0;
}

/* Replaces [s, end) with @ins, then re-reads the spans. */
static int tsplice(struct ed *e, size_t s, size_t end, const char *ins)
{
	size_t n = strlen(ins), len = e->len - (end - s) + n;
	char *t = malloc(len + 1);

	if (!t) {
		nfips_diag_add(e->d, NFIPS_DIAG_ERROR, e->name, 0, "out of memory");
		return -1;
	}
	memcpy(t, e->t, s);
	memcpy(t + s, ins, n);
	memcpy(t + s + n, e->t + end, e->len - end);
	t[len] = 0;
	free(e->t);
	e->t = t;
	e->len = len;
	return reparse(e);
}

static size_t line_start(const struct ed *e, size_t pos)
{
	while (pos && e->t[pos - 1] != '\n')
		pos--;
	return pos;
}

static bool blank(const struct ed *e, size_t s, size_t end)
{
	for (; s < end; s++)
		if (e->t[s] != ' ' && e->t[s] != '\t' && e->t[s] != '\r')
			return false;
	return true;
}

static size_t line_end(const struct ed *e, size_t pos)
{
	while (pos < e->len && e->t[pos] != '\n')
		pos++;
	return pos;
}

/* The indentation of the line holding @pos, if only blanks precede it. */
static void indent_of(const struct ed *e, size_t pos, char *buf, size_t len,
		      const char *dflt)
{
	size_t ls = line_start(e, pos), n = pos - ls;

	if (!blank(e, ls, pos) || n >= len)
		snprintf(buf, len, "%s", dflt);
	else
		snprintf(buf, len, "%.*s", (int)n, e->t + ls);
}

static bool multiline(const struct ed *e, size_t s, size_t end)
{
	return memchr(e->t + s, '\n', end - s) != NULL;
}

static const struct pnode *top(const struct ed *e, const char *name)
{
	return pnode_find(&e->root, e->t, name);
}

/*
 * An integer as libconfig 1.5 reads it: decimal, where a leading 0 does
 * not mean octal (010 is 10), or 0x hex; the L suffix ignored. Anything
 * else (a float, a string) is not the integer libconfig would check: -2.
 */
static long long num(const struct ed *e, const struct pnode *n, long long dflt)
{
	char buf[32], *end;
	size_t l = n ? n->vend - n->vstart : 0;
	bool hex;

	if (!n)
		return dflt;
	if (n->vtype != PV_SCALAR || !l || l >= sizeof(buf))
		return -2;
	memcpy(buf, e->t + n->vstart, l);
	buf[l] = 0;
	hex = buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X');
	errno = 0;
	{
		long long v = strtoll(buf, &end, hex ? 16 : 10);

		while (*end == 'L')
			end++;
		return *end || errno ? -2 : v;
	}
}

/* Whether entry @k of the loaded list @name (overrides, approvals) is (gid, sid). */
static bool model_is(const struct nfips_policy *p, const char *name, size_t k,
		     uint32_t gid, uint32_t sid)
{
	if (!strcmp(name, "overrides"))
		return p->overrides[k].gid == gid && p->overrides[k].sid == sid;
	return p->approvals[k].gid == gid && p->approvals[k].sid == sid;
}

/*
 * The index of the entry of list @name for (gid, sid) in *at, -1 none.
 * The text's reading must agree with libconfig's (the loaded @p, whose
 * entries are the list's, in order): -1 with an error if not.
 */
static int find_entry(const struct ed *e, const struct nfips_policy *p, const char *name,
		      uint32_t gid, uint32_t sid, long *at)
{
	const struct pnode *l = top(e, name);
	size_t i, n = !strcmp(name, "overrides") ? p->noverrides : p->napprovals;

	*at = -1;
	if (l && (l->vtype == PV_LIST || l->vtype == PV_ARRAY)) {
		for (i = 0; i < l->nkids; i++) {
			const struct pnode *g = &l->kids[i];

			if (g->vtype != PV_GROUP)
				continue;
			if (num(e, pnode_find(g, e->t, "sid"), -1) == sid &&
			    num(e, pnode_find(g, e->t, "gid"), 1) == gid) {
				*at = (long)i;
				break;
			}
		}
	}
	if (l && l->nkids == n) {
		for (i = 0; i < n; i++)
			if (model_is(p, name, i, gid, sid) != (*at == (long)i))
				goto differ;
		return 0;
	}
	if (!n && *at < 0)
		return 0;
differ:
	nfips_diag_add(e->d, NFIPS_DIAG_ERROR, e->name, 0,
		       "cannot edit: the %s entries do not read as the policy loaded them",
		       name);
	return -1;
}

/*
 * The history block's first line: the marker at the start of a line after
 * every setting (not inside a string or among the settings); SIZE_MAX.
 */
static size_t history_mark(const struct ed *e)
{
	size_t pos = e->root.nkids ? e->root.kids[e->root.nkids - 1].end : 0;
	size_t ml = strlen(HISTORY_MARK);
	const char *t = e->t;

	/* After the last setting there are only blanks and comments. */
	while (pos < e->len) {
		if (t[pos] == '/' && t[pos + 1] == '*') {
			const char *c = strstr(t + pos + 2, "*/");

			if (!c)
				break;
			pos = (size_t)(c - t) + 2;
		} else if (t[pos] == '#' || (t[pos] == '/' && t[pos + 1] == '/')) {
			if ((!pos || t[pos - 1] == '\n') && !strncmp(t + pos, HISTORY_MARK, ml))
				return pos;
			pos = line_end(e, pos);
		} else {
			pos++;
		}
	}
	return SIZE_MAX;
}

/* Where a new top-level setting goes: before the history block, or at the end. */
static size_t append_point(struct ed *e)
{
	size_t m = history_mark(e);

	return m == SIZE_MAX ? e->len : m;
}

static int append_entry(struct ed *e, const char *name, const char *entry)
{
	const struct pnode *l = top(e, name);
	char ind[64], *ins;
	int ret;

	if (!l) {
		size_t at = append_point(e);
		bool nl = at && e->t[at - 1] != '\n';
		bool gap = at >= 2 && e->t[at - 1] == '\n' && e->t[at - 2] == '\n';

		if (asprintf(&ins, "%s%s%s = (\n\t%s\n);\n%s", nl ? "\n" : "",
			     gap || !at ? "" : "\n", name, entry,
			     at < e->len ? "\n" : "") < 0)
			return -1;
		ret = tsplice(e, at, at, ins);
	} else if (!l->nkids) {
		if (asprintf(&ins, "(\n\t%s\n)", entry) < 0)
			return -1;
		ret = tsplice(e, l->vstart, l->vend, ins);
	} else {
		const struct pnode *last = &l->kids[l->nkids - 1];
		size_t at, close = l->vend - 1;

		if (!multiline(e, l->vstart, l->vend)) {
			if (asprintf(&ins, ", %s", entry) < 0)
				return -1;
			ret = tsplice(e, last->end, last->end, ins);
		} else {
			/* "," right after the last entry, the new one after its line's comment */
			indent_of(e, last->start, ind, sizeof(ind), "\t");
			at = line_end(e, last->end);
			if (at >= close)	/* ')' on that line */
				at = last->end;
			/* one splice: "," + the rest of the line + the new entry */
			if (asprintf(&ins, ",%.*s\n%s%s", (int)(at - last->end),
				     e->t + last->end, ind, entry) < 0)
				return -1;
			ret = tsplice(e, last->end, at, ins);
		}
	}
	free(ins);
	return ret;
}

static int remove_entry(struct ed *e, const char *name, size_t i)
{
	const struct pnode *l = top(e, name), *k = &l->kids[i];
	size_t s = k->start, end = k->end;

	if (i + 1 < l->nkids) {
		/* "k," and the blanks after it; its whole line if alone on it */
		end = k->comma + 1;
		while (end < e->len && (e->t[end] == ' ' || e->t[end] == '\t'))
			end++;
		if (blank(e, line_start(e, s), s) && end < e->len && e->t[end] == '\n') {
			s = line_start(e, s);
			end++;
		}
	} else if (i > 0) {
		/* ", k" from the previous entry's comma, keeping comments between */
		size_t c = l->kids[i - 1].comma, m = s;
		char *keep;
		int ret;

		while (m > c + 1 && (e->t[m - 1] == ' ' || e->t[m - 1] == '\t' ||
				     e->t[m - 1] == '\n' || e->t[m - 1] == '\r'))
			m--;
		keep = strndup(e->t + c + 1, m - (c + 1));
		if (!keep)
			return -1;
		ret = tsplice(e, c, end, keep);
		free(keep);
		return ret;
	} else if (blank(e, line_start(e, s), s) && blank(e, end, line_end(e, end)) &&
		   line_end(e, end) < e->len) {
		s = line_start(e, s);
		end = line_end(e, end) + 1;
	}
	return tsplice(e, s, end, "");
}

static int set_key(struct ed *e, const char *list, size_t i, const char *key,
		   const char *value)
{
	const struct pnode *g = &top(e, list)->kids[i], *k = pnode_find(g, e->t, key);
	const struct pnode *last;
	char ind[64], *ins;
	int ret;

	if (k)
		return tsplice(e, k->vstart, k->vend, value);
	last = &g->kids[g->nkids - 1];	/* sid at least */
	if (!last->has_term) {
		size_t at = last->end;

		if (tsplice(e, at, at, ";"))
			return -1;
		g = &top(e, list)->kids[i];
		last = &g->kids[g->nkids - 1];
	}
	if (!multiline(e, g->vstart, g->vend)) {
		if (asprintf(&ins, " %s = %s;", key, value) < 0)
			return -1;
		ret = tsplice(e, last->end, last->end, ins);
	} else {
		/* on a line of its own after the last setting's line (and its comment) */
		size_t at = line_end(e, last->end);

		if (at >= g->vend - 1)
			at = last->end;	/* '}' on that line */
		indent_of(e, last->start, ind, sizeof(ind), "\t\t");
		if (asprintf(&ins, "\n%s%s = %s;", ind, key, value) < 0)
			return -1;
		ret = tsplice(e, at, at, ins);
	}
	free(ins);
	return ret;
}

static int remove_key(struct ed *e, const char *list, size_t i, const char *key)
{
	const struct pnode *g = &top(e, list)->kids[i], *k = pnode_find(g, e->t, key);
	size_t s, end;

	if (!k)
		return 0;
	s = k->start;
	end = k->end;
	if (blank(e, line_start(e, s), s) && blank(e, end, line_end(e, end)) &&
	    line_end(e, end) < e->len) {
		s = line_start(e, s);
		end = line_end(e, end) + 1;
	} else {
		while (s > g->vstart + 1 && (e->t[s - 1] == ' ' || e->t[s - 1] == '\t'))
			s--;
	}
	return tsplice(e, s, end, "");
}

/* Whether entry @i of @list has keys other than sid and gid. */
static bool has_settings(const struct ed *e, const char *list, size_t i)
{
	const struct pnode *g = &top(e, list)->kids[i];
	size_t k;

	for (k = 0; k < g->nkids; k++) {
		size_t n = g->kids[k].name_end - g->kids[k].name_start;
		const char *name = e->t + g->kids[k].name_start;

		if (!(n == 3 && (!memcmp(name, "sid", 3) || !memcmp(name, "gid", 3))))
			return true;
	}
	return false;
}

static int set_top(struct ed *e, const char *name, const char *value)
{
	const struct pnode *k = top(e, name);
	char *ins;
	size_t at;
	int ret;

	if (k)
		return tsplice(e, k->vstart, k->vend, value);
	/*
	 * Before the first setting: on a line of its own when only blanks
	 * precede that setting on its line, else right before it (that line
	 * may start inside a comment that ends before the setting).
	 */
	at = e->len;
	if (e->root.nkids) {
		size_t st = e->root.kids[0].start, ls = line_start(e, st);

		at = blank(e, ls, st) ? ls : st;
	}
	if (asprintf(&ins, at == e->len ? "%s%s = %s;\n" : at && e->t[at - 1] != '\n' ?
		     "%s%s = %s; " : "%s%s = %s;\n",
		     at == e->len && at && e->t[at - 1] != '\n' ? "\n" : "", name, value) < 0)
		return -1;
	ret = tsplice(e, at, at, ins);
	free(ins);
	return ret;
}

/* A libconfig string literal of @s (control characters refused). */
static char *quote(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *q = malloc(2 * n + 3);

	if (!q)
		return NULL;
	q[o++] = '"';
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			free(q);
			return NULL;
		}
		if (*s == '"' || *s == '\\')
			q[o++] = '\\';
		q[o++] = *s;
	}
	q[o++] = '"';
	q[o] = 0;
	return q;
}

/* For the history line: one line, no control characters. */
static void flatten(char *dst, size_t len, const char *s)
{
	size_t o = 0;

	for (; s && *s && o + 1 < len; s++)
		dst[o++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	dst[o] = 0;
}

static int append_history(struct ed *e, const char *line)
{
	char *ins;
	bool mark = history_mark(e) == SIZE_MAX;
	bool nl = e->len && e->t[e->len - 1] != '\n';
	int ret;

	if (asprintf(&ins, "%s%s%s%s\n", nl ? "\n" : "", mark ? "\n" HISTORY_MARK : "",
		     mark ? "\n" : "", line) < 0)
		return -1;
	ret = tsplice(e, e->len, e->len, ins);
	free(ins);
	return ret;
}

/* Whether a rule file defines (gid, sid) outside a comment. */
static bool uncommented(const struct nfips_policy *p, uint32_t gid, uint32_t sid)
{
	const struct ppriv *pv = p->priv;
	size_t i;

	for (i = 0; pv && i < pv->nsids; i++)
		if (pv->sids[i].gid == gid && pv->sids[i].sid == sid &&
		    pv->sids[i].active && !pv->sids[i].commented)
			return true;
	return false;
}

static const char *sidstr(char *buf, size_t len, uint32_t gid, uint32_t sid)
{
	if (gid == 1)
		snprintf(buf, len, "%u", sid);
	else
		snprintf(buf, len, "%u:%u", gid, sid);
	return buf;
}

static int entry_head(char *buf, size_t len, uint32_t gid, uint32_t sid)
{
	if (gid == 1)
		return snprintf(buf, len, "{ sid = %u;", sid);
	return snprintf(buf, len, "{ gid = %u; sid = %u;", gid, sid);
}

int nfips_policy_edit(const struct nfips_policy *p, const char *text, size_t len,
		      const struct nfips_edit *ed, char **out, size_t *outlen,
		      struct nfips_diags *d)
{
	struct ed e = { .d = d, .name = p->path };
	uint32_t gid = ed->gid ? ed->gid : 1, sid = ed->sid;
	time_t now = ed->now ? ed->now : time(NULL);
	const struct nfips_override *ov = nfips_policy_override(p, gid, sid);
	char what[160], s[32], tb[32], ub[32], by[130], note[260], head[64], *hist = NULL;
	char *q = NULL, *entry = NULL;
	long i;
	int ret = -1, def = 0;

	*out = NULL;
	*outlen = 0;
	sidstr(s, sizeof(s), gid, sid);
	if (ed->op != NFIPS_EDIT_MODE && ed->op != NFIPS_EDIT_REVOKE) {
		def = nfips_policy_sid_defined(p, gid, sid);
		if (!def) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0,
				       "sid %s: no rule file of the policy defines it", s);
			return -1;
		}
	}
	if (!ed->by || !ed->by[0]) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0, "who makes the edit? (--by)");
		return -1;
	}
	e.t = strndup(text, len);
	if (!e.t)
		return -1;
	e.len = strlen(e.t);
	if (e.len != len) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0, "NUL byte: not a text file");
		goto out;
	}
	if (reparse(&e))
		goto out;
	entry_head(head, sizeof(head), gid, sid);
	switch (ed->op) {
	case NFIPS_EDIT_DISABLE:
		snprintf(what, sizeof(what), "disable %s", s);
		if (ov && ov->disable) {
			ret = 0;
			goto out;
		}
		if (find_entry(&e, p, "overrides", gid, sid, &i))
			goto out;
		if (i >= 0) {
			if (remove_key(&e, "overrides", (size_t)i, "enable") ||
			    set_key(&e, "overrides", (size_t)i, "disable", "true"))
				goto out;
		} else {
			if (asprintf(&entry, "%s disable = true; }", head) < 0 ||
			    append_entry(&e, "overrides", entry))
				goto out;
		}
		break;
	case NFIPS_EDIT_ENABLE: {
		bool need = !uncommented(p, gid, sid);

		snprintf(what, sizeof(what), "enable %s", s);
		if (need && ppolicy_sid_broken(p, gid, sid)) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0,
				       "sid %s: its commented-out line is not a valid rule", s);
			goto out;
		}
		if (find_entry(&e, p, "overrides", gid, sid, &i))
			goto out;
		if (i < 0 || !ov) {
			if (!need) {
				ret = 0;
				goto out;
			}
			if (asprintf(&entry, "%s enable = true; }", head) < 0 ||
			    append_entry(&e, "overrides", entry))
				goto out;
			break;
		}
		if (!ov->disable && (ov->enable || !need)) {
			ret = 0;
			goto out;
		}
		if (remove_key(&e, "overrides", (size_t)i, "disable") ||
		    (need && set_key(&e, "overrides", (size_t)i, "enable", "true")))
			goto out;
		if (!has_settings(&e, "overrides", (size_t)i) &&
		    remove_entry(&e, "overrides", (size_t)i))
			goto out;
		break;
	}
	case NFIPS_EDIT_APPROVE: {
		char *qt = NULL;

		if (ed->has_until && ed->until <= now) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0,
				       "approval of sid %s: until %s is not in the future", s,
				       nfips_time_format(ed->until, ub, sizeof(ub)));
			goto out;
		}
		q = quote(ed->by);
		if (ed->ticket && !(qt = quote(ed->ticket))) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0, "bad ticket");
			goto out;
		}
		if (!q) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0, "bad --by name");
			free(qt);
			goto out;
		}
		nfips_time_format(now, tb, sizeof(tb));
		if (ed->has_until) {
			time_t chk;

			/* As the user wrote it (2027-03-31 reads better), if it says the same. */
			if (ed->until_text && strlen(ed->until_text) < sizeof(ub) &&
			    !strchr(ed->until_text, '"') && !strchr(ed->until_text, '\\') &&
			    !nfips_time_parse(ed->until_text, true, &chk) && chk == ed->until)
				snprintf(ub, sizeof(ub), "%s", ed->until_text);
			else
				nfips_time_format(ed->until, ub, sizeof(ub));
		}
		if (asprintf(&entry, "%s approved_by = %s; when = \"%s\";%s%s%s%s%s%s }",
			     head, q, tb, ed->has_until ? " until = \"" : "",
			     ed->has_until ? ub : "", ed->has_until ? "\";" : "",
			     qt ? " ticket = " : "", qt ? qt : "", qt ? ";" : "") < 0) {
			free(qt);
			goto out;
		}
		snprintf(what, sizeof(what), "approve %s%s%s", s,
			 ed->has_until ? " until " : "", ed->has_until ? ub : "");
		if (find_entry(&e, p, "approvals", gid, sid, &i)) {
			free(qt);
			goto out;
		}
		if (i >= 0) {
			/*
			 * The sid's approval: its settings replaced, added or
			 * removed one by one, so that comments inside it stay.
			 */
			char when[40], until[40] = "";
			int bad;

			snprintf(when, sizeof(when), "\"%s\"", tb);
			if (ed->has_until)
				snprintf(until, sizeof(until), "\"%s\"", ub);
			bad = set_key(&e, "approvals", (size_t)i, "approved_by", q) ||
			      set_key(&e, "approvals", (size_t)i, "when", when) ||
			      (ed->has_until ? set_key(&e, "approvals", (size_t)i, "until", until) :
					       remove_key(&e, "approvals", (size_t)i, "until")) ||
			      (qt ? set_key(&e, "approvals", (size_t)i, "ticket", qt) :
				    remove_key(&e, "approvals", (size_t)i, "ticket"));
			free(qt);
			if (bad)
				goto out;
		} else {
			free(qt);
			if (append_entry(&e, "approvals", entry))
				goto out;
		}
		break;
	}
	case NFIPS_EDIT_REVOKE:
		snprintf(what, sizeof(what), "revoke %s", s);
		if (find_entry(&e, p, "approvals", gid, sid, &i))
			goto out;
		if (i < 0) {
			nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0,
				       "sid %s has no Block approval to revoke", s);
			goto out;
		}
		if (remove_entry(&e, "approvals", (size_t)i))
			goto out;
		break;
	case NFIPS_EDIT_GRADE: {
		enum nfips_grade cur = ov ? ov->grade : NFIPS_GRADE_UNSET;
		char gq[16];

		snprintf(what, sizeof(what), "grade %s %s", s, ed->grade == NFIPS_GRADE_UNSET ?
			 "default" : nfips_grade_name(ed->grade));
		if (cur == ed->grade) {
			ret = 0;
			goto out;
		}
		if (find_entry(&e, p, "overrides", gid, sid, &i))
			goto out;
		snprintf(gq, sizeof(gq), "\"%s\"", nfips_grade_name(ed->grade));
		if (i >= 0 && ed->grade == NFIPS_GRADE_UNSET) {
			/* back to default grading: the key goes, and an entry left empty */
			if (remove_key(&e, "overrides", (size_t)i, "grade") ||
			    (!has_settings(&e, "overrides", (size_t)i) &&
			     remove_entry(&e, "overrides", (size_t)i)))
				goto out;
		} else if (i >= 0) {
			if (set_key(&e, "overrides", (size_t)i, "grade", gq))
				goto out;
		} else if (asprintf(&entry, "%s grade = %s; }", head, gq) < 0 ||
			   append_entry(&e, "overrides", entry)) {
			goto out;
		}
		break;
	}
	case NFIPS_EDIT_SUPPRESS: {
		char *list = NULL;

		snprintf(what, sizeof(what), "suppress %s by_dst %.100s", s, ed->dst ? ed->dst : "");
		if (ppolicy_dst_list(ed->dst, &list, p->path, d))
			goto out;
		if (ppolicy_dsts_suppressed(p, NULL, gid, sid, ed->dst)) {
			free(list);
			ret = 0;
			goto out;
		}
		ret = asprintf(&entry, "%s track = \"by_dst\"; ip = %s; }", head, list);
		free(list);
		if (ret < 0 || append_entry(&e, "suppressions", entry)) {
			ret = -1;
			goto out;
		}
		ret = -1;
		break;
	}
	case NFIPS_EDIT_MODE:
		snprintf(what, sizeof(what), "mode %s", nfips_policy_mode_name(ed->mode));
		if (p->mode == ed->mode) {
			ret = 0;
			goto out;
		}
		if (set_top(&e, "mode", ed->mode == NFIPS_POLICY_ENFORCE ?
			    "\"enforce\"" : "\"learn\""))
			goto out;
		break;
	default:
		goto out;
	}
	if (p->serial >= INT64_MAX - 1) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, p->path, 0, "serial cannot grow any more");
		goto out;
	}
	/* libconfig 1.5 needs the L suffix beyond 32 bits */
	snprintf(tb, sizeof(tb), "%lld%s", (long long)p->serial + 1,
		 p->serial + 1 > INT32_MAX ? "L" : "");
	if (set_top(&e, "serial", tb))
		goto out;
	flatten(by, sizeof(by), ed->by);
	flatten(note, sizeof(note), ed->comment);
	if (asprintf(&hist, "# %s serial %lld by %s: %s%s%s",
		     nfips_time_format(now, ub, sizeof(ub)), (long long)p->serial + 1, by,
		     what, note[0] ? ": " : "", note) < 0 ||
	    append_history(&e, hist))
		goto out;
	*out = e.t;
	*outlen = e.len;
	e.t = NULL;
	ret = 1;
out:
	if (e.parsed)
		pnode_free(&e.root);
	free(e.t);
	free(q);
	free(entry);
	free(hist);
	return ret;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_override(const struct nfips_override *a, const struct nfips_override *b)
{
	return a->gid == b->gid && a->sid == b->sid && a->disable == b->disable &&
	       a->enable == b->enable && a->set_action == b->set_action &&
	       (!a->set_action || a->action == b->action) && a->grade == b->grade;
}

static bool same_approval(const struct nfips_approval *a, const struct nfips_approval *b)
{
	return a->gid == b->gid && a->sid == b->sid && a->when == b->when &&
	       a->has_until == b->has_until && (!a->has_until || a->until == b->until) &&
	       same_str(a->approved_by, b->approved_by) && same_str(a->ticket, b->ticket);
}

/*
 * Every override of @x other than (gid, sid) (all of them when @all) is in
 * @y unchanged.
 */
static bool overrides_kept(const struct nfips_policy *x, const struct nfips_policy *y,
			   uint32_t gid, uint32_t sid, bool all)
{
	size_t i, k;

	for (i = 0; i < x->noverrides; i++) {
		const struct nfips_override *o = &x->overrides[i];

		if (!all && o->gid == gid && o->sid == sid)
			continue;
		for (k = 0; k < y->noverrides; k++)
			if (same_override(o, &y->overrides[k]))
				break;
		if (k == y->noverrides)
			return false;
	}
	return true;
}

static bool approvals_kept(const struct nfips_policy *x, const struct nfips_policy *y,
			   uint32_t gid, uint32_t sid, bool all)
{
	size_t i, k;

	for (i = 0; i < x->napprovals; i++) {
		const struct nfips_approval *a = &x->approvals[i];

		if (!all && a->gid == gid && a->sid == sid)
			continue;
		for (k = 0; k < y->napprovals; k++)
			if (same_approval(a, &y->approvals[k]))
				break;
		if (k == y->napprovals)
			return false;
	}
	return true;
}

bool nfips_policy_edit_done(const struct nfips_policy *p, const struct nfips_policy *q,
			    const struct nfips_edit *e)
{
	uint32_t gid = e->gid ? e->gid : 1;
	const struct nfips_override *o = nfips_policy_override(q, gid, e->sid);
	const struct nfips_override *po = nfips_policy_override(p, gid, e->sid);
	bool ov_edit = e->op == NFIPS_EDIT_DISABLE || e->op == NFIPS_EDIT_ENABLE ||
		       e->op == NFIPS_EDIT_GRADE;
	bool ap_edit = e->op == NFIPS_EDIT_APPROVE || e->op == NFIPS_EDIT_REVOKE;
	const struct nfips_approval *a;
	size_t i;

	/* The serial bumped; nothing but the sid's entry (or the mode) changed. */
	if (q->serial != p->serial + 1 ||
	    (e->op != NFIPS_EDIT_MODE && q->mode != p->mode) ||
	    !overrides_kept(p, q, gid, e->sid, !ov_edit) ||
	    !overrides_kept(q, p, gid, e->sid, !ov_edit) ||
	    !approvals_kept(p, q, gid, e->sid, !ap_edit) ||
	    !approvals_kept(q, p, gid, e->sid, !ap_edit) ||
	    q->nthresholds != p->nthresholds ||
	    q->nsuppressions != p->nsuppressions + (e->op == NFIPS_EDIT_SUPPRESS) ||
	    q->ncontacts != p->ncontacts || q->nassets != p->nassets ||
	    q->nrule_files != p->nrule_files)
		return false;
	/* The sid's override keeps its action and grade (a grade edit: the rest). */
	if (ov_edit && po && o && (po->set_action != o->set_action ||
				   (po->set_action && po->action != o->action) ||
				   (e->op != NFIPS_EDIT_GRADE && po->grade != o->grade)))
		return false;
	switch (e->op) {
	case NFIPS_EDIT_SUPPRESS: {
		/* the new entry is the last, by_dst, and suppresses every address */
		const struct nfips_suppression *u = &q->suppressions[q->nsuppressions - 1];

		return u->gid == gid && u->sid == e->sid && u->track == NFIPS_SUPP_BY_DST &&
		       ppolicy_dsts_suppressed(q, u, gid, e->sid, e->dst);
	}
	case NFIPS_EDIT_GRADE:
		return (o ? o->grade : NFIPS_GRADE_UNSET) == e->grade &&
		       (po ? po->disable : false) == (o ? o->disable : false) &&
		       (po ? po->enable : false) == (o ? o->enable : false) &&
		       (po && po->set_action) == (o && o->set_action);
	case NFIPS_EDIT_DISABLE:
		return o && o->disable;
	case NFIPS_EDIT_ENABLE:
		return !(o && o->disable) &&
		       (!q->priv || nfips_policy_sid_defined(q, gid, e->sid) == 1);
	case NFIPS_EDIT_APPROVE:
		a = nfips_policy_approved(q, gid, e->sid, e->now ? e->now : time(NULL));
		return a && same_str(a->approved_by, e->by) && same_str(a->ticket, e->ticket) &&
		       a->has_until == e->has_until && (!a->has_until || a->until == e->until) &&
		       (!e->now || a->when == e->now);
	case NFIPS_EDIT_REVOKE:
		for (i = 0; i < q->napprovals; i++)
			if (q->approvals[i].gid == gid && q->approvals[i].sid == e->sid)
				return false;
		return true;
	case NFIPS_EDIT_MODE:
		return q->mode == e->mode;
	}
	return false;
}

/* ---- atomic rewrite --------------------------------------------------- */

struct nfips_policy_txn {
	char *path;		/* the real path (symlinks resolved) */
	char *dir, *base;
	int dirfd;
	char *text;
	size_t len;
	struct stat st;
	char *tmp;		/* staged temporary file, NULL none */
	bool committed;
	char warning[256];	/* from stage: owner or group not kept */
};

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

int nfips_policy_txn_begin(const char *path, struct nfips_policy_txn **out,
			   char *err, size_t errlen)
{
	struct nfips_policy_txn *t = calloc(1, sizeof(*t));
	char *slash;
	ssize_t n;
	int fd = -1;

	*out = NULL;
	if (!t)
		return fail(err, errlen, "out of memory");
	t->dirfd = -1;
	t->path = realpath(path, NULL);
	if (!t->path) {
		fail(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	slash = strrchr(t->path, '/');
	t->dir = strndup(t->path, slash == t->path ? 1 : (size_t)(slash - t->path));
	t->base = strdup(slash + 1);
	if (!t->dir || !t->base) {
		fail(err, errlen, "out of memory");
		goto bad;
	}
	t->dirfd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->dirfd < 0) {
		fail(err, errlen, "%s: %s", t->dir, strerror(errno));
		goto bad;
	}
	/* One editor at a time: a lock on the directory (the file is replaced). */
	if (flock(t->dirfd, LOCK_EX)) {
		fail(err, errlen, "%s: lock: %s", t->dir, strerror(errno));
		goto bad;
	}
	fd = openat(t->dirfd, t->base, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &t->st)) {
		fail(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	if (!S_ISREG(t->st.st_mode) || t->st.st_size > NFIPS_POLICY_MAX_SIZE) {
		fail(err, errlen, "%s: not a regular file of at most %u bytes", path,
		     NFIPS_POLICY_MAX_SIZE);
		goto bad;
	}
	t->text = malloc((size_t)t->st.st_size + 1);
	if (!t->text) {
		fail(err, errlen, "out of memory");
		goto bad;
	}
	while (t->len < (size_t)t->st.st_size &&
	       (n = read(fd, t->text + t->len, (size_t)t->st.st_size - t->len)) > 0)
		t->len += (size_t)n;
	t->text[t->len] = 0;
	close(fd);
	*out = t;
	return 0;
bad:
	if (fd >= 0)
		close(fd);
	nfips_policy_txn_end(t);
	return -1;
}

const char *nfips_policy_txn_text(const struct nfips_policy_txn *t, size_t *len)
{
	*len = t->len;
	return t->text;
}

int nfips_policy_txn_stage(struct nfips_policy_txn *t, const char *text,
			   size_t len, char *err, size_t errlen)
{
	size_t off = 0;
	int fd;

	if (t->tmp)
		return fail(err, errlen, "already staged");
	if (asprintf(&t->tmp, "%s/.%s.XXXXXX", t->dir, t->base) < 0) {
		t->tmp = NULL;
		return fail(err, errlen, "out of memory");
	}
	fd = mkostemp(t->tmp, O_CLOEXEC);
	if (fd < 0) {
		fail(err, errlen, "%s: cannot create a temporary file: %s", t->dir,
		     strerror(errno));
		free(t->tmp);
		t->tmp = NULL;
		return -1;
	}
	/*
	 * The owner, group and mode of the original: the owner only as root;
	 * the group also when the editor belongs to it; the mode last (a
	 * chown clears the set-id bits).
	 */
	t->warning[0] = 0;
	if (fchown(fd, t->st.st_uid, t->st.st_gid)) {
		if (errno != EPERM)
			goto bad;
		if (fchown(fd, (uid_t)-1, t->st.st_gid) && errno != EPERM)
			goto bad;
	}
	if (fchmod(fd, t->st.st_mode & 07777))
		goto bad;
	{
		struct stat st;

		if (fstat(fd, &st))
			goto bad;
		if (st.st_uid != t->st.st_uid || st.st_gid != t->st.st_gid)
			snprintf(t->warning, sizeof(t->warning),
				 "%s: %s%s%s not kept (was uid %u gid %u, now uid %u gid %u): "
				 "not root%s", t->path,
				 st.st_uid != t->st.st_uid ? "owner" : "",
				 st.st_uid != t->st.st_uid && st.st_gid != t->st.st_gid ?
				 " and " : "", st.st_gid != t->st.st_gid ? "group" : "",
				 (unsigned)t->st.st_uid, (unsigned)t->st.st_gid,
				 (unsigned)st.st_uid, (unsigned)st.st_gid,
				 st.st_gid != t->st.st_gid ?
				 " and not a member of the file's group" : "");
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto bad;
		off += (size_t)n;
	}
	if (fsync(fd))
		goto bad;
	if (close(fd)) {
		fd = -1;
		goto bad;
	}
	return 0;
bad:
	fail(err, errlen, "%s: %s", t->tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(t->tmp);
	free(t->tmp);
	t->tmp = NULL;
	return -1;
}

const char *nfips_policy_txn_warning(const struct nfips_policy_txn *t)
{
	return t->warning[0] ? t->warning : NULL;
}

int nfips_policy_txn_commit(struct nfips_policy_txn *t, unsigned keep,
			    char *err, size_t errlen)
{
	char from[NAME_MAX + 16], to[NAME_MAX + 16];
	unsigned k;

	if (!t->tmp)
		return fail(err, errlen, "nothing staged");
	if (keep > NFIPS_POLICY_KEEP_MAX)
		keep = NFIPS_POLICY_KEEP_MAX;
	if (keep) {
		/* FILE.keep is overwritten by FILE.keep-1 ... FILE.1 by FILE */
		for (k = keep; k > 1; k--) {
			snprintf(from, sizeof(from), "%s.%u", t->base, k - 1);
			snprintf(to, sizeof(to), "%s.%u", t->base, k);
			if (renameat(t->dirfd, from, t->dirfd, to) && errno != ENOENT)
				return fail(err, errlen, "%s/%s: %s", t->dir, to, strerror(errno));
		}
		snprintf(to, sizeof(to), "%s.1", t->base);
		if (unlinkat(t->dirfd, to, 0) && errno != ENOENT)
			return fail(err, errlen, "%s/%s: %s", t->dir, to, strerror(errno));
		if (linkat(t->dirfd, t->base, t->dirfd, to, 0))
			return fail(err, errlen, "%s/%s: %s", t->dir, to, strerror(errno));
	}
	if (rename(t->tmp, t->path))
		return fail(err, errlen, "%s: %s", t->path, strerror(errno));
	free(t->tmp);
	t->tmp = NULL;
	t->committed = true;
	if (fsync(t->dirfd))
		return fail(err, errlen, "%s: fsync: %s", t->dir, strerror(errno));
	return 0;
}

void nfips_policy_txn_end(struct nfips_policy_txn *t)
{
	if (!t)
		return;
	if (t->tmp)
		unlink(t->tmp);
	if (t->dirfd >= 0)
		close(t->dirfd);	/* releases the lock */
	free(t->tmp);
	free(t->path);
	free(t->dir);
	free(t->base);
	free(t->text);
	free(t);
}
