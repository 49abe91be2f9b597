// SPDX-License-Identifier: GPL-2.0
/*
 * Rule options other than the payload ones (rule_content.c): identity,
 * description, flow, flowbits, flowint, dsize, thresholds. Each handler validates
 * its value as Suricata does and stores it in the rule.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

/* Whitespace-trimmed copy of s[0..n). */
static char *trimdup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static void split_free(char **f, size_t *o, int n)
{
	while (n-- > 0)
		free(f[n]);
	free(f);
	free(o);
}

/*
 * Splits @val at @sep into trimmed, malloc'd fields; *offs gets each
 * field's offset in @val for error positions. Returns the count, or -1
 * (out of memory) with nothing left to free.
 */
static int split(const char *val, char sep, char ***out, size_t **offs)
{
	char **f = NULL, **nf;
	size_t *o = NULL, *no;
	const char *p = val, *e;
	int n = 0;

	for (;;) {
		e = strchr(p, sep);
		if (!e)
			e = p + strlen(p);
		if (!(nf = grow(f, (uint32_t)n, sizeof(*f))))
			goto nomem;
		f = nf;
		if (!(no = grow(o, (uint32_t)n, sizeof(*o))))
			goto nomem;
		o = no;
		o[n] = (size_t)(skip_ws(p) - val);
		if (!(f[n] = trimdup(p, (size_t)(e - p))))
			goto nomem;
		n++;
		if (!*e)
			break;
		p = e + 1;
	}
	*out = f;
	*offs = o;
	return n;
nomem:
	split_free(f, o, n);
	*out = NULL;
	*offs = NULL;
	return -1;
}

/* msg: quoted or not; \" \; \: \\ are escapes, as in Suricata. */
static int opt_msg(struct pstate *ps, const char *val, size_t voff)
{
	size_t len = strlen(val), i, x = 0;
	bool quoted = val[0] == '"', closed = false;
	char *m;

	if (ps->has_msg)
		return perr(ps, voff, "duplicate msg");
	ps->has_msg = true;
	m = malloc(len + 1);
	if (!m)
		return perr(ps, voff, "out of memory");
	for (i = quoted; i < len; i++) {
		if (val[i] == '\\' && i + 1 < len) {
			/* Other escapes stay as written ("\d" in msg is "\d"). */
			if (!strchr("\";:\\", val[i + 1]))
				m[x++] = '\\';
			m[x++] = val[++i];
			continue;
		}
		if (quoted && val[i] == '"') {
			if (i != len - 1) {
				free(m);
				return perr(ps, voff + i, "msg: '\"' must be escaped");
			}
			closed = true;
			break;
		}
		m[x++] = val[i];
	}
	m[x] = 0;
	if (quoted && !closed) {
		free(m);
		return perr(ps, voff, "msg: unterminated string");
	}
	ps->r->msg = m;
	return 0;
}

static int opt_u32(struct pstate *ps, const char *val, size_t voff,
		   const char *what, bool *seen, uint32_t min, uint32_t *out)
{
	if (*seen)
		return perr(ps, voff, "duplicate %s", what);
	*seen = true;
	if (parse_u32(val, UINT32_MAX, out) || *out < min)
		return perr(ps, voff, "%s: invalid number '%s'", what, val);
	return 0;
}

static int opt_sid(struct pstate *ps, const char *val, size_t voff)
{
	return opt_u32(ps, val, voff, "sid", &ps->has_sid, 1, &ps->r->sid);
}

static int opt_rev(struct pstate *ps, const char *val, size_t voff)
{
	return opt_u32(ps, val, voff, "rev", &ps->has_rev, 0, &ps->r->rev);
}

static int opt_gid(struct pstate *ps, const char *val, size_t voff)
{
	return opt_u32(ps, val, voff, "gid", &ps->has_gid, 0, &ps->r->gid);
}

