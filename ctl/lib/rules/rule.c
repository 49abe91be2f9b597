// SPDX-License-Identifier: GPL-2.0
/*
 * Rule model support: variables, freeing, membership tests and the small
 * string helpers the parser files share.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule_int.h"

const char *nfips_err_str(const struct nfips_err *err, char *buf, size_t len)
{
	if (err->file && err->line)
		snprintf(buf, len, "%s:%u:%u: %s", err->file, err->line,
			 err->col, err->msg);
	else if (err->file)
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, len, "%u:%u: %s", err->line, err->col, err->msg);
	return buf;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Decimal only, no sign, no surrounding blanks: rule numbers are exact. */
int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return -1;
	}
	if (*s)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int parse_i32(const char *s, int32_t *out)
{
	uint32_t v;
	bool neg = *s == '-';

	if (parse_u32(s + neg, neg ? (uint32_t)INT32_MAX + 1 : INT32_MAX, &v))
		return -1;
	*out = neg ? (int32_t)(0 - (int64_t)v) : (int32_t)v;
	return 0;
}

/* One more element; realloc keeps this cheap for the short arrays here. */
void *grow(void *arr, uint32_t n, size_t size)
{
	return realloc(arr, ((size_t)n + 1) * size);
}

void map_pos(const struct srcmap *map, size_t off, uint32_t *line, uint32_t *col)
{
	uint32_t i = 0;

	if (!map || !map->nseg) {
		*line = 1;
		*col = (uint32_t)off + 1;
		return;
	}
	while (i + 1 < map->nseg && map->seg[i + 1].off <= off)
		i++;
	*line = map->seg[i].line;
	*col = map->seg[i].col + (uint32_t)(off - map->seg[i].off);
}

