// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and validating the customer policy file (libconfig 1.5).
 *
 * Every value is checked for its type and range, every key against the
 * keys its section allows (a typo must never silently weaken a policy),
 * and every problem is reported with file:line, all of them. Before
 * libconfig sees the text, ptext_scan() refuses what libconfig would
 * accept silently wrong. The rule files are read by policy_rules.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_int.h"

/* ---- diagnostics ---------------------------------------------------- */

char *pstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void nfips_diag_add(struct nfips_diags *d, enum nfips_diag_level level,
		    const char *file, uint32_t line, const char *fmt, ...)
{
	struct nfips_diag *g;
	va_list ap;
	char *msg;

	if (level == NFIPS_DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->n >= NFIPS_DIAGS_MAX) {
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;

		g = realloc(d->v, cap * sizeof(*g));
		if (!g) {
			d->dropped++;
			return;
		}
		d->v = g;
		d->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg) {
		d->dropped++;
		return;
	}
	g = &d->v[d->n++];
	g->level = level;
	g->file = pstrdup(file);
	g->line = line;
	g->col = 0;
	g->msg = msg;
}

void nfips_diags_free(struct nfips_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

const char *nfips_diag_str(const struct nfips_diag *g, char *buf, size_t len)
{
	const char *lv = g->level == NFIPS_DIAG_ERROR ? "error" : "warning";
	const char *f = g->file ? g->file : "policy";

	if (g->line && g->col)
		snprintf(buf, len, "%s:%u:%u: %s: %s", f, g->line, g->col, lv, g->msg);
	else if (g->line)
		snprintf(buf, len, "%s:%u: %s: %s", f, g->line, lv, g->msg);
	else
		snprintf(buf, len, "%s: %s: %s", f, lv, g->msg);
	return buf;
}

struct dkey {
	size_t file, line, idx;
};

static int dkey_cmp(const void *a, const void *b)
{
	const struct dkey *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* By file (in order of first appearance), then line; stable. */
void nfips_diags_print(const struct nfips_diags *d, FILE *f)
{
	struct dkey *k = calloc(d->n ? d->n : 1, sizeof(*k));
	char buf[1024];
	size_t i, j;

	for (i = 0; k && i < d->n; i++) {
		for (j = 0; j < i; j++)
			if ((!d->v[j].file && !d->v[i].file) ||
			    (d->v[j].file && d->v[i].file && !strcmp(d->v[j].file, d->v[i].file)))
				break;
		k[i] = (struct dkey){ j < i ? k[j].file : i, d->v[i].line, i };
	}
	if (k)
		qsort(k, d->n, sizeof(*k), dkey_cmp);
	for (i = 0; i < d->n; i++)
		fprintf(f, "%s\n", nfips_diag_str(&d->v[k ? k[i].idx : i], buf, sizeof(buf)));
	free(k);
	if (d->dropped)
		fprintf(f, "... and %zu more\n", d->dropped);
}

/* ---- names ---------------------------------------------------------- */

static const char *const mode_names[] = { "learn", "enforce", NULL };
static const char *const grade_names[] = {
	"", "emergency", "high", "medium", "low", "ignore", NULL };
static const char *const crit_names[] = { "low", "normal", "high", "critical", NULL };
static const char *const lang_names[] = { "en", "ja", NULL };
static const char *const action_names[] = { "alert", "drop", "reject", "pass", NULL };
static const char *const thr_type_names[] = { "limit", "threshold", "both", NULL };
static const char *const track_names[] = {
	"by_src", "by_dst", "by_rule", "by_both", NULL };
static const char *const supp_track_names[] = {
	"", "by_src", "by_dst", "by_either", NULL };
/* Operating systems grading understands (Documentation/policy.rst). */
static const char *const os_names[] = {
	"linux", "windows", "macos", "bsd", "unix", "ios", "android",
	"network-device", "embedded", "other", NULL };

const char *nfips_policy_mode_name(enum nfips_policy_mode m)
{
	return m <= NFIPS_POLICY_ENFORCE ? mode_names[m] : "?";
}

const char *nfips_criticality_name(enum nfips_criticality c)
{
	return c <= NFIPS_CRIT_CRITICAL ? crit_names[c] : "?";
}

const char *nfips_change_kind_name(enum nfips_change_kind k)
{
	static const char *const n[] = {
		"disabled", "enabled", "action", "unapproved", "threshold" };

	return k <= NFIPS_CHG_THRESHOLD ? n[k] : "?";
}

/* ---- time ----------------------------------------------------------- */

static int digits(const char **s, int n, int *out)
{
	int v = 0;

	while (n--) {
		if (**s < '0' || **s > '9')
			return -1;
		v = v * 10 + (*(*s)++ - '0');
	}
	*out = v;
	return 0;
}

int nfips_time_parse(const char *s, bool end_of_day, time_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	bool date_only = true;
	struct tm tm = { 0 }, chk;
	time_t t;

	if (!s || digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d))
		return -1;
	if (*s == 'T' || *s == 't') {
		date_only = false;
		s++;
		if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &sec))
				return -1;
			if (*s == '.') {	/* fractions are ignored */
				s++;
				if (*s < '0' || *s > '9')
					return -1;
				while (*s >= '0' && *s <= '9')
					s++;
			}
		}
		if (*s == 'Z' || *s == 'z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			sign = *s++ == '-' ? -1 : 1;
			if (digits(&s, 2, &oh))
				return -1;
			if (*s == ':')
				s++;
			if (digits(&s, 2, &om))
				return -1;
			if (oh > 23 || om > 59)
				return -1;
		}
	}
	if (*s || y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &chk) || chk.tm_mday != d ||
	    chk.tm_mon != mo - 1)
		return -1;	/* 2026-02-30 */
	if (date_only && end_of_day)
		t += 86400;
	t -= (time_t)sign * (oh * 3600 + om * 60);
	*out = t;
	return 0;
}

const char *nfips_time_format(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
	return buf;
}

/* ---- loader --------------------------------------------------------- */

struct loader {
	struct nfips_policy *p;
	struct nfips_diags *d;
	const char *file;
	size_t errors0;
};

__attribute__((format(printf, 3, 4)))
static void err(struct loader *l, const config_setting_t *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nfips_diag_add(l->d, NFIPS_DIAG_ERROR, l->file,
		       s ? config_setting_source_line(s) : 0, "%s", msg);
}

__attribute__((format(printf, 3, 4)))
static void warn(struct loader *l, uint32_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nfips_diag_add(l->d, NFIPS_DIAG_WARNING, l->file, line, "%s", msg);
}