static int opt_priority(struct pstate *ps, const char *val, size_t voff)
{
	char buf[16];
	size_t len = strlen(val);

	/* Suricata also accepts the number in quotes. */
	if (len >= 2 && len < sizeof(buf) && val[0] == '"' && val[len - 1] == '"') {
		memcpy(buf, val + 1, len - 2);
		buf[len - 2] = 0;
		val = buf;
	}
	if (opt_u32(ps, val, voff, "priority", &ps->has_prio, 1, &ps->r->priority))
		return -1;
	if (ps->r->priority > 255)
		return perr(ps, voff, "priority: %u is out of range 1..255",
			    ps->r->priority);
	return 0;
}

static int opt_classtype(struct pstate *ps, const char *val, size_t voff)
{
	const char *p;

	if (ps->has_class)
		return perr(ps, voff, "duplicate classtype");
	ps->has_class = true;
	for (p = val; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return perr(ps, voff, "classtype: invalid name '%s'", val);
	if (!*val)
		return perr(ps, voff, "classtype: empty name");
	if (ps->ctx && ps->ctx->classes &&
	    !nfips_classes_find(ps->ctx->classes, val))
		return perr(ps, voff, "unknown classtype '%s'", val);
	ps->r->classtype = strdup(val);
	return ps->r->classtype ? 0 : perr(ps, voff, "out of memory");
}

static int add_kv(struct pstate *ps, size_t off, struct nfips_kv **arr,
		  uint32_t *n, const char *k, size_t klen, const char *v)
{
	struct nfips_kv *a = grow(*arr, *n, sizeof(*a));

	if (!a)
		return perr(ps, off, "out of memory");
	*arr = a;
	a[*n].key = trimdup(k, klen);
	a[*n].value = trimdup(v, strlen(v));
	(*n)++;
	if (!a[*n - 1].key || !a[*n - 1].value)
		return perr(ps, off, "out of memory");
	return 0;
}

/* "key value, key value, ...": every pair is kept, in order. */
static int opt_metadata(struct pstate *ps, const char *val, size_t voff)
{
	char **f;
	size_t *o;
	int n, i, ret = 0;

	n = split(val, ',', &f, &o);
	if (n < 0)
		return perr(ps, voff, "out of memory");
	for (i = 0; i < n && !ret; i++) {
		size_t k = strcspn(f[i], " \t");

		if (!*f[i])	/* "a b, , c d" and trailing commas */
			continue;
		ret = add_kv(ps, voff + o[i], &ps->r->metadata, &ps->r->nmetadata,
			     f[i], k, f[i] + k);
	}
	split_free(f, o, n);
	return ret;
}

static int opt_reference(struct pstate *ps, const char *val, size_t voff)
{
	const char *comma = strchr(val, ',');

	if (!comma || comma == val || !*skip_ws(comma + 1))
		return perr(ps, voff, "reference: expected 'type,id'");
	return add_kv(ps, voff, &ps->r->refs, &ps->r->nrefs, val,
		      (size_t)(comma - val), comma + 1);
}

static const struct {
	const char *name;
	uint32_t flag, conflict;
} flow_opts[] = {
	{ "to_server", NFIPS_FLOW_TO_SERVER, NFIPS_FLOW_TO_CLIENT },
	{ "from_client", NFIPS_FLOW_TO_SERVER, NFIPS_FLOW_TO_CLIENT },
	{ "to_client", NFIPS_FLOW_TO_CLIENT, NFIPS_FLOW_TO_SERVER },
	{ "from_server", NFIPS_FLOW_TO_CLIENT, NFIPS_FLOW_TO_SERVER },
	{ "established", NFIPS_FLOW_ESTABLISHED,
	  NFIPS_FLOW_NOT_ESTABLISHED | NFIPS_FLOW_STATELESS },
	{ "not_established", NFIPS_FLOW_NOT_ESTABLISHED,
	  NFIPS_FLOW_ESTABLISHED | NFIPS_FLOW_STATELESS },
	{ "stateless", NFIPS_FLOW_STATELESS,
	  NFIPS_FLOW_ESTABLISHED | NFIPS_FLOW_NOT_ESTABLISHED },
	{ "only_stream", NFIPS_FLOW_ONLY_STREAM, NFIPS_FLOW_NO_STREAM },
	{ "no_stream", NFIPS_FLOW_NO_STREAM, NFIPS_FLOW_ONLY_STREAM },
};

static int opt_flow(struct pstate *ps, const char *val, size_t voff)
{
	char **f;
	size_t *o;
	int n, i, ret = 0;
	size_t k;

	if (ps->r->flags & NFIPS_R_FLOW)
		return perr(ps, voff, "duplicate flow");
	ps->r->flags |= NFIPS_R_FLOW;
	n = split(val, ',', &f, &o);
	if (n < 0)
		return perr(ps, voff, "out of memory");
	for (i = 0; i < n && !ret; i++) {
		for (k = 0; k < sizeof(flow_opts) / sizeof(flow_opts[0]); k++)
			if (!strcasecmp(f[i], flow_opts[k].name))
				break;
		if (k < sizeof(flow_opts) / sizeof(flow_opts[0])) {
			if (ps->r->flow & flow_opts[k].flag)
				ret = perr(ps, voff + o[i], "flow: '%s' repeats a direction or state",
					   f[i]);
			else if (ps->r->flow & flow_opts[k].conflict)
				ret = perr(ps, voff + o[i], "flow: '%s' contradicts an earlier option",
					   f[i]);
			ps->r->flow |= flow_opts[k].flag;
		} else if (!strcasecmp(f[i], "only_frag") ||
			   !strcasecmp(f[i], "no_frag")) {
			/* Reassembly of IP fragments is not tracked. */
			ret = pskip(ps, voff + o[i], "flow %s", f[i]);
		} else {
			ret = perr(ps, voff + o[i], "flow: unknown option '%s'", f[i]);
		}
	}
	split_free(f, o, n);
	return ret;
}

static const char *const fb_cmds[] = {
	[NFIPS_FB_SET] = "set", [NFIPS_FB_ISSET] = "isset",
	[NFIPS_FB_ISNOTSET] = "isnotset", [NFIPS_FB_UNSET] = "unset",
	[NFIPS_FB_TOGGLE] = "toggle",
};

static int flowbit_names(struct pstate *ps, struct nfips_flowbit *fb,
			 const char *names, size_t off)
{
	char sep = strchr(names, '|') ? '|' : '&';
	char **f;
	size_t *o;
	int n, i;

	if (strchr(names, '|') && strchr(names, '&'))
		return perr(ps, off, "flowbits: cannot mix '|' and '&'");
	if (sep == '|' && fb->cmd != NFIPS_FB_ISSET && fb->cmd != NFIPS_FB_ISNOTSET)
		return perr(ps, off, "flowbits: '|' is only valid with isset and isnotset");
	fb->any = sep == '|';
	n = split(names, sep, &f, &o);
	if (n < 0)
		return perr(ps, off, "out of memory");
	fb->names = f;
	fb->n = (uint32_t)n;
	for (i = 0; i < n; i++) {
		if (!*f[i] || f[i][strcspn(f[i], " \t")]) {
			size_t bad = off + o[i];

			free(o);
			return perr(ps, bad, "flowbits: invalid name '%s'", f[i]);
		}
	}
	free(o);
	return 0;
}

static int opt_flowbits(struct pstate *ps, const char *val, size_t voff)
{
	struct nfips_rule *r = ps->r;
	struct nfips_flowbit *fb;
	const char *comma = strchr(val, ',');
	char *cmd = trimdup(val, comma ? (size_t)(comma - val) : strlen(val));
	unsigned i;
	int ret;

	if (!cmd)
		return perr(ps, voff, "out of memory");
	if (!strcasecmp(cmd, "noalert")) {
		free(cmd);
		if (comma)
			return perr(ps, voff, "flowbits: noalert takes no name");
		r->flags |= NFIPS_R_NOALERT;
		return 0;
	}
	for (i = 0; i < sizeof(fb_cmds) / sizeof(fb_cmds[0]); i++)
		if (!strcasecmp(cmd, fb_cmds[i]))
			break;
	free(cmd);
	if (i == sizeof(fb_cmds) / sizeof(fb_cmds[0]))
		return perr(ps, voff, "flowbits: unknown command '%.*s'",
			    (int)(comma ? (size_t)(comma - val) : strlen(val)), val);
	if (!comma)
		return perr(ps, voff, "flowbits: %s needs a name", fb_cmds[i]);
	fb = grow(r->flowbits, r->nflowbits, sizeof(*fb));
	if (!fb)
		return perr(ps, voff, "out of memory");
	r->flowbits = fb;
	fb += r->nflowbits++;
	memset(fb, 0, sizeof(*fb));
	fb->cmd = (enum nfips_flowbit_cmd)i;
	ret = flowbit_names(ps, fb, comma + 1, voff + (size_t)(comma + 1 - val));
	return ret;
}

/*
 * flowint: NAME, OP[, VALUE|VAR] as detect-flowint.c's regex reads it: a
 * name of a letter and one or more of [A-Za-z0-9_./], the comma before
 * the operand optional, a variable operand a letter and one or more of
 * [A-Za-z0-9_], a number at most ten digits and 2^32-1.
 */
static const struct {
	const char *s;
	enum nfips_flowint_op op;
} fi_ops[] = {	/* longest first: "<" must not take the "<" of "<=" */
	{ "isnotset", NFIPS_FI_NOTSET }, { "notset", NFIPS_FI_NOTSET },
	{ "isset", NFIPS_FI_ISSET }, { "==", NFIPS_FI_EQ }, { "!=", NFIPS_FI_NE },
	{ "<=", NFIPS_FI_LE }, { ">=", NFIPS_FI_GE }, { "<", NFIPS_FI_LT },
	{ ">", NFIPS_FI_GT }, { "+", NFIPS_FI_ADD }, { "-", NFIPS_FI_SUB },
	{ "=", NFIPS_FI_SET },
};

static size_t fi_word(const char *p, const char *more)
{
	size_t n;

	if (!isalpha((unsigned char)*p))
		return 0;
	for (n = 1; p[n] && (isalnum((unsigned char)p[n]) || strchr(more, p[n])); n++)
		;
	return n >= 2 ? n : 0;
}

static int opt_flowint(struct pstate *ps, const char *val, size_t voff)
{
	struct nfips_rule *r = ps->r;
	struct nfips_flowint *fi;
	const char *p = skip_ws(val), *name = p, *arg;
	size_t nl = fi_word(p, "_./"), al = 0, i;
	bool num = false;

	if (!nl)
		return perr(ps, voff + (size_t)(p - val),
			    "flowint: expected a name (a letter, then one or more letters, digits, _ . /)");
	p = skip_ws(p + nl);
	if (*p != ',')
		return perr(ps, voff + (size_t)(p - val), "flowint: expected ',' after the name");
	p = skip_ws(p + 1);
	for (i = 0; i < sizeof(fi_ops) / sizeof(fi_ops[0]); i++)
		if (!strncmp(p, fi_ops[i].s, strlen(fi_ops[i].s)))
			break;
	if (i == sizeof(fi_ops) / sizeof(fi_ops[0]))
		return perr(ps, voff + (size_t)(p - val), "flowint: unknown operator '%s' "
			    "(=, +, -, ==, !=, <, <=, >, >=, isset, notset)", p);
	p = skip_ws(p + strlen(fi_ops[i].s));
	if (*p == ',')
		p = skip_ws(p + 1);
	arg = p;
	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)p[al]))
			al++;
		num = true;
	} else {
		al = fi_word(p, "_");
	}
	if (*skip_ws(p + al) || (num && al > 10))
		return perr(ps, voff + (size_t)(p - val), "flowint: unexpected '%s'", p);
	if (!al && fi_ops[i].op != NFIPS_FI_ISSET && fi_ops[i].op != NFIPS_FI_NOTSET)
		return perr(ps, voff + (size_t)(p - val),
			    "flowint: '%s' needs a number or a flowint name", fi_ops[i].s);
	fi = grow(r->flowints, r->nflowints, sizeof(*fi));
	if (!fi)
		return perr(ps, voff, "out of memory");
	r->flowints = fi;
	fi += r->nflowints++;
	memset(fi, 0, sizeof(*fi));
	fi->op = fi_ops[i].op;
	fi->name = xstrndup(name, nl);
	if (!fi->name)
		return perr(ps, voff, "out of memory");
	/* isset and notset ignore an operand, as Suricata does */
	if (!al || fi->op == NFIPS_FI_ISSET || fi->op == NFIPS_FI_NOTSET)
		return 0;
	if (num) {
		unsigned long long v = strtoull(arg, NULL, 10);

		if (v > UINT32_MAX)
			return perr(ps, voff + (size_t)(arg - val),
				    "flowint: %.*s is more than 4294967295", (int)al, arg);
		fi->value = (uint32_t)v;
		return 0;
	}
	fi->var = xstrndup(arg, al);
	return fi->var ? 0 : perr(ps, voff, "out of memory");
}