int perr(struct pstate *ps, size_t off, const char *fmt, ...)
{
	va_list ap;

	ps->err->file = ps->map ? ps->map->file : NULL;
	map_pos(ps->map, off, &ps->err->line, &ps->err->col);
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int pskip(struct pstate *ps, size_t off, const char *fmt, ...)
{
	va_list ap;
	char buf[128];

	if (ps->r->skip)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ps->r->skip = strdup(buf);
	if (!ps->r->skip)
		return perr(ps, off, "out of memory");
	return 0;
}

/* ---- variables ------------------------------------------------------ */

static bool var_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

int nfips_vars_set(struct nfips_vars *vars, const char *name, const char *value)
{
	char *v;
	size_t i;

	if (*name == '$')
		name++;
	if (!var_name_ok(name))
		return -EINVAL;
	v = strdup(value);
	if (!v)
		return -ENOMEM;
	for (i = 0; i < vars->n; i++) {
		if (!strcmp(vars->v[i].name, name)) {
			free(vars->v[i].value);
			vars->v[i].value = v;
			return 0;
		}
	}
	if (vars->n == vars->cap) {
		size_t cap = vars->cap ? vars->cap * 2 : 32;
		struct nfips_var *nv = realloc(vars->v, cap * sizeof(*nv));

		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		vars->v = nv;
		vars->cap = cap;
	}
	vars->v[vars->n].name = strdup(name);
	if (!vars->v[vars->n].name) {
		free(v);
		return -ENOMEM;
	}
	vars->v[vars->n++].value = v;
	return 0;
}

int nfips_vars_set_arg(struct nfips_vars *vars, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;
	int ret;

	if (!eq || eq == arg || !eq[1])
		return -EINVAL;
	name = xstrndup(arg, (size_t)(eq - arg));
	if (!name)
		return -ENOMEM;
	ret = nfips_vars_set(vars, name, eq + 1);
	free(name);
	return ret;
}

/* suricata.yaml's default address-groups and port-groups. */
static const char *const default_vars[][2] = {
	{ "HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]" },
	{ "EXTERNAL_NET", "!$HOME_NET" },
	{ "HTTP_SERVERS", "$HOME_NET" },
	{ "SMTP_SERVERS", "$HOME_NET" },
	{ "SQL_SERVERS", "$HOME_NET" },
	{ "DNS_SERVERS", "$HOME_NET" },
	{ "TELNET_SERVERS", "$HOME_NET" },
	{ "AIM_SERVERS", "$EXTERNAL_NET" },
	{ "DC_SERVERS", "$HOME_NET" },
	{ "DNP3_SERVER", "$HOME_NET" },
	{ "DNP3_CLIENT", "$HOME_NET" },
	{ "MODBUS_CLIENT", "$HOME_NET" },
	{ "MODBUS_SERVER", "$HOME_NET" },
	{ "ENIP_CLIENT", "$HOME_NET" },
	{ "ENIP_SERVER", "$HOME_NET" },
	{ "HTTP_PORTS", "80" },
	{ "SHELLCODE_PORTS", "!80" },
	{ "ORACLE_PORTS", "1521" },
	{ "SSH_PORTS", "22" },
	{ "DNP3_PORTS", "20000" },
	{ "MODBUS_PORTS", "502" },
	{ "FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]" },
	{ "FTP_PORTS", "21" },
	{ "GENEVE_PORTS", "6081" },
	{ "VXLAN_PORTS", "4789" },
	{ "TEREDO_PORTS", "3544" },
};

int nfips_vars_defaults(struct nfips_vars *vars)
{
	size_t i;
	int ret;

	for (i = 0; i < sizeof(default_vars) / sizeof(default_vars[0]); i++) {
		ret = nfips_vars_set(vars, default_vars[i][0], default_vars[i][1]);
		if (ret)
			return ret;
	}
	return 0;
}

const char *nfips_vars_get(const struct nfips_vars *vars, const char *name)
{
	size_t i;

	for (i = 0; vars && i < vars->n; i++)
		if (!strcmp(vars->v[i].name, name))
			return vars->v[i].value;
	return NULL;
}

void nfips_vars_free(struct nfips_vars *vars)
{
	size_t i;

	for (i = 0; i < vars->n; i++) {
		free(vars->v[i].name);
		free(vars->v[i].value);
	}
	free(vars->v);
	memset(vars, 0, sizeof(*vars));
}

/* ---- rule ----------------------------------------------------------- */

static void kv_free(struct nfips_kv *kv, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void nfips_rule_free(struct nfips_rule *r)
{
	uint32_t i, j;

	if (!r)
		return;
	free(r->proto_name);
	addrset_free(&r->src);
	addrset_free(&r->dst);
	portset_free(&r->sport);
	portset_free(&r->dport);
	free(r->msg);
	free(r->classtype);
	kv_free(r->metadata, r->nmetadata);
	kv_free(r->refs, r->nrefs);
	free(r->tag);
	for (i = 0; i < r->nopts; i++) {
		free(r->opts[i].name);
		free(r->opts[i].value);
	}
	free(r->opts);
	for (i = 0; i < r->nmatches; i++)
		match_free(&r->matches[i]);
	free(r->matches);
	for (i = 0; i < r->nflowbits; i++) {
		for (j = 0; j < r->flowbits[i].n; j++)
			free(r->flowbits[i].names[j]);
		free(r->flowbits[i].names);
	}
	free(r->flowbits);
	for (i = 0; i < r->nxbits; i++)
		free(r->xbits[i].name);
	for (i = 0; i < r->nflowints; i++) {
		free(r->flowints[i].name);
		free(r->flowints[i].var);
	}
	free(r->flowints);
	free(r->xbits);
	free(r->pkt);
	free(r->bufchk);
	xforms_free(r);
	free(r->txchk);
	free(r->skip);
	free(r);
}

static bool ranges_have(const struct nfips_range *v, uint32_t n,
			unsigned __int128 x)
{
	uint32_t lo = 0, hi = n;

	/* Sorted and disjoint: binary search for the last range with lo <= x. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (v[mid].lo <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && x <= v[lo - 1].hi;
}

bool nfips_addrset_has4(const struct nfips_addrset *s, uint32_t addr)
{
	uint32_t i;

	if (!s->small4)
		return ranges_have(s->v4, s->n4, addr);
	for (i = 0; i < s->n4; i++)
		if (addr >= s->lo4[i] && addr <= s->hi4[i])
			return true;
	return false;
}

bool nfips_addrset_has6(const struct nfips_addrset *s, const uint8_t addr[16])
{
	unsigned __int128 x = 0;
	int i;

	for (i = 0; i < 16; i++)
		x = x << 8 | addr[i];
	return ranges_have(s->v6, s->n6, x);
}

bool nfips_portset_has(const struct nfips_portset *s, uint16_t port)
{
	uint32_t i;

	if (!s->small)
		return ranges_have(s->v, s->n, port);
	for (i = 0; i < s->n; i++)
		if (port >= s->lo[i] && port <= s->hi[i])
			return true;
	return false;
}

const char *nfips_action_name(enum nfips_action a)
{
	static const char *const names[] = { "alert", "drop", "reject", "pass" };

	return (unsigned)a < 4 ? names[a] : "?";
}

const char *nfips_class_name(enum nfips_rule_class c)
{
	static const char *const names[] = { "skipped", "kernel", "slow" };

	return (unsigned)c < 3 ? names[c] : "?";
}