static const char *sname(const config_setting_t *s)
{
	const char *n = config_setting_name(s);

	return n ? n : "element";
}

/* A readable path of a setting, "overrides[2].action". */
static const char *spath(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *chain[16];
	size_t n = 0, o = 0;

	while (s && config_setting_parent(s) && n < 16) {
		chain[n++] = s;
		s = config_setting_parent(s);
	}
	buf[0] = 0;
	while (n-- && o < len) {
		const config_setting_t *c = chain[n];

		if (config_setting_name(c))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "." : "",
					      config_setting_name(c));
		else
			o += (size_t)snprintf(buf + o, len - o, "[%d]",
					      config_setting_index(c));
	}
	return buf;
}

/* Every member of @g must be one of @keys. */
static void check_keys(struct loader *l, const config_setting_t *g,
		       const char *const *keys)
{
	char where[128], allowed[512];
	int i, n = config_setting_length(g);

	for (i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		const char *const *k;
		size_t o = 0;

		if (!name)
			continue;
		for (k = keys; *k && strcmp(*k, name); k++)
			;
		if (*k)
			continue;
		allowed[0] = 0;
		for (k = keys; *k && o < sizeof(allowed); k++)
			o += (size_t)snprintf(allowed + o, sizeof(allowed) - o, "%s%s",
					      o ? ", " : "", *k);
		if (config_setting_parent(g) && config_setting_parent(config_setting_parent(g)))
			err(l, m, "unknown key '%s' in %s (allowed: %s)", name,
			    spath(g, where, sizeof(where)), allowed);
		else if (config_setting_parent(g))
			err(l, m, "unknown key '%s' in '%s' (allowed: %s)", name,
			    spath(g, where, sizeof(where)), allowed);
		else
			err(l, m, "unknown key '%s' (allowed: %s)", name, allowed);
	}
}

static bool utf8_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		int n;
		unsigned c = *u;

		if (c < 0x20 || c == 0x7f)
			return false;	/* control characters */
		if (c < 0x80) {
			u++;
			continue;
		}
		if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			n = 1;
		else if ((c & 0xf0) == 0xe0)
			n = 2;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			n = 3;
		else
			return false;
		u++;
		while (n--) {
			if ((*u & 0xc0) != 0x80)
				return false;
			u++;
		}
	}
	return true;
}

/* A string member: 0 and *out (borrowed), 1 absent, -1 error (reported). */
static int get_str(struct loader *l, const config_setting_t *g, const char *key,
		   bool required, size_t maxlen, const char **out)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	char where[128];
	const char *v;

	*out = NULL;
	if (!s) {
		if (required)
			err(l, g, "%s: '%s' is missing", spath(g, where, sizeof(where))[0] ?
			    where : "policy", key);
		return required ? -1 : 1;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		err(l, s, "'%s' must be a string", key);
		return -1;
	}
	v = config_setting_get_string(s);
	if (!v[0]) {
		err(l, s, "'%s' is empty", key);
		return -1;
	}
	if (strlen(v) > maxlen) {
		err(l, s, "'%s' is longer than %zu bytes", key, maxlen);
		return -1;
	}
	if (!utf8_ok(v)) {
		err(l, s, "'%s' has control characters or is not UTF-8", key);
		return -1;
	}
	*out = v;
	return 0;
}

static int dup_str(struct loader *l, const config_setting_t *g, const char *key,
		   bool required, size_t maxlen, char **out)
{
	const char *v;
	int ret = get_str(l, g, key, required, maxlen, &v);

	if (!ret && !(*out = strdup(v)))
		return -1;
	return ret;
}

static int get_int(struct loader *l, const config_setting_t *g, const char *key,
		   bool required, long long min, long long max, long long *out)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	char where[128];
	long long v;

	if (!s) {
		if (required)
			err(l, g, "%s: '%s' is missing", spath(g, where, sizeof(where))[0] ?
			    where : "policy", key);
		return required ? -1 : 1;
	}
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		err(l, s, "'%s' must be an integer", key);
		return -1;
	}
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		err(l, s, "'%s' must be between %lld and %lld", key, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int get_bool(struct loader *l, const config_setting_t *g, const char *key,
		    bool *out)
{
	const config_setting_t *s = config_setting_get_member(g, key);

	if (!s)
		return 1;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		err(l, s, "'%s' must be true or false", key);
		return -1;
	}
	*out = config_setting_get_bool(s);
	return 0;
}

/* One of @names (empty strings skipped): its index. */
static int get_enum(struct loader *l, const config_setting_t *g, const char *key,
		    bool required, const char *const *names, int *out)
{
	char allowed[256];
	const char *v;
	size_t o = 0;
	int i, ret = get_str(l, g, key, required, 64, &v);

	if (ret)
		return ret;
	for (i = 0; names[i]; i++)
		if (names[i][0] && !strcmp(names[i], v)) {
			*out = i;
			return 0;
		}
	allowed[0] = 0;
	for (i = 0; names[i] && o < sizeof(allowed); i++)
		if (names[i][0])
			o += (size_t)snprintf(allowed + o, sizeof(allowed) - o, "%s%s",
					      o ? ", " : "", names[i]);
	err(l, config_setting_get_member(g, key), "'%s' must be one of %s, not '%s'",
	    key, allowed, v);
	return -1;
}

/* A section that must be a group (or list, @list): NULL absent or wrong. */
static config_setting_t *section(struct loader *l, const config_setting_t *g,
				 const char *key, int type, bool required)
{
	config_setting_t *s = config_setting_get_member(g, key);
	static const char *const tn[] = {
		[CONFIG_TYPE_GROUP] = "a group { ... }",
		[CONFIG_TYPE_LIST] = "a list ( ... )",
		[CONFIG_TYPE_ARRAY] = "an array [ ... ]",
	};

	if (!s) {
		if (required)
			err(l, g, "'%s' is missing", key);
		return NULL;
	}
	if (config_setting_type(s) != type &&
	    !(type == CONFIG_TYPE_LIST && config_setting_type(s) == CONFIG_TYPE_ARRAY &&
	      !config_setting_length(s))) {
		err(l, s, "'%s' must be %s", key, tn[type]);
		return NULL;
	}
	return s;
}

/* Each element of list @s must be a group: else reported. */
static config_setting_t *elem_group(struct loader *l, config_setting_t *s, int i)
{
	config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

	if (config_setting_type(e) != CONFIG_TYPE_GROUP) {
		err(l, e, "%s: each entry must be a group { ... }", sname(s));
		return NULL;
	}
	return e;
}

static bool id_ok(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return n >= 1 && n <= 64;
}