/* N, !N, <N, <=N, >N, >=N, N<>M, N-M (the last two exclusive). */
int parse_cmp(struct pstate *ps, const char *val, size_t voff,
		     const char *what, uint32_t max, struct nfips_u32cmp *c)
{
	char buf[64], *p = buf, *sep;
	size_t i, n = 0;

	for (i = 0; val[i] && n < sizeof(buf) - 1; i++)
		if (!isspace((unsigned char)val[i]))
			buf[n++] = val[i];
	buf[n] = 0;
	c->op = NFIPS_CMP_EQ;
	if (*p == '!') {
		c->op = NFIPS_CMP_NE;
		p++;
	} else if (*p == '<' || *p == '>') {
		bool eq = p[1] == '=';

		c->op = *p == '<' ? (eq ? NFIPS_CMP_LE : NFIPS_CMP_LT) :
				    (eq ? NFIPS_CMP_GE : NFIPS_CMP_GT);
		p += 1 + eq;
	} else if ((sep = strstr(p, "<>")) || (sep = strchr(p, '-'))) {
		size_t sl = sep[0] == '<' ? 2 : 1;

		c->op = NFIPS_CMP_RANGE;
		*sep = 0;
		if (parse_u32(p, max, &c->a) || parse_u32(sep + sl, max, &c->b))
			return perr(ps, voff, "%s: invalid range '%s'", what, val);
		if (c->a >= c->b)
			return perr(ps, voff, "%s: range %u<>%u is empty", what,
				    c->a, c->b);
		return 0;
	}
	if (parse_u32(p, max, &c->a))
		return perr(ps, voff, "%s: invalid value '%s'", what, val);
	return 0;
}

