// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files and the rule header: splits a file into logical rule lines
 * (comments, blank lines, backslash continuations), then each rule into
 * its header fields and its options, which rule_opts.c interprets.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

static const struct {
	const char *name;
	enum nfips_proto proto;
} protos[] = {
	{ "ip", NFIPS_PROTO_IP },
	{ "tcp", NFIPS_PROTO_TCP },
	{ "udp", NFIPS_PROTO_UDP },
	{ "icmp", NFIPS_PROTO_ICMP },
	{ "tcp-pkt", NFIPS_PROTO_TCP_PKT },
	{ "tcp-stream", NFIPS_PROTO_TCP_STREAM },
};

static int parse_action(struct pstate *ps, const char *tok, size_t off)
{
	static const char *const names[] = { "alert", "drop", "reject", "pass" };
	unsigned i;

	for (i = 0; i < 4; i++) {
		if (!strcmp(tok, names[i])) {
			ps->r->action = (enum nfips_action)i;
			return 0;
		}
	}
	/* Valid in Suricata, but the RST goes elsewhere than "reject" sends it. */
	if (!strcmp(tok, "rejectsrc") || !strcmp(tok, "rejectdst") ||
	    !strcmp(tok, "rejectboth")) {
		ps->r->action = NFIPS_ACTION_REJECT;
		return pskip(ps, off, "action %s", tok);
	}
	return perr(ps, off, "unknown action '%s'", tok);
}

static int parse_proto(struct pstate *ps, const char *tok, size_t off)
{
	size_t i;

	ps->r->proto_name = strdup(tok);
	if (!ps->r->proto_name)
		return perr(ps, off, "out of memory");
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (!strcasecmp(tok, protos[i].name)) {
			ps->r->proto = protos[i].proto;
			return 0;
		}
	}
	/* HTTP/1 by content detection on TCP (rule_buf.c, applayer/). */
	if (!strcasecmp(tok, "http") || !strcasecmp(tok, "http1")) {
		ps->r->proto = NFIPS_PROTO_TCP;
		ps->r->alproto = ps->hdr_alproto = NFIPS_ALPROTO_HTTP;
		return 0;
	}
	/* TLS by content detection on TCP. */
	if (!strcasecmp(tok, "tls")) {
		ps->r->proto = NFIPS_PROTO_TCP;
		ps->r->alproto = ps->hdr_alproto = NFIPS_ALPROTO_TLS;
		return 0;
	}
	/* SSH by its banner on TCP (applayer/ssh.c). */
	if (!strcasecmp(tok, "ssh")) {
		ps->r->proto = NFIPS_PROTO_TCP;
		ps->r->alproto = ps->hdr_alproto = NFIPS_ALPROTO_SSH;
		return 0;
	}
	/* FTP's command channel and SMTP by their commands (applayer/cmdproto.c). */
	if (!strcasecmp(tok, "ftp") || !strcasecmp(tok, "smtp")) {
		ps->r->proto = NFIPS_PROTO_TCP;
		ps->r->alproto = ps->hdr_alproto = tolower((unsigned char)tok[0]) == 'f' ?
			NFIPS_ALPROTO_FTP : NFIPS_ALPROTO_SMTP;
		return 0;
	}
	/* DNS by detection on UDP and TCP (rule_dns.c, applayer/dns*.c). */
	if (!strcasecmp(tok, "dns")) {
		ps->r->proto = NFIPS_PROTO_IP;
		ps->r->alproto = ps->hdr_alproto = NFIPS_ALPROTO_DNS;
		return 0;
	}
	ps->r->proto = NFIPS_PROTO_OTHER;
	if (!strcasecmp(tok, "ssl"))
		return perr(ps, off, "protocol ssl cannot be used in a rule (Suricata 7 calls it tls)");
	/*
	 * App-layer protocols restrict a rule to flows Suricata's protocol
	 * detection labelled; the engine has no such detection, so matching
	 * the raw bytes instead would be an approximation.
	 */
	if (kw_app_proto(tok))
		return pskip(ps, off, "protocol %s", tok);
	return perr(ps, off, "unknown protocol '%s'", tok);
}

struct token {
	char *s;
	size_t off;
};

/* Header fields are blank-separated; blanks inside [...] do not split. */
static int tokenize(struct pstate *ps, size_t end, struct token *tok,
		    int max, int *ntok)
{
	size_t i = 0, start;
	int depth, n = 0;

	for (;;) {
		while (i < end && isspace((unsigned char)ps->s[i]))
			i++;
		if (i >= end)
			break;
		if (n == max)
			return perr(ps, i, "unexpected '%.*s' after the rule header",
				    (int)strcspn(ps->s + i, " \t("), ps->s + i);
		start = i;
		depth = 0;
		while (i < end && (depth > 0 || !isspace((unsigned char)ps->s[i]))) {
			depth += ps->s[i] == '[' ? 1 : ps->s[i] == ']' ? -1 : 0;
			i++;
		}
		if (depth > 0)
			return perr(ps, start, "missing ']'");
		tok[n].s = xstrndup(ps->s + start, i - start);
		if (!tok[n].s)
			return perr(ps, start, "out of memory");
		tok[n++].off = start;
	}
	*ntok = n;
	return 0;
}