/* A deliberately plain check: local@domain.tld, no display names. */
static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@'), *p, *label;
	size_t n = strlen(s);

	if (!at || at == s || strchr(at + 1, '@') || n > 254 || at - s > 64)
		return false;
	for (p = s; p < at; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("!#$%&'*+/=?^_`{|}~.-", *p)))
			return false;
		if (*p == '.' && (p == s || p + 1 == at || p[1] == '.'))
			return false;
	}
	label = at + 1;
	for (p = label;; p++) {
		if (*p == '.' || !*p) {
			size_t ln = (size_t)(p - label);

			if (!ln || ln > 63 || label[0] == '-' || p[-1] == '-')
				return false;
			if (!*p)
				break;
			label = p + 1;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	}
	if (label == at + 1)
		return false;	/* a single label */
	for (p = label; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;	/* the top-level domain is letters */
	return strlen(label) >= 2;
}

/*
 * An IANA zone name (Asia/Tokyo, UTC) naming a TZif file of the system's
 * database: reports and mails show the customer's local time, and a
 * misspelt zone would silently become UTC in every libc function.
 */
static bool timezone_ok(const char *tz)
{
	char path[512], magic[4];
	const char *s;
	FILE *f;
	bool ok;

	if (!*tz || *tz == '/' || strstr(tz, ".."))
		return false;
	for (s = tz; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("/_+-", *s)))
			return false;
	if (snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz) >= (int)sizeof(path))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	ok = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
	fclose(f);
	return ok;
}

static void load_identity(struct loader *l, const config_setting_t *root)
{
	static const char *const ckeys[] = { "id", "name", "timezone", NULL };
	static const char *const skeys[] = { "id", "name", NULL };
	struct nfips_policy *p = l->p;
	config_setting_t *s;

	s = section(l, root, "customer", CONFIG_TYPE_GROUP, true);
	if (s) {
		check_keys(l, s, ckeys);
		if (!dup_str(l, s, "id", true, 64, &p->customer_id) && !id_ok(p->customer_id))
			err(l, config_setting_get_member(s, "id"),
			    "customer.id: letters, digits, '.', '_' and '-' only, at most 64");
		dup_str(l, s, "name", true, 256, &p->customer_name);
		if (!config_setting_get_member(s, "timezone"))
			p->timezone = strdup("UTC");
		else if (!dup_str(l, s, "timezone", true, 64, &p->timezone) &&
			 !timezone_ok(p->timezone))
			err(l, config_setting_get_member(s, "timezone"),
			    "customer.timezone: '%s' is not a zone of /usr/share/zoneinfo (e.g. Asia/Tokyo, UTC)",
			    p->timezone);
	}
	s = section(l, root, "sensor", CONFIG_TYPE_GROUP, true);
	if (s) {
		check_keys(l, s, skeys);
		if (!dup_str(l, s, "id", true, 64, &p->sensor_id) && !id_ok(p->sensor_id))
			err(l, config_setting_get_member(s, "id"),
			    "sensor.id: letters, digits, '.', '_' and '-' only, at most 64");
		dup_str(l, s, "name", false, 256, &p->sensor_name);
	}
}

static void load_contacts(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = { "name", "email", "language", NULL };
	struct nfips_policy *p = l->p;
	config_setting_t *s = section(l, root, "contacts", CONFIG_TYPE_LIST, false);
	int i, n;

	if (!s)
		return;
	n = config_setting_length(s);
	if (n > NFIPS_POLICY_MAX_CONTACTS)
		err(l, config_setting_get_elem(s, NFIPS_POLICY_MAX_CONTACTS),
		    "contacts: at most %d emergency contacts, %d given",
		    NFIPS_POLICY_MAX_CONTACTS, n);
	for (i = 0; i < n; i++) {
		config_setting_t *e = elem_group(l, s, i);
		struct nfips_contact c = { 0 };
		int lang = 0;

		if (!e)
			continue;
		check_keys(l, e, keys);
		c.line = config_setting_source_line(e);
		dup_str(l, e, "name", true, 128, &c.name);
		if (!dup_str(l, e, "email", true, 254, &c.email) && !email_ok(c.email))
			err(l, config_setting_get_member(e, "email"),
			    "contacts: '%s' is not an e-mail address", c.email);
		get_enum(l, e, "language", true, lang_names, &lang);
		c.lang = (enum nfips_lang)lang;
		if (p->ncontacts < NFIPS_POLICY_MAX_CONTACTS) {
			p->contacts[p->ncontacts++] = c;
		} else {
			free(c.name);
			free(c.email);
		}
	}
}

static char *resolve(const char *dir, const char *path)
{
	char *out;

	if (path[0] == '/' || !dir)
		return strdup(path);
	if (asprintf(&out, "%s/%s", dir, path) < 0)
		return NULL;
	return out;
}

/* Parses "alert PROTO SRC SPORT -> any any (sid:1;)" to check an expression. */
static int try_rule(struct loader *l, const char *proto, const char *src,
		    const char *sport, struct nfips_rule **out, char *why, size_t len)
{
	struct nfips_parse_ctx ctx = { .vars = &l->p->vars };
	struct nfips_rule *r;
	struct nfips_err e;
	char *text;

	if (asprintf(&text, "alert %s %s %s -> any any (sid:1;)", proto, src, sport) < 0)
		return -1;
	if (nfips_rule_parse(text, &ctx, &r, &e)) {
		snprintf(why, len, "%s", e.msg);
		free(text);
		return -1;
	}
	free(text);
	if (out)
		*out = r;
	else
		nfips_rule_free(r);
	return 0;
}