static int opt_dsize(struct pstate *ps, const char *val, size_t voff)
{
	if (ps->r->flags & NFIPS_R_DSIZE)
		return perr(ps, voff, "duplicate dsize");
	ps->r->flags |= NFIPS_R_DSIZE;
	return parse_cmp(ps, val, voff, "dsize", 65535, &ps->r->dsize);
}

/* threshold: and detection_filter: "key value" pairs in any order. */
static int thresh(struct pstate *ps, const char *val, size_t voff, bool df)
{
	static const char *const types[] = { "limit", "threshold", "both" };
	static const char *const tracks[] = { "by_src", "by_dst", "by_rule",
					      "by_both" };
	const char *what = df ? "detection_filter" : "threshold";
	struct nfips_threshold *t = &ps->r->threshold;
	unsigned seen = 0, bit, j;
	char **f;
	size_t *o;
	int n, i, ret = 0;

	if (ps->r->flags & NFIPS_R_THRESHOLD)
		return perr(ps, voff, "%s: a rule has at most one threshold or detection_filter",
			    what);
	ps->r->flags |= NFIPS_R_THRESHOLD;
	t->type = NFIPS_THR_DETECTION_FILTER;
	n = split(val, ',', &f, &o);
	if (n < 0)
		return perr(ps, voff, "out of memory");
	for (i = 0; i < n && !ret; i++) {
		char *k = f[i], *v = k + strcspn(k, " \t");
		size_t off = voff + o[i];

		if (*v)
			*v++ = 0;
		v = (char *)skip_ws(v);
		bit = !strcmp(k, "type") ? 1 : !strcmp(k, "track") ? 2 :
		      !strcmp(k, "count") ? 4 : !strcmp(k, "seconds") ? 8 : 0;
		if (!bit || (df && bit == 1))
			ret = perr(ps, off, "%s: unknown field '%s'", what, k);
		else if (seen & bit)
			ret = perr(ps, off, "%s: duplicate '%s'", what, k);
		seen |= bit;
		if (ret)
			break;
		if (bit == 1 || bit == 2) {
			const char *const *l = bit == 1 ? types : tracks;
			unsigned nl = bit == 1 ? 3 : 4;

			for (j = 0; j < nl && strcmp(v, l[j]); j++)
				;
			if (j == nl)
				ret = perr(ps, off, "%s: invalid %s '%s'", what, k, v);
			else if (bit == 1)
				t->type = (enum nfips_thr_type)j;
			else
				t->track = (enum nfips_track)j;
		} else if (parse_u32(v, UINT32_MAX, bit == 4 ? &t->count : &t->seconds)) {
			ret = perr(ps, off, "%s: invalid %s '%s'", what, k, v);
		}
	}
	split_free(f, o, n);
	if (!ret && seen != (df ? 14u : 15u))
		ret = perr(ps, voff, "%s: needs %s track, count and seconds", what,
			   df ? "" : "type,");
	return ret;
}

