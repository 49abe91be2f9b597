// SPDX-License-Identifier: GPL-2.0
/*
 * classification.config reader:
 *	config classification: shortname,short description,priority
 * The description may itself contain commas (the priority is after the
 * last one), as Suricata's parser allows.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rule_int.h"

static int cerr(struct nfips_err *err, const char *name, uint32_t line,
		size_t col, const char *msg)
{
	err->file = name;
	err->line = line;
	err->col = (uint32_t)col + 1;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

static int add_class(struct nfips_classes *cl, const char *name, size_t nlen,
		     const char *desc, size_t dlen, uint32_t prio)
{
	struct nfips_class *c = NULL;
	char *n = xstrndup(name, nlen), *d = xstrndup(desc, dlen);
	size_t i;

	if (!n || !d)
		goto nomem;
	/* A later definition replaces an earlier one. */
	for (i = 0; i < cl->n; i++) {
		if (!strcasecmp(cl->v[i].name, n)) {
			c = &cl->v[i];
			free(c->name);
			free(c->desc);
			break;
		}
	}
	if (!c) {
		c = grow(cl->v, (uint32_t)cl->n, sizeof(*c));
		if (!c)
			goto nomem;
		cl->v = c;
		c += cl->n++;
	}
	c->name = n;
	c->desc = d;
	c->priority = prio;
	return 0;
nomem:
	free(n);
	free(d);
	return -1;
}

static int parse_line(struct nfips_classes *cl, const char *name, uint32_t ln,
		      const char *s, const char *e, struct nfips_err *err)
{
	const char *p = s, *comma, *last, *d, *de;
	char num[16];
	uint32_t prio;
	size_t nlen;

	/* "config" and "classification" may be separated by any blanks. */
	if (strncmp(p, "config", 6) || !isspace((unsigned char)p[6]))
		return cerr(err, name, ln, 0, "expected 'config classification:'");
	p = skip_ws(p + 6);
	if (strncmp(p, "classification", 14))
		return cerr(err, name, ln, (size_t)(p - s),
			    "expected 'config classification:'");
	p = skip_ws(p + 14);
	if (*p != ':')
		return cerr(err, name, ln, (size_t)(p - s), "expected ':'");
	p = skip_ws(p + 1);
	comma = memchr(p, ',', (size_t)(e - p));
	if (!comma)
		return cerr(err, name, ln, (size_t)(p - s),
			    "expected name,description,priority");
	for (nlen = (size_t)(comma - p); nlen && isspace((unsigned char)p[nlen - 1]); )
		nlen--;
	if (!nlen || !isalpha((unsigned char)*p))
		return cerr(err, name, ln, (size_t)(p - s), "invalid classtype name");
	for (size_t i = 0; i < nlen; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '-' && p[i] != '_')
			return cerr(err, name, ln, (size_t)(p - s) + i,
				    "invalid classtype name");
	for (last = e - 1; last > comma && *last != ','; last--)
		;
	if (last == comma)
		return cerr(err, name, ln, (size_t)(comma - s),
			    "expected name,description,priority");
	d = skip_ws(comma + 1);
	for (de = last; de > d && isspace((unsigned char)de[-1]); de--)
		;
	snprintf(num, sizeof(num), "%.*s", (int)(e - skip_ws(last + 1)),
		 skip_ws(last + 1));
	if (parse_u32(num, 255, &prio))
		return cerr(err, name, ln, (size_t)(skip_ws(last + 1) - s),
			    "invalid priority");
	if (add_class(cl, p, nlen, d, (size_t)(de - d), prio))
		return cerr(err, name, ln, 0, "out of memory");
	return 0;
}

int nfips_classes_parse(struct nfips_classes *cl, const char *name,
			const char *buf, size_t len, struct nfips_err *err)
{
	const char *p = buf, *end = buf + len;
	uint32_t ln = 0;

	memset(err, 0, sizeof(*err));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *s = p, *ls = p;
		char line[1024];

		ln++;
		p = nl ? nl + 1 : end;
		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		if ((size_t)(e - s) >= sizeof(line))
			return cerr(err, name, ln, 0, "line too long");
		memcpy(line, s, (size_t)(e - s));
		line[e - s] = 0;
		if (parse_line(cl, name, ln, line, line + (e - s), err)) {
			err->col += (uint32_t)(s - ls);
			return -1;
		}
	}
	return 0;
}

int nfips_classes_load(struct nfips_classes *cl, const char *path,
		       struct nfips_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;
	int ret;

	memset(err, 0, sizeof(*err));
	err->file = path;
	if (!f) {
		snprintf(err->msg, sizeof(err->msg), "%s", strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc((size_t)size + 1))) {
		fclose(f);
		snprintf(err->msg, sizeof(err->msg), "cannot read");
		return -1;
	}
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		fclose(f);
		snprintf(err->msg, sizeof(err->msg), "read error");
		return -1;
	}
	fclose(f);
	ret = nfips_classes_parse(cl, path, buf, (size_t)size, err);
	free(buf);
	return ret;
}

const struct nfips_class *nfips_classes_find(const struct nfips_classes *cl,
					     const char *name)
{
	size_t i;

	for (i = 0; i < cl->n; i++)
		if (!strcasecmp(cl->v[i].name, name))
			return &cl->v[i];
	return NULL;
}

void nfips_classes_free(struct nfips_classes *cl)
{
	size_t i;

	for (i = 0; i < cl->n; i++) {
		free(cl->v[i].name);
		free(cl->v[i].desc);
	}
	free(cl->v);
	memset(cl, 0, sizeof(*cl));
}

/*
 * The shipped table where no file names one: the installed copy, else
 * the one beside the running program (policies/ of the source tree for
 * ctl/nfipsctl/nfipsctl, PREFIX/share/nfips/policies for PREFIX/sbin).
 */
const char *nfips_classes_default(char *buf, size_t len)
{
	static const char *const beside[] = {
		"/../../policies/classification.config",
		"/../share/nfips/policies/classification.config",
	};
	char exe[4096], *slash;
	ssize_t n;
	size_t i;

	if (!access(NFIPS_CLASSIFICATION_DEFAULT, R_OK)) {
		snprintf(buf, len, "%s", NFIPS_CLASSIFICATION_DEFAULT);
		return buf;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	for (i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
		char path[4096 + 64], real[PATH_MAX];

		snprintf(path, sizeof(path), "%s%s", exe, beside[i]);
		if (!access(path, R_OK) && realpath(path, real) &&
		    (size_t)snprintf(buf, len, "%s", real) < len)
			return buf;
	}
	return NULL;
}