static bool var_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static void load_vars(struct loader *l, const config_setting_t *rules, bool *ok)
{
	static const char *const keys[] = { "address_groups", "port_groups", NULL };
	static const char *const groups[] = { "address_groups", "port_groups" };
	struct nfips_policy *p = l->p;
	config_setting_t *v = section(l, rules, "variables", CONFIG_TYPE_GROUP, false), *ag;
	size_t errs = l->d->errors;
	bool home = false;
	int gi, i, n;

	if (!v) {
		warn(l, config_setting_source_line(rules),
		     "rules.variables: HOME_NET not set, suricata.yaml's default "
		     "(the RFC 1918 networks) is used");
		/* the defaults are valid: suppressions resolve their addresses */
		*ok = true;
		return;
	}
	check_keys(l, v, keys);
	ag = config_setting_get_member(v, "address_groups");
	for (gi = 0; gi < 2; gi++) {
		config_setting_t *g = section(l, v, groups[gi], CONFIG_TYPE_GROUP, false);

		if (!g)
			continue;
		n = config_setting_length(g);
		for (i = 0; i < n; i++) {
			config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
			const char *name = config_setting_name(m), *val;

			if (config_setting_type(m) != CONFIG_TYPE_STRING) {
				err(l, m, "variable %s must be a string", name);
				continue;
			}
			val = config_setting_get_string(m);
			if (!var_name_ok(name)) {
				err(l, m, "variable name %s: letters, digits and '_' only", name);
				continue;
			}
			if (!val[0] || strlen(val) > 65536 || !utf8_ok(val)) {
				err(l, m, "variable %s: empty, too long or not text", name);
				continue;
			}
			if (gi == 1 && ag && config_setting_type(ag) == CONFIG_TYPE_GROUP &&
			    config_setting_get_member(ag, name)) {
				err(l, m, "variable %s is both an address and a port group", name);
				continue;
			}
			if (!strcmp(name, "HOME_NET"))
				home = true;
			if (nfips_vars_set(&p->vars, name, val))
				err(l, m, "variable %s: cannot set", name);
		}
	}
	if (!home)
		warn(l, config_setting_source_line(v),
		     "rules.variables: HOME_NET not set, suricata.yaml's default "
		     "(the RFC 1918 networks) is used");
	/* Now that all are set (they may refer to each other), check each. */
	for (gi = 0; gi < 2; gi++) {
		config_setting_t *g = config_setting_get_member(v, groups[gi]);

		if (!g || config_setting_type(g) != CONFIG_TYPE_GROUP)
			continue;
		n = config_setting_length(g);
		for (i = 0; i < n; i++) {
			config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
			const char *name = config_setting_name(m);
			char expr[80], why[300];

			if (config_setting_type(m) != CONFIG_TYPE_STRING || !var_name_ok(name) ||
			    (gi == 1 && ag && config_setting_type(ag) == CONFIG_TYPE_GROUP &&
			     config_setting_get_member(ag, name)))
				continue;
			snprintf(expr, sizeof(expr), "$%s", name);
			if (gi == 0 ? try_rule(l, "ip", expr, "any", NULL, why, sizeof(why)) :
			    try_rule(l, "tcp", "any", expr, NULL, why, sizeof(why)))
				err(l, m, "%s %s: %s", gi ? "port group" : "address group",
				    name, why);
		}
	}
	*ok = l->d->errors == errs;
}

static void load_rules_section(struct loader *l, const config_setting_t *root,
			       bool *vars_ok)
{
	static const char *const keys[] = { "files", "classification", "variables", NULL };
	struct nfips_policy *p = l->p;
	config_setting_t *s = section(l, root, "rules", CONFIG_TYPE_GROUP, true), *f;
	const char *c;
	int i, n;

	*vars_ok = false;
	if (!s)
		return;
	check_keys(l, s, keys);
	f = config_setting_get_member(s, "files");
	if (!f) {
		err(l, s, "rules: 'files' is missing");
	} else if (config_setting_type(f) != CONFIG_TYPE_ARRAY &&
		   config_setting_type(f) != CONFIG_TYPE_LIST) {
		err(l, f, "rules.files must be an array of file names [ \"a.rules\", ... ]");
	} else if (!(n = config_setting_length(f))) {
		err(l, f, "rules.files is empty");
	} else {
		p->rule_files = calloc((size_t)n, sizeof(*p->rule_files));
		p->rule_file_lines = calloc((size_t)n, sizeof(*p->rule_file_lines));
		for (i = 0; p->rule_files && p->rule_file_lines && i < n; i++) {
			config_setting_t *e = config_setting_get_elem(f, (unsigned)i);
			const char *v = config_setting_get_string(e);
			size_t k;

			if (config_setting_type(e) != CONFIG_TYPE_STRING || !v[0] ||
			    strlen(v) > PATH_MAX || !utf8_ok(v)) {
				err(l, e, "rules.files: each entry must be a file name");
				continue;
			}
			p->rule_files[p->nrule_files] = resolve(p->dir, v);
			p->rule_file_lines[p->nrule_files] = config_setting_source_line(e);
			for (k = 0; k < p->nrule_files; k++)
				if (p->rule_files[p->nrule_files] &&
				    !strcmp(p->rule_files[k], p->rule_files[p->nrule_files]))
					err(l, e, "rules.files: '%s' listed twice", v);
			p->nrule_files++;
		}
	}
	if (!get_str(l, s, "classification", false, PATH_MAX, &c))
		p->classification = resolve(p->dir, c);
	load_vars(l, s, vars_ok);
}

static void load_stream(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = { "midstream", "depth", "bypass", NULL };
	config_setting_t *s = section(l, root, "stream", CONFIG_TYPE_GROUP, false);
	long long v;

	l->p->stream.midstream = false;
	l->p->stream.depth = 1u << 20;
	if (!s)
		return;
	check_keys(l, s, keys);
	get_bool(l, s, "midstream", &l->p->stream.midstream);
	get_bool(l, s, "bypass", &l->p->stream.bypass);
	if (!get_int(l, s, "depth", false, 0, INT32_MAX, &v)) {
		l->p->stream.depth = (uint32_t)v;
		l->p->stream.depth_set = true;
	}
}

/* incidents = { window = 3600; }: seconds, one minute to a week. */
static void load_incidents(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = { "window", NULL };
	config_setting_t *s = section(l, root, "incidents", CONFIG_TYPE_GROUP, false);
	long long v;

	l->p->incident_window = 3600;
	if (!s)
		return;
	check_keys(l, s, keys);
	if (!get_int(l, s, "window", false, 60, 7 * 86400, &v))
		l->p->incident_window = (uint32_t)v;
}

/*
 * notify = { grade = "high"; every = 30; digest = false; digest_hour = 8;
 * max_per_hour = 20; }: incidents of @grade and above are mailed at once
 * (at most @max_per_hour of them an hour, one summary mail for the rest:
 * a flood from spoofed sources is many incidents), followed up at most
 * every @every minutes while they keep firing; the lower grades go into a
 * daily digest at @digest_hour of the customer's day when @digest is set;
 * @reports ("none", "daily", "monthly", "both") mails nfipsd's daily
 * and/or monthly reports to the contacts as they are written.
 */