static int opt_threshold(struct pstate *ps, const char *val, size_t voff)
{
	return thresh(ps, val, voff, false);
}

static int opt_detection_filter(struct pstate *ps, const char *val, size_t voff)
{
	return thresh(ps, val, voff, true);
}

/* tag only adds logging of later packets: it never changes what matches. */
static int opt_tag(struct pstate *ps, const char *val, size_t voff)
{
	size_t t = strcspn(val, ", \t");

	if (!(t == 7 && !strncmp(val, "session", t)) &&
	    !(t == 4 && !strncmp(val, "host", t)))
		return perr(ps, voff, "tag: expected session or host");
	ps->r->flags |= NFIPS_R_TAG;
	free(ps->r->tag);
	ps->r->tag = strdup(val);
	return ps->r->tag ? 0 : perr(ps, voff, "out of memory");
}

static int opt_target(struct pstate *ps, const char *val, size_t voff)
{
	if (!strcmp(val, "src_ip"))
		ps->r->flags |= NFIPS_R_TARGET_SRC;
	else if (!strcmp(val, "dest_ip"))
		ps->r->flags |= NFIPS_R_TARGET_DST;
	else
		return perr(ps, voff, "target: expected src_ip or dest_ip");
	return 0;
}

static int opt_noalert(struct pstate *ps, const char *val, size_t voff)
{
	(void)val;
	(void)voff;
	ps->r->flags |= NFIPS_R_NOALERT;
	return 0;
}