static int parse_header(struct pstate *ps, size_t end)
{
	static const char *const what[] = {
		"action", "protocol", "source address", "source port",
		"direction", "destination address", "destination port",
	};
	struct token tok[7];
	int n = 0, i, ret = -1;

	memset(tok, 0, sizeof(tok));
	if (tokenize(ps, end, tok, 7, &n))
		goto out;
	if (n < 7) {
		perr(ps, n ? tok[n - 1].off + strlen(tok[n - 1].s) : 0,
		     "rule header ends before the %s", what[n]);
		goto out;
	}
	if (parse_action(ps, tok[0].s, tok[0].off) ||
	    parse_proto(ps, tok[1].s, tok[1].off) ||
	    parse_addrset(ps, tok[2].s, tok[2].off, &ps->r->src) ||
	    parse_portset(ps, tok[3].s, tok[3].off, &ps->r->sport))
		goto out;
	if (!strcmp(tok[4].s, "<>")) {
		ps->r->flags |= NFIPS_R_BIDIR;
	} else if (strcmp(tok[4].s, "->")) {
		perr(ps, tok[4].off, "invalid direction '%s' (expected -> or <>)",
		     tok[4].s);
		goto out;
	}
	if (parse_addrset(ps, tok[5].s, tok[5].off, &ps->r->dst) ||
	    parse_portset(ps, tok[6].s, tok[6].off, &ps->r->dport))
		goto out;
	ret = 0;
out:
	for (i = 0; i < 7; i++)
		free(tok[i].s);
	return ret;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

static int add_option(struct pstate *ps, size_t noff, size_t nlen,
		      const char *val)
{
	struct nfips_option *o;
	struct nfips_rule *r = ps->r;

	o = grow(r->opts, r->nopts, sizeof(*o));
	if (!o)
		return perr(ps, noff, "out of memory");
	r->opts = o;
	o += r->nopts;
	memset(o, 0, sizeof(*o));
	r->nopts++;
	map_pos(ps->map, noff, &o->line, &o->col);
	o->name = xstrndup(ps->s + noff, nlen);
	if (!o->name || (val && !(o->value = strdup(val))))
		return perr(ps, noff, "out of memory");
	return 0;
}

/*
 * "name;" or "name:value;" until ')'. As in Suricata, a value ends at the
 * first ';' not escaped by a backslash, quotes or not: a ';' inside a
 * string must be written "\;".
 */
static int parse_options(struct pstate *ps, size_t i)
{
	const char *s = ps->s;
	size_t noff, nlen, voff, vend;
	char *val;
	int ret;

	for (;;) {
		while (isspace((unsigned char)s[i]))
			i++;
		if (s[i] == ')') {
			for (i++; isspace((unsigned char)s[i]); i++)
				;
			if (s[i])
				return perr(ps, i, "unexpected text after ')'");
			return 0;
		}
		if (!s[i])
			return perr(ps, i, "missing ')' at the end of the rule");
		noff = i;
		while (name_char(s[i]))
			i++;
		nlen = i - noff;
		if (!nlen)
			return perr(ps, i, "expected an option name, found '%c'", s[i]);
		while (s[i] == ' ' || s[i] == '\t')
			i++;
		if (s[i] != ':' && s[i] != ';')
			return perr(ps, i, "expected ':' or ';' after '%.*s'",
				    (int)nlen, s + noff);
		val = NULL;
		voff = i + 1;
		if (s[i] == ':') {
			for (i++; s[i] == ' ' || s[i] == '\t'; i++)
				;
			voff = i;
			for (; s[i] && s[i] != ';'; i++)
				if (s[i] == '\\' && s[i + 1])
					i++;
			if (!s[i])
				return perr(ps, noff, "option '%.*s' is not terminated by ';'",
					    (int)nlen, s + noff);
			for (vend = i; vend > voff && isspace((unsigned char)s[vend - 1]); )
				vend--;
			val = xstrndup(s + voff, vend - voff);
			if (!val)
				return perr(ps, voff, "out of memory");
		}
		i++;	/* the ';' */
		ps->cur_opt = ps->r->nopts;
		ret = add_option(ps, noff, nlen, val);
		if (!ret) {
			char name[64];

			snprintf(name, sizeof(name), "%.*s", (int)nlen, s + noff);
			ret = opt_dispatch(ps, name, noff, val, voff);
		}
		free(val);
		if (ret)
			return -1;
	}
}

static int parse_one(const char *text, size_t len, const struct srcmap *map,
		     const struct nfips_parse_ctx *ctx, struct nfips_rule **out,
		     struct nfips_err *err)
{
	struct pstate ps = {
		.s = text, .len = len, .map = map, .ctx = ctx, .err = err,
		.last_content = -1, .last_payload = -1, .b64_decode = -1,
	};
	const char *paren = memchr(text, '(', len);
	uint32_t col;

	memset(err, 0, sizeof(*err));
	ps.r = calloc(1, sizeof(*ps.r));
	if (!ps.r)
		return perr(&ps, 0, "out of memory");
	ps.r->gid = 1;
	ps.r->fp = -1;
	map_pos(map, 0, &ps.r->line, &col);
	if (!paren) {
		perr(&ps, len, "missing '(' and rule options");
		goto fail;
	}
	if (parse_header(&ps, (size_t)(paren - text)) ||
	    parse_options(&ps, (size_t)(paren - text) + 1) ||
	    rule_buf_finish(&ps))
		goto fail;
	if (!ps.has_sid) {
		perr(&ps, (size_t)(paren - text), "rule has no sid");
		goto fail;
	}
	if (!ps.has_prio) {
		const struct nfips_class *c = NULL;

		if (ps.r->classtype && ctx && ctx->classes)
			c = nfips_classes_find(ctx->classes, ps.r->classtype);
		ps.r->priority = c ? c->priority : 3;
	}
	*out = ps.r;
	return 0;
fail:
	nfips_rule_free(ps.r);
	*out = NULL;
	return -1;
}

int nfips_rule_parse(const char *text, const struct nfips_parse_ctx *ctx,
		     struct nfips_rule **out, struct nfips_err *err)
{
	return parse_one(text, strlen(text), NULL, ctx, out, err);
}

struct joiner {
	char *buf;
	size_t len, cap;
	struct srcseg *seg;
	uint32_t nseg, segcap;
};

static int join_add(struct joiner *j, const char *s, size_t n, uint32_t line,
		    uint32_t col)
{
	if (j->len + n + 1 > j->cap) {
		size_t cap = (j->len + n + 1) * 2;
		char *b = realloc(j->buf, cap);

		if (!b)
			return -1;
		j->buf = b;
		j->cap = cap;
	}
	if (j->nseg == j->segcap) {
		uint32_t cap = j->segcap ? j->segcap * 2 : 8;
		struct srcseg *sg = realloc(j->seg, cap * sizeof(*sg));

		if (!sg)
			return -1;
		j->seg = sg;
		j->segcap = cap;
	}
	j->seg[j->nseg++] = (struct srcseg){ (uint32_t)j->len, line, col };
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
	return 0;
}

static int emit(struct joiner *j, const char *name,
		const struct nfips_parse_ctx *ctx, nfips_rule_fn fn, void *arg)
{
	struct srcmap map = { name, j->seg, j->nseg };
	struct nfips_rule *r;
	struct nfips_err err;
	int ret;

	if (parse_one(j->buf, j->len, &map, ctx, &r, &err))
		ret = fn(arg, NULL, &err);
	else
		ret = fn(arg, r, NULL);
	j->len = 0;
	j->nseg = 0;
	return ret;
}

int nfips_rules_parse_buf(const char *name, const char *buf, size_t len,
			  const struct nfips_parse_ctx *ctx,
			  nfips_rule_fn fn, void *arg)
{
	struct joiner j = { 0 };
	const char *p = buf, *end = buf + len;
	uint32_t line = 0;
	int ret = 0;

	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *s = p, *ls = p;
		bool cont;

		line++;
		p = nl ? nl + 1 : end;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (!j.nseg) {
			while (s < e && isspace((unsigned char)*s))
				s++;
			/* Commented-out rules are comments too. */
			if (s == e || *s == '#')
				continue;
		}
		cont = e > s && e[-1] == '\\';
		if (join_add(&j, s, (size_t)(e - s - cont), line,
			     (uint32_t)(s - ls) + 1)) {
			ret = -ENOMEM;
			break;
		}
		if (!cont)
			ret = emit(&j, name, ctx, fn, arg);
	}
	/* A continuation on the last line still ends the rule. */
	if (!ret && j.nseg)
		ret = emit(&j, name, ctx, fn, arg);
	free(j.buf);
	free(j.seg);
	return ret;
}

int nfips_rules_parse_file(const char *path, const struct nfips_parse_ctx *ctx,
			   nfips_rule_fn fn, void *arg, struct nfips_err *ioerr)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int ret;

	memset(ioerr, 0, sizeof(*ioerr));
	ioerr->file = path;
	if (!f) {
		snprintf(ioerr->msg, sizeof(ioerr->msg), "%s", strerror(errno));
		return -1;
	}
	do {
		if (len + 65536 > cap) {
			char *b = realloc(buf, cap = (len + 65536) * 2);

			if (!b) {
				free(buf);
				fclose(f);
				snprintf(ioerr->msg, sizeof(ioerr->msg), "out of memory");
				return -1;
			}
			buf = b;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		snprintf(ioerr->msg, sizeof(ioerr->msg), "read error");
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	ret = nfips_rules_parse_buf(path, buf ? buf : "", len, ctx, fn, arg);
	free(buf);
	return ret;
}