static void load_notify(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {
		"grade", "every", "digest", "digest_hour", "max_per_hour", "reports", NULL };
	static const char *const reports[] = { "none", "daily", "monthly", "both", NULL };
	config_setting_t *s = section(l, root, "notify", CONFIG_TYPE_GROUP, false);
	struct nfips_policy_notify *n = &l->p->notify;
	long long v;
	int g;

	n->grade = NFIPS_GRADE_HIGH;
	n->every = 30;
	n->digest = false;
	n->digest_hour = 8;
	n->max_per_hour = 20;
	n->reports = 0;
	if (!s)
		return;
	check_keys(l, s, keys);
	/* ignore is never mailed: it is logged only (DESIGN.md, Grades). */
	if (!get_enum(l, s, "grade", false, grade_names + 1, &g)) {
		if (g + 1 == NFIPS_GRADE_IGNORE)
			err(l, config_setting_get_member(s, "grade"),
			    "notify.grade: 'ignore' is never mailed; emergency, high, medium or low");
		else
			n->grade = (enum nfips_grade)(g + 1);
	}
	if (!get_int(l, s, "every", false, 1, 1440, &v))
		n->every = (uint32_t)v;
	get_bool(l, s, "digest", &n->digest);
	if (!get_int(l, s, "digest_hour", false, 0, 23, &v))
		n->digest_hour = (uint32_t)v;
	if (!get_int(l, s, "max_per_hour", false, 1, 10000, &v))
		n->max_per_hour = (uint32_t)v;
	/* the index is the bit mask: none 0, daily 1, monthly 2, both 3 */
	if (!get_enum(l, s, "reports", false, reports, &g))
		n->reports = (unsigned)g;
}

/* gid (default 1) and sid of an entry; -1 if missing or bad. */
static int get_sid(struct loader *l, const config_setting_t *e, uint32_t *gid,
		   uint32_t *sid)
{
	long long g = 1, s;
	int ret = get_int(l, e, "gid", false, 1, UINT32_MAX, &g);

	if (get_int(l, e, "sid", true, 1, UINT32_MAX, &s) || ret < 0)
		return -1;
	*gid = (uint32_t)g;
	*sid = (uint32_t)s;
	return 0;
}

static void load_overrides(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {
		"sid", "gid", "disable", "enable", "action", "grade", NULL };
	struct nfips_policy *p = l->p;
	config_setting_t *s = section(l, root, "overrides", CONFIG_TYPE_LIST, false);
	int i, n;

	if (!s || !(n = config_setting_length(s)))
		return;
	p->overrides = calloc((size_t)n, sizeof(*p->overrides));
	for (i = 0; p->overrides && i < n; i++) {
		config_setting_t *e = elem_group(l, s, i);
		struct nfips_override o = { 0 };
		int a, g;
		size_t k;

		if (!e)
			continue;
		check_keys(l, e, keys);
		o.line = config_setting_source_line(e);
		if (get_sid(l, e, &o.gid, &o.sid))
			continue;
		get_bool(l, e, "disable", &o.disable);
		get_bool(l, e, "enable", &o.enable);
		if (!get_enum(l, e, "action", false, action_names, &a)) {
			o.set_action = true;
			o.action = (enum nfips_action)a;
		}
		if (!get_enum(l, e, "grade", false, grade_names, &g))
			o.grade = (enum nfips_grade)g;
		if (o.disable && o.enable)
			err(l, e, "override of sid %u: both disable and enable", o.sid);
		if (!config_setting_get_member(e, "disable") &&
		    !config_setting_get_member(e, "enable") &&
		    !config_setting_get_member(e, "action") &&
		    !config_setting_get_member(e, "grade"))
			err(l, e, "override of sid %u changes nothing "
			    "(disable, enable, action or grade)", o.sid);
		for (k = 0; k < p->noverrides; k++)
			if (p->overrides[k].gid == o.gid && p->overrides[k].sid == o.sid) {
				err(l, e, "duplicate override of sid %u (first at line %u)",
				    o.sid, p->overrides[k].line);
				break;
			}
		if (k == p->noverrides)
			p->overrides[p->noverrides++] = o;
	}
}

static void load_approvals(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {
		"sid", "gid", "approved_by", "when", "until", "ticket", NULL };
	struct nfips_policy *p = l->p;
	config_setting_t *s = section(l, root, "approvals", CONFIG_TYPE_LIST, false);
	int i, n;

	if (!s || !(n = config_setting_length(s)))
		return;
	p->approvals = calloc((size_t)n, sizeof(*p->approvals));
	for (i = 0; p->approvals && i < n; i++) {
		config_setting_t *e = elem_group(l, s, i);
		struct nfips_approval a = { 0 };
		const char *when, *until;
		char tb[32];
		bool bad = false;
		size_t k;

		if (!e)
			continue;
		check_keys(l, e, keys);
		a.line = config_setting_source_line(e);
		bad |= get_sid(l, e, &a.gid, &a.sid) != 0;
		bad |= dup_str(l, e, "approved_by", true, 128, &a.approved_by) != 0;
		bad |= dup_str(l, e, "ticket", false, 128, &a.ticket) < 0;
		if (!get_str(l, e, "when", true, 64, &when)) {
			if (nfips_time_parse(when, false, &a.when)) {
				err(l, config_setting_get_member(e, "when"),
				    "approval 'when': '%s' is not an ISO 8601 date "
				    "(2026-12-01 or 2026-12-01T09:30:00Z)", when);
				bad = true;
			}
		} else {
			bad = true;
		}
		switch (get_str(l, e, "until", false, 64, &until)) {
		case 0:
			if (nfips_time_parse(until, true, &a.until)) {
				err(l, config_setting_get_member(e, "until"),
				    "approval 'until': '%s' is not an ISO 8601 date", until);
				bad = true;
			}
			a.has_until = true;
			break;
		case -1:
			bad = true;
		}
		if (!bad && a.has_until && a.until <= a.when) {
			err(l, config_setting_get_member(e, "until"),
			    "approval of sid %u ends before it starts", a.sid);
			bad = true;
		}
		for (k = 0; !bad && k < p->napprovals; k++)
			if (p->approvals[k].gid == a.gid && p->approvals[k].sid == a.sid) {
				err(l, e, "duplicate approval of sid %u (first at line %u)",
				    a.sid, p->approvals[k].line);
				bad = true;
			}
		if (bad) {
			free(a.approved_by);
			free(a.ticket);
			continue;
		}
		if (a.has_until && a.until <= p->now)
			warn(l, a.line, "approval of sid %u expired at %s: not applied",
			     a.sid, nfips_time_format(a.until, tb, sizeof(tb)));
		else if (a.when > p->now)
			warn(l, a.line, "approval of sid %u starts at %s: not applied yet",
			     a.sid, nfips_time_format(a.when, tb, sizeof(tb)));
		p->approvals[p->napprovals++] = a;
	}
}