/* pkt_data goes back to the raw payload after a sticky buffer. */
static int opt_pkt_data(struct pstate *ps, const char *val, size_t voff)
{
	(void)val;
	(void)voff;
	ps->sticky = NFIPS_BUF_PAYLOAD;
	ps->other_sticky = false;
	ps->cur_xf = 0;
	return 0;
}

enum { VAL_REQ, VAL_NONE };

static const struct {
	const char *name;
	opt_fn fn;
	int val;
} opts[] = {
	{ "msg", opt_msg, VAL_REQ },
	{ "sid", opt_sid, VAL_REQ },
	{ "rev", opt_rev, VAL_REQ },
	{ "gid", opt_gid, VAL_REQ },
	{ "classtype", opt_classtype, VAL_REQ },
	{ "priority", opt_priority, VAL_REQ },
	{ "metadata", opt_metadata, VAL_REQ },
	{ "reference", opt_reference, VAL_REQ },
	{ "content", opt_content, VAL_REQ },
	{ "pcre", opt_pcre, VAL_REQ },
	{ "isdataat", opt_isdataat, VAL_REQ },
	{ "flow", opt_flow, VAL_REQ },
	{ "flowbits", opt_flowbits, VAL_REQ },
	{ "flowint", opt_flowint, VAL_REQ },
	{ "dsize", opt_dsize, VAL_REQ },
	{ "threshold", opt_threshold, VAL_REQ },
	{ "detection_filter", opt_detection_filter, VAL_REQ },
	{ "tag", opt_tag, VAL_REQ },
	{ "target", opt_target, VAL_REQ },
	{ "noalert", opt_noalert, VAL_NONE },
	{ "pkt_data", opt_pkt_data, VAL_NONE },
};