static void load_thresholds(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {
		"sid", "gid", "type", "track", "count", "seconds", NULL };
	struct nfips_policy *p = l->p;
	config_setting_t *s = section(l, root, "thresholds", CONFIG_TYPE_LIST, false);
	int i, n;

	if (!s || !(n = config_setting_length(s)))
		return;
	p->thresholds = calloc((size_t)n, sizeof(*p->thresholds));
	for (i = 0; p->thresholds && i < n; i++) {
		config_setting_t *e = elem_group(l, s, i);
		struct nfips_policy_threshold t = { 0 };
		long long count = 0, secs = 0;
		int type = 0, track = 0, bad = 0;
		size_t k;

		if (!e)
			continue;
		check_keys(l, e, keys);
		t.line = config_setting_source_line(e);
		bad |= get_sid(l, e, &t.gid, &t.sid);
		bad |= get_enum(l, e, "type", true, thr_type_names, &type);
		bad |= get_enum(l, e, "track", true, track_names, &track);
		bad |= get_int(l, e, "count", true, 1, INT32_MAX, &count);
		bad |= get_int(l, e, "seconds", true, 1, INT32_MAX, &secs);
		if (bad)
			continue;
		/* rule.h's order: limit, threshold, both */
		t.thr.type = (enum nfips_thr_type)type;
		t.thr.track = (enum nfips_track)track;
		t.thr.count = (uint32_t)count;
		t.thr.seconds = (uint32_t)secs;
		for (k = 0; k < p->nthresholds; k++)
			if (p->thresholds[k].gid == t.gid && p->thresholds[k].sid == t.sid) {
				err(l, e, "duplicate threshold for sid %u (first at line %u)",
				    t.sid, p->thresholds[k].line);
				break;
			}
		if (k == p->nthresholds)
			p->thresholds[p->nthresholds++] = t;
	}
}

static void load_suppressions(struct loader *l, const config_setting_t *root,
			      bool vars_ok)
{
	static const char *const keys[] = { "sid", "gid", "track", "ip", NULL };
	struct nfips_policy *p = l->p;
	config_setting_t *s = section(l, root, "suppressions", CONFIG_TYPE_LIST, false);
	int i, n;

	if (!s || !(n = config_setting_length(s)))
		return;
	p->suppressions = calloc((size_t)n, sizeof(*p->suppressions));
	for (i = 0; p->suppressions && i < n; i++) {
		config_setting_t *e = elem_group(l, s, i), *ip;
		struct nfips_suppression u = { 0 };
		struct nfips_rule *r;
		char *expr = NULL, why[300];
		int track = 0, ret;

		if (!e)
			continue;
		check_keys(l, e, keys);
		u.line = config_setting_source_line(e);
		if (get_sid(l, e, &u.gid, &u.sid))
			continue;
		ret = get_enum(l, e, "track", false, supp_track_names, &track);
		if (ret < 0)
			continue;
		u.track = (enum nfips_supp_track)track;
		ip = config_setting_get_member(e, "ip");
		if (!ip != (u.track == NFIPS_SUPP_ALL)) {
			err(l, e, "suppression of sid %u: 'track' and 'ip' go together "
			    "(neither: every alert of the sid)", u.sid);
			continue;
		}
		if (ip && config_setting_type(ip) == CONFIG_TYPE_STRING) {
			expr = strdup(config_setting_get_string(ip));
		} else if (ip && config_setting_type(ip) == CONFIG_TYPE_ARRAY &&
			   config_setting_length(ip) > 0) {
			size_t len = 2, o;
			int k, m = config_setting_length(ip);

			for (k = 0; k < m; k++) {
				const char *v = config_setting_get_string_elem(ip, k);

				len += (v ? strlen(v) : 0) + 1;
			}
			expr = malloc(len + 1);
			if (expr) {
				o = 0;
				expr[o++] = '[';
				for (k = 0; k < m; k++) {
					const char *v = config_setting_get_string_elem(ip, k);

					o += (size_t)sprintf(expr + o, "%s%s", k ? "," : "",
							     v ? v : "");
				}
				expr[o++] = ']';
				expr[o] = 0;
			}
		} else if (ip) {
			err(l, ip, "suppression 'ip' must be an address, a CIDR, "
			    "a variable or an array of those");
			continue;
		}
		if (ip && (!expr || !utf8_ok(expr) || strchr(expr, ' ') ||
			   strchr(expr, '(') || strchr(expr, ';'))) {
			err(l, ip, "suppression 'ip': not an address list");
			free(expr);
			continue;
		}
		if (ip && vars_ok) {
			if (try_rule(l, "ip", expr, "any", &r, why, sizeof(why))) {
				err(l, ip, "suppression 'ip': %s", why);
				free(expr);
				continue;
			}
			u.addrs = r->src;
			memset(&r->src, 0, sizeof(r->src));
			nfips_rule_free(r);
		}
		free(expr);
		p->suppressions[p->nsuppressions++] = u;
	}
}

/* "a.b.c.d", "a.b.c.d/n", IPv6 likewise. */
static int parse_cidr(const char *s, bool network, struct nfips_asset *a,
		      char *why, size_t len)
{
	char buf[64], *slash;
	long prefix;
	int i, max;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(why, len, "'%s' is not an address", s);
		return -1;
	}
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	if (inet_pton(AF_INET, buf, a->addr) == 1) {
		a->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, a->addr) == 1) {
		a->family = AF_INET6;
		max = 128;
	} else {
		snprintf(why, len, "'%s' is not an IPv4 or IPv6 address", s);
		return -1;
	}
	prefix = max;
	if (slash) {
		char *end;

		errno = 0;
		prefix = strtol(slash, &end, 10);
		if (!*slash || *end || errno || prefix < 0 || prefix > max) {
			snprintf(why, len, "'%s': bad prefix length", s);
			return -1;
		}
	}
	if (!network && prefix != max) {
		snprintf(why, len, "'%s': a host is one address (put networks in "
			 "assets.networks)", s);
		return -1;
	}
	if (network && !slash) {
		snprintf(why, len, "'%s': a network needs a prefix length (a.b.c.d/n)", s);
		return -1;
	}
	for (i = 0; i < max / 8; i++) {
		int keep = (int)prefix - i * 8;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));

		if (a->addr[i] & ~mask) {
			snprintf(why, len, "'%s': host bits set (network is not aligned "
				 "to its prefix)", s);
			return -1;
		}
	}
	a->prefix = (uint8_t)prefix;
	return 0;
}

static void free_asset(struct nfips_asset *a)
{
	size_t i;

	free(a->address);
	free(a->name);
	free(a->os);
	for (i = 0; i < a->nservices; i++)
		free(a->services[i].product);
	free(a->services);
}

static void load_services(struct loader *l, config_setting_t *e, struct nfips_asset *a)
{
	static const char *const keys[] = { "proto", "port", "product", NULL };
	static const char *const protos[] = { "tcp", "udp", NULL };
	config_setting_t *s = section(l, e, "services", CONFIG_TYPE_LIST, false);
	int i, n;

	if (!s || !(n = config_setting_length(s)))
		return;
	a->services = calloc((size_t)n, sizeof(*a->services));
	for (i = 0; a->services && i < n; i++) {
		config_setting_t *g = elem_group(l, s, i);
		struct nfips_service sv = { 0 };
		long long port;
		int proto, bad = 0;

		if (!g)
			continue;
		check_keys(l, g, keys);
		bad |= get_enum(l, g, "proto", true, protos, &proto);
		bad |= get_int(l, g, "port", true, 1, 65535, &port);
		if (bad || dup_str(l, g, "product", false, 128, &sv.product) < 0)
			continue;
		sv.proto = proto ? 17 : 6;
		sv.port = (uint16_t)port;
		a->services[a->nservices++] = sv;
	}
}

static void load_assets(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = { "hosts", "networks", NULL };
	static const char *const hkeys[] = {
		"address", "name", "os", "services", "criticality", NULL };
	static const char *const nkeys[] = { "address", "name", "criticality", NULL };
	struct nfips_policy *p = l->p;
	config_setting_t *s = section(l, root, "assets", CONFIG_TYPE_GROUP, false), *h[2];
	int i, k, n, total = 0;

	if (!s)
		return;
	check_keys(l, s, keys);
	h[0] = section(l, s, "hosts", CONFIG_TYPE_LIST, false);
	h[1] = section(l, s, "networks", CONFIG_TYPE_LIST, false);
	for (k = 0; k < 2; k++)
		total += h[k] ? config_setting_length(h[k]) : 0;
	if (!total || !(p->assets = calloc((size_t)total, sizeof(*p->assets))))
		return;
	for (k = 0; k < 2; k++) {
		n = h[k] ? config_setting_length(h[k]) : 0;
		for (i = 0; i < n; i++) {
			config_setting_t *e = elem_group(l, h[k], i);
			struct nfips_asset a = { 0 };
			const char *addr;
			char why[200];
			int crit = NFIPS_CRIT_NORMAL, os;
			size_t j;

			if (!e)
				continue;
			check_keys(l, e, k ? nkeys : hkeys);
			a.network = k;
			a.line = config_setting_source_line(e);
			if (!get_str(l, e, "address", true, 64, &addr)) {
				if (parse_cidr(addr, a.network, &a, why, sizeof(why)))
					err(l, config_setting_get_member(e, "address"),
					    "%s: %s", k ? "network" : "host", why);
				else
					a.address = strdup(addr);
			}
			dup_str(l, e, "name", true, 128, &a.name);
			if (!k && !get_enum(l, e, "os", false, os_names, &os))
				a.os = strdup(os_names[os]);
			get_enum(l, e, "criticality", false, crit_names, &crit);
			a.criticality = (enum nfips_criticality)crit;
			if (!k)
				load_services(l, e, &a);
			for (j = 0; a.address && j < p->nassets; j++)
				if (p->assets[j].family == a.family &&
				    p->assets[j].prefix == a.prefix &&
				    !memcmp(p->assets[j].addr, a.addr, 16)) {
					err(l, e, "asset %s is listed twice (first at line %u)",
					    a.address, p->assets[j].line);
					break;
				}
			if (!a.address || j < p->nassets) {
				free_asset(&a);
				continue;
			}
			p->assets[p->nassets++] = a;
		}
	}
}

static void load_grading_table(struct loader *l, const config_setting_t *g)
{
	static const char *const keys[] = { "classtype", "grade", NULL };
	struct nfips_policy_grading *gr = &l->p->grading;
	config_setting_t *s = section(l, g, "classtypes", CONFIG_TYPE_LIST, false);
	int i, n;

	if (!s || !(n = config_setting_length(s)))
		return;
	gr->table = calloc((size_t)n, sizeof(*gr->table));
	for (i = 0; gr->table && i < n; i++) {
		config_setting_t *e = elem_group(l, s, i);
		struct nfips_grading_entry t = { 0 };
		const char *ct;
		int grade;
		size_t k;

		if (!e)
			continue;
		check_keys(l, e, keys);
		t.line = config_setting_source_line(e);
		if (get_str(l, e, "classtype", true, 64, &ct) |
		    get_enum(l, e, "grade", true, grade_names + 1, &grade))
			continue;
		t.grade = (enum nfips_grade)(grade + 1);
		for (k = 0; k < gr->ntable; k++)
			if (!strcmp(gr->table[k].classtype, ct)) {
				err(l, e, "classtype %s is graded twice (first at line %u)",
				    ct, gr->table[k].line);
				break;
			}
		if (k < gr->ntable)
			continue;
		if (!nfips_grade_default(ct))
			warn(l, t.line, "grading: classtype '%s' is not one of the "
			     "shipped table (a custom classtype?)", ct);
		if (!(t.classtype = strdup(ct)))
			continue;
		gr->table[gr->ntable++] = t;
	}
}

/* grading: the classtype table over the default, the escalation window. */
static void load_grading(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = {
		"classtypes", "window", "hosts", "keep_priority", NULL };
	struct nfips_policy_grading *gr = &l->p->grading;
	config_setting_t *g = section(l, root, "grading", CONFIG_TYPE_GROUP, false);
	long long v;

	gr->window = NFIPS_GRADE_WINDOW_DEFAULT;
	gr->hosts = NFIPS_GRADE_HOSTS_DEFAULT;
	if (!g)
		return;
	check_keys(l, g, keys);
	if (!get_int(l, g, "window", false, 1, NFIPS_GRADE_WINDOW_MAX, &v))
		gr->window = (uint32_t)v;
	if (!get_int(l, g, "hosts", false, 64, NFIPS_GRADE_HOSTS_MAX, &v))
		gr->hosts = (uint32_t)v;
	get_bool(l, g, "keep_priority", &gr->keep_priority);
	load_grading_table(l, g);
}