/* Modifiers of the previous content; rule_content.c checks their values. */
static const struct {
	const char *name;
	int val;
} content_mods[] = {
	{ "nocase", VAL_NONE }, { "rawbytes", VAL_NONE },
	{ "depth", VAL_REQ }, { "offset", VAL_REQ },
	{ "distance", VAL_REQ }, { "within", VAL_REQ },
	{ "startswith", VAL_NONE }, { "endswith", VAL_NONE },
	{ "fast_pattern", -1 },
};

static int check_val(struct pstate *ps, const char *name, size_t noff,
		     const char *val, int want)
{
	if (want == VAL_REQ && !val)
		return perr(ps, noff, "'%s' needs a value", name);
	if (want == VAL_NONE && val)
		return perr(ps, noff, "'%s' takes no value", name);
	return 0;
}

int opt_dispatch(struct pstate *ps, const char *name, size_t noff,
		 const char *val, size_t voff)
{
	const char *kind;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (!strcasecmp(name, opts[i].name)) {
			if (check_val(ps, name, noff, val, opts[i].val))
				return -1;
			if (ps->b64 && opts[i].fn == opt_pkt_data)
				return perr(ps, noff, "the buffer cannot change after base64_data");
			return opts[i].fn(ps, val, voff);
		}
	}
	for (i = 0; i < sizeof(content_mods) / sizeof(content_mods[0]); i++) {
		if (!strcasecmp(name, content_mods[i].name)) {
			if (check_val(ps, name, noff, val, content_mods[i].val))
				return -1;
			return opt_content_mod(ps, content_mods[i].name, noff, val,
					       voff);
		}
	}
	rc = opt_dispatch_pkt(ps, name, noff, val, voff);
	if (rc != 1)
		return rc;
	rc = opt_dispatch_buf(ps, name, noff, val, voff);
	if (rc != 1)
		return rc;
	rc = opt_dispatch_xform(ps, name, noff, val, voff);
	if (rc != 1)
		return rc;
	rc = opt_dispatch_b64(ps, name, noff, val, voff);
	if (rc != 1)
		return rc;
	rc = opt_dispatch_dns(ps, name, noff, val, voff);
	if (rc != 1)
		return rc;
	rc = opt_dispatch_tls(ps, name, noff, val, voff);
	if (rc != 1)
		return rc;
	rc = opt_dispatch_event(ps, name, noff, val, voff);
	if (rc != 1)
		return rc;
	kind = kw_unsupported(name);
	if (!kind)
		return perr(ps, noff, "unknown keyword '%s'", name);
	if (pskip(ps, noff, "%s %s", kind, name))
		return -1;
	if (!strcmp(kind, "buffer")) {
		if (ps->b64)
			return perr(ps, noff, "the buffer cannot change after base64_data");
		ps->other_sticky = true;
	}
	/* Its variables may stand for numbers in later keywords. */
	if (!strcasecmp(name, "byte_math"))
		ps->byte_math = true;
	return 0;
}