static void load_top(struct loader *l, const config_setting_t *root, bool *vars_ok)
{
	static const char *const keys[] = {
		"version", "serial", "keep_versions", "customer", "sensor",
		"contacts", "mode", "rules", "stream", "incidents", "overrides",
		"approvals", "thresholds", "suppressions", "assets", "grading",
		"rate_filters", "notify", NULL };
	struct nfips_policy *p = l->p;
	config_setting_t *rf;
	long long v;
	int mode;

	check_keys(l, root, keys);
	/*
	 * Suricata's rate_filter changes a rule's action (drop, pass, reject,
	 * alert) for a while, never which alerts are raised: a drop that no
	 * Block approval allowed, or an approved drop silently undone.
	 */
	rf = config_setting_get_member(root, "rate_filters");
	if (rf)
		err(l, rf, "rate_filters are not supported: they change what a rule "
		    "does (drop, pass, reject), which only overrides and Block approvals "
		    "do; thresholds limit alerts (Documentation/policy.rst)");
	p->version = 1;
	if (!get_int(l, root, "version", false, 1, 1, &v))
		p->version = (int)v;
	if (!get_int(l, root, "serial", false, 0, INT64_MAX, &v))
		p->serial = v;
	p->keep_versions = NFIPS_POLICY_KEEP_DEFAULT;
	if (!get_int(l, root, "keep_versions", false, 0, NFIPS_POLICY_KEEP_MAX, &v))
		p->keep_versions = (unsigned)v;
	load_identity(l, root);
	load_contacts(l, root);
	if (!get_enum(l, root, "mode", true, mode_names, &mode))
		p->mode = (enum nfips_policy_mode)mode;
	load_rules_section(l, root, vars_ok);
	load_stream(l, root);
	load_incidents(l, root);
	load_notify(l, root);
	load_overrides(l, root);
	load_approvals(l, root);
	load_thresholds(l, root);
	load_suppressions(l, root, *vars_ok);
	load_assets(l, root);
	load_grading(l, root);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int nfips_policy_load_buf(const char *name, const char *dir, const char *buf,
			  size_t len, const struct nfips_policy_opts *opts,
			  struct nfips_policy **out, struct nfips_diags *d)
{
	struct loader l = { .d = d, .file = name, .errors0 = d->errors };
	struct nfips_policy *p;
	struct pnode root;
	bool vars_ok = false;
	char *text;
	config_t cfg;

	*out = NULL;
	if (len > NFIPS_POLICY_MAX_SIZE) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, name, 0,
			       "larger than %u bytes: not a policy file",
			       NFIPS_POLICY_MAX_SIZE);
		return -1;
	}
	switch (ptext_scan(name, buf, len, d, &root)) {
	case -2:
		return -1;
	case -1:
		break;
	default:
		pnode_free(&root);
	}
	p = calloc(1, sizeof(*p));
	text = malloc(len + 1);
	if (!p || !text) {
		free(p);
		free(text);
		nfips_diag_add(d, NFIPS_DIAG_ERROR, name, 0, "out of memory");
		return -1;
	}
	memcpy(text, buf, len);
	text[len] = 0;
	l.p = p;
	p->path = strdup(name);
	p->dir = dir ? strdup(dir) : dir_of(name);
	p->now = opts && opts->now ? opts->now : time(NULL);
	if (nfips_vars_defaults(&p->vars))
		nfips_diag_add(d, NFIPS_DIAG_ERROR, name, 0, "out of memory");
	config_init(&cfg);
	config_set_auto_convert(&cfg, 0);
	if (!config_read_string(&cfg, text)) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, name, (uint32_t)config_error_line(&cfg),
			       "%s", config_error_text(&cfg));
	} else {
		load_top(&l, config_root_setting(&cfg), &vars_ok);
	}
	config_destroy(&cfg);
	free(text);
	if (d->errors == l.errors0 && !(opts && (opts->flags & NFIPS_POLICY_NO_RULES)))
		ppolicy_load_rules(p, d);
	if (d->errors > l.errors0) {
		nfips_policy_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int nfips_policy_load(const char *path, const struct nfips_policy_opts *opts,
		      struct nfips_policy **out, struct nfips_diags *d)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0, "not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_size > NFIPS_POLICY_MAX_SIZE) {
		nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0,
			       "%lld bytes: larger than %u, not a policy file",
			       (long long)st.st_size, NFIPS_POLICY_MAX_SIZE);
		close(fd);
		return -1;
	}
	buf = malloc(NFIPS_POLICY_MAX_SIZE + 1);
	if (!buf) {
		close(fd);
		nfips_diag_add(d, NFIPS_DIAG_ERROR, path, 0, "out of memory");
		return -1;
	}
	/* Read at most one byte more than allowed: the file may be growing. */
	while (len <= NFIPS_POLICY_MAX_SIZE &&
	       (n = read(fd, buf + len, NFIPS_POLICY_MAX_SIZE + 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	ret = nfips_policy_load_buf(path, NULL, buf, len, opts, out, d);
	free(buf);
	return ret;
}

void nfips_policy_free(struct nfips_policy *p)
{
	struct ppriv *pv;
	size_t i;

	if (!p)
		return;
	free(p->path);
	free(p->dir);
	free(p->customer_id);
	free(p->customer_name);
	free(p->timezone);
	free(p->sensor_id);
	free(p->sensor_name);
	for (i = 0; i < p->ncontacts; i++) {
		free(p->contacts[i].name);
		free(p->contacts[i].email);
	}
	for (i = 0; i < p->nrule_files; i++)
		free(p->rule_files[i]);
	free(p->rule_files);
	free(p->rule_file_lines);
	free(p->classification);
	nfips_vars_free(&p->vars);
	nfips_classes_free(&p->classes);
	free(p->overrides);
	for (i = 0; i < p->napprovals; i++) {
		free(p->approvals[i].approved_by);
		free(p->approvals[i].ticket);
	}
	free(p->approvals);
	free(p->thresholds);
	for (i = 0; i < p->nsuppressions; i++) {
		free(p->suppressions[i].addrs.v4);
		free(p->suppressions[i].addrs.v6);
		free(p->suppressions[i].addrs.text);
	}
	free(p->suppressions);
	for (i = 0; i < p->nassets; i++)
		free_asset(&p->assets[i]);
	free(p->assets);
	for (i = 0; i < p->grading.ntable; i++)
		free(p->grading.table[i].classtype);
	free(p->grading.table);
	for (i = 0; i < p->nrules; i++)
		nfips_rule_free(p->rules[i]);
	free(p->rules);
	free(p->changes);
	pv = p->priv;
	if (pv) {
		for (i = 0; i < pv->nfiles; i++)
			free(pv->files[i]);
		free(pv->files);
		free(pv->sids);
		free(pv);
	}
	free(p);
}
