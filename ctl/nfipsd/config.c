// SPDX-License-Identifier: GPL-2.0
/*
 * /etc/nfips/nfipsd.conf, libconfig syntax (Documentation/nfipsd.rst):
 *
 *   queues = { base = 0; count = 2; maxlen = 4096; rcvbuf = "8M"; batch = 32; };
 *   rules = [ "default.rules" ];             # relative: to this file
 *   vars = { HOME_NET = "[10.0.0.0/8]"; };
 *   mode = "learn";                          # or "enforce"
 *   classification = "classification.config";
 *   log = { eve = "/var/log/nfips/eve.json"; payload = "all"; };
 *   state = { path = "/var/lib/nfips/nfipsd.state"; interval = 10; };
 *   memory = { budget = "512M"; };
 *   stream = { depth = 1048576; window = 65536; memcap = "64M"; max_flows = 65536; };
 *   store = { path = "/var/lib/nfips/alerts.db"; retention_days = 92;
 *             queue = 65536; enabled = true; };
 *   sensor = "gw-1";
 *   stop_timeout = 5;
 *   packet_alert_max = 15;                  # Suricata's packet-alert-max
 *   collectors = ( { name = "soc"; transport = "relp"; host = "10.1.2.3";
 *                    port = 2514; }, ... );
 *   deliver = { dir = "/var/lib/nfips/deliver"; backlog_alarm = 300; };
 *   reports = { dir = "/var/www/nfips"; formats = "html,json,text"; lang = "en";
 *               hour = 6; daily = true; monthly = true; };
 *   rdns = { enabled = true; destinations = true; threads = 2; rate = 10;
 *            timeout = 2; queue = 1024; cache = 65536; ttl = 86400;
 *            negative_ttl = 3600; };
 *
 * Every error is "FILE:LINE: what"; a key nfipsd does not know is an
 * error (a typo must not silently leave a default in force).
 */
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfipsd.h"

struct ctx {
	const char *path;
	char *err;
	size_t errlen;
	int failed;
};

static int errat(struct ctx *x, const config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int errat(struct ctx *x, const config_setting_t *s, const char *fmt, ...)
{
	const char *file = s ? config_setting_source_file(s) : NULL;
	unsigned int line = s ? config_setting_source_line(s) : 0;
	char msg[384];
	va_list ap;

	if (x->failed++)
		return -1;	/* the first error is the one reported */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line && file && file[0] != '/' && strcmp(file, x->path) && strrchr(x->path, '/'))
		/* an @include'd file, named relative to this one's directory */
		snprintf(x->err, x->errlen, "%.*s/%s:%u: %s",
			 (int)(strrchr(x->path, '/') - x->path), x->path, file, line, msg);
	else if (line)
		snprintf(x->err, x->errlen, "%s:%u: %s", file ? file : x->path, line, msg);
	else	/* something missing has no line */
		snprintf(x->err, x->errlen, "%s: %s", x->path, msg);
	return -1;
}

/* Only @keys (NULL-terminated) may appear in group @g. */
static int known_keys(struct ctx *x, const config_setting_t *g,
		      const char *const *keys)
{
	int i, n = config_setting_length(g);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		const char *const *k;

		for (k = keys; *k; k++)
			if (name && !strcmp(name, *k))
				break;
		if (!*k)
			return errat(x, s, "unknown setting '%s'%s%s", name ? name : "?",
				     config_setting_parent(g) ? " in " : "",
				     config_setting_parent(g) ? config_setting_name(g) : "");
	}
	return 0;
}

static config_setting_t *group(struct ctx *x, config_setting_t *root,
			       const char *name, const char *const *keys)
{
	config_setting_t *g = config_setting_get_member(root, name);

	if (!g)
		return NULL;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		errat(x, g, "'%s' must be a group { ... }", name);
		return NULL;
	}
	if (known_keys(x, g, keys))
		return NULL;
	return g;
}

/* "123", 123, 123L, "4K", "64M", "1G": a size in [min, max]. */
static int get_u64(struct ctx *x, const config_setting_t *g, const char *name,
		   uint64_t min, uint64_t max, uint64_t *out)
{
	const config_setting_t *s = g ? config_setting_get_member(g, name) : NULL;
	unsigned long long v;
	const char *str;
	char *end;

	if (!s)
		return 0;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: {
		long long sv = config_setting_get_int64(s);

		if (sv < 0)
			return errat(x, s, "'%s' must not be negative", name);
		v = (unsigned long long)sv;
		break;
	}
	case CONFIG_TYPE_STRING:
		str = config_setting_get_string(s);
		errno = 0;
		v = strtoull(str, &end, 10);
		if (errno || end == str || str[0] == '-')
			return errat(x, s, "'%s' is not a number: \"%s\"", name, str);
		switch (*end) {
		case 'K': case 'k': v <<= 10; end++; break;
		case 'M': case 'm': v <<= 20; end++; break;
		case 'G': case 'g': v <<= 30; end++; break;
		}
		if (*end)
			return errat(x, s, "'%s': bad suffix in \"%s\" (K, M or G)",
				     name, str);
		break;
	default:
		return errat(x, s, "'%s' must be a number", name);
	}
	if (v < min || v > max)
		return errat(x, s, "'%s' = %llu out of range %llu..%llu", name, v,
			     (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

static int get_u32(struct ctx *x, const config_setting_t *g, const char *name,
		   uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = *out;

	if (get_u64(x, g, name, min, max, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A path: absolute, or relative to the configuration file's directory. */
static char *resolve(const char *conf, const char *p)
{
	const char *slash = strrchr(conf, '/');
	char *out;

	if (p[0] == '/' || !slash)
		return strdup(p);
	if (asprintf(&out, "%.*s/%s", (int)(slash - conf), conf, p) < 0)
		return NULL;
	return out;
}

static int get_str(struct ctx *x, const config_setting_t *g, const char *name,
		   bool path, char **out)
{
	const config_setting_t *s = g ? config_setting_get_member(g, name) : NULL;
	const char *v;

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return errat(x, s, "'%s' must be a string", name);
	v = config_setting_get_string(s);
	if (!v[0])
		return errat(x, s, "'%s' must not be empty", name);
	free(*out);
	*out = path ? resolve(x->path, v) : strdup(v);
	if (!*out)
		return errat(x, s, "out of memory");
	return 0;
}

static int valid_var_name(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int policy_part(struct ctx *x, config_setting_t *root,
		       struct nfipsd_policy_conf *p)
{
	config_setting_t *s;
	char *mode = NULL;
	int i, n;

	if (get_str(x, root, "policy", true, &p->policy_file))
		return -1;
	if (p->policy_file) {
		/* The customer policy file says all of it (Documentation/policy.rst). */
		static const char *const inside[] = { "rules", "vars", "mode",
						      "classification", NULL };

		for (i = 0; inside[i]; i++)
			if ((s = config_setting_get_member(root, inside[i])))
				return errat(x, s, "'%s' comes from the policy file "
					     "(%s) when 'policy' is given", inside[i],
					     p->policy_file);
		return 0;
	}
	s = config_setting_get_member(root, "rules");
	if (!s)
		return errat(x, NULL, "no 'policy' (a customer policy file) nor 'rules' "
			     "(a list of rule files)");
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		p->rules[0] = resolve(x->path, config_setting_get_string(s));
		p->nrules = 1;
	} else if (config_setting_is_aggregate(s) &&
		   config_setting_type(s) != CONFIG_TYPE_GROUP) {
		n = config_setting_length(s);
		if (n == 0)
			return errat(x, s, "'rules' is empty");
		if (n > NFIPSD_MAX_RULE_FILES)
			return errat(x, s, "'rules': more than %d files",
				     NFIPSD_MAX_RULE_FILES);
		for (i = 0; i < n; i++) {
			config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

			if (config_setting_type(e) != CONFIG_TYPE_STRING ||
			    !config_setting_get_string(e)[0])
				return errat(x, e, "'rules' entries must be file names");
			p->rules[p->nrules] = resolve(x->path, config_setting_get_string(e));
			if (!p->rules[p->nrules++])
				return errat(x, e, "out of memory");
		}
	} else {
		return errat(x, s, "'rules' must be a list of file names");
	}

	s = config_setting_get_member(root, "vars");
	if (s) {
		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			return errat(x, s, "'vars' must be a group { NAME = \"VALUE\"; }");
		n = config_setting_length(s);
		p->vars = calloc((size_t)n + 1, sizeof(*p->vars));
		if (!p->vars)
			return errat(x, s, "out of memory");
		for (i = 0; i < n; i++) {
			config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
			const char *name = config_setting_name(e);

			if (!valid_var_name(name))
				return errat(x, e, "bad variable name '%s'", name ? name : "");
			if (config_setting_type(e) != CONFIG_TYPE_STRING)
				return errat(x, e, "variable %s must be a string", name);
			p->vars[i].name = strdup(name);
			p->vars[i].value = strdup(config_setting_get_string(e));
			p->nvars++;
			if (!p->vars[i].name || !p->vars[i].value)
				return errat(x, e, "out of memory");
		}
	}

	if (get_str(x, root, "mode", false, &mode))
		return -1;
	if (mode) {
		if (!strcmp(mode, "enforce")) {
			p->enforce = true;
		} else if (strcmp(mode, "learn")) {
			errat(x, config_setting_get_member(root, "mode"),
			      "'mode' must be \"learn\" or \"enforce\", not \"%s\"", mode);
			free(mode);
			return -1;
		}
		free(mode);
	}
	return get_str(x, root, "classification", true, &p->classification);
}

static const char *const top_keys[] = {
	"queues", "policy", "rules", "vars", "mode", "classification", "log",
	"state", "memory", "stream", "store", "sensor", "stop_timeout", "packet_alert_max",
	"collectors", "deliver", "reports", "mail", "rdns", NULL,
};
static const char *const report_keys[] = {
	"dir", "formats", "lang", "hour", "daily", "monthly", NULL,
};
static const char *const collector_keys[] = {
	"name", "transport", "host", "port", "ca", "cert", "key", "server_name",
	"facility", "timeout", "window", "batch", "retry_min", "retry_max", NULL,
};
static const char *const deliver_keys[] = { "dir", "backlog_alarm", NULL };

/* One entry of "collectors" (Documentation/nfipsd.rst, "Collectors"). */
static int collector(struct ctx *x, config_setting_t *e, struct nfips_collector_cfg *c)
{
	char *transport = NULL, *facility = NULL;
	uint32_t port = 0, ms;
	int ret = -1;

	if (config_setting_type(e) != CONFIG_TYPE_GROUP)
		return errat(x, e, "'collectors' entries must be groups { name = ...; }");
	if (known_keys(x, e, collector_keys))
		return -1;
	c->facility = 21;	/* local5, Suricata's default */
	c->timeout = 10;
	c->window = 1024;
	c->batch = 1024;
	c->retry_min_ms = 500;
	c->retry_max_ms = 60000;
	if (get_str(x, e, "name", false, &c->name) ||
	    get_str(x, e, "transport", false, &transport) ||
	    get_str(x, e, "host", false, &c->host) ||
	    get_u32(x, e, "port", 1, 65535, &port) ||
	    get_str(x, e, "ca", true, &c->ca) || get_str(x, e, "cert", true, &c->cert) ||
	    get_str(x, e, "key", true, &c->key) ||
	    get_str(x, e, "server_name", false, &c->server_name) ||
	    get_str(x, e, "facility", false, &facility) ||
	    get_u32(x, e, "timeout", 1, 3600, &c->timeout) ||
	    get_u32(x, e, "window", 2, 65536, &c->window) ||
	    get_u32(x, e, "batch", 1, 1u << 20, &c->batch))
		goto out;
	ms = c->retry_min_ms;
	if (get_u32(x, e, "retry_min", 1, 3600000, &ms))
		goto out;
	c->retry_min_ms = ms;
	ms = c->retry_max_ms;
	if (get_u32(x, e, "retry_max", 1, 86400000, &ms))
		goto out;
	c->retry_max_ms = ms;
	if (!c->name || !c->host || !port || !transport) {
		errat(x, e, "a collector needs name, transport, host and port");
		goto out;
	}
	c->port = (uint16_t)port;
	if (!strcmp(transport, "relp")) {
		c->transport = NFIPS_TRANSPORT_RELP;
		if (c->ca && !c->cert) {
			/* librelp's TLS client offers no certificate otherwise. */
			errat(x, e, "collector %s: RELP over TLS (\"ca\") needs the "
			      "sensor's certificate too (\"cert\" and \"key\")", c->name);
			goto out;
		}
	} else if (!strcmp(transport, "tls")) {
		c->transport = NFIPS_TRANSPORT_TLS;
		if (!c->ca) {
			errat(x, e, "collector %s: transport \"tls\" needs \"ca\" (the CA "
			      "file its certificate is verified against)", c->name);
			goto out;
		}
	} else if (!strcmp(transport, "tcp")) {
		c->transport = NFIPS_TRANSPORT_TCP;
		if (c->ca || c->cert || c->key) {
			errat(x, e, "collector %s: transport \"tcp\" is plain text: "
			      "ca, cert and key need \"tls\" or \"relp\"", c->name);
			goto out;
		}
	} else {
		errat(x, config_setting_get_member(e, "transport"), "collector %s: transport "
		      "must be \"relp\", \"tls\" or \"tcp\", not \"%s\"", c->name, transport);
		goto out;
	}
	if (!c->cert != !c->key) {
		errat(x, e, "collector %s: a client certificate needs both cert and key",
		      c->name);
		goto out;
	}
	if (facility && (c->facility = nfips_deliver_facility(facility)) < 0) {
		errat(x, config_setting_get_member(e, "facility"), "collector %s: unknown "
		      "facility \"%s\" (kern..local7)", c->name, facility);
		goto out;
	}
	if (c->retry_max_ms < c->retry_min_ms) {
		errat(x, e, "collector %s: retry_max below retry_min", c->name);
		goto out;
	}
	ret = 0;
out:
	free(transport);
	free(facility);
	return ret;
}

static const char *const mail_keys[] = {
	"url", "tls", "ca", "user", "password_file", "from", "from_name", "templates",
	"timeout", "retry_min", "retry_max", NULL,
};

/* The password: the file's first line (not in nfipsd.conf, readable by all). */
static int read_password(struct ctx *x, const config_setting_t *s, const char *path,
			 char **out)
{
	char buf[512];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return errat(x, s, "password_file %s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0])
		return errat(x, s, "password_file %s: empty", path);
	*out = strdup(buf);
	return *out ? 0 : errat(x, s, "out of memory");
}

/*
 * mail = { url; tls; ca; user; password_file; from; from_name; templates;
 * timeout; retry_min; retry_max; } (Documentation/notify.rst).
 */
static int mail(struct ctx *x, config_setting_t *root, struct nfipsd_mail_conf *m)
{
	config_setting_t *g = group(x, root, "mail", mail_keys);
	char *tls = NULL, *pwfile = NULL;
	int ret = -1;

	if (x->failed)
		return -1;
	if (!g)
		return 0;
	if (get_str(x, g, "url", false, &m->url) || get_str(x, g, "tls", false, &tls) ||
	    get_str(x, g, "ca", true, &m->ca) || get_str(x, g, "user", false, &m->user) ||
	    get_str(x, g, "password_file", true, &pwfile) ||
	    get_str(x, g, "from", false, &m->from) ||
	    get_str(x, g, "from_name", false, &m->from_name) ||
	    get_str(x, g, "templates", true, &m->templates) ||
	    get_u32(x, g, "timeout", 1, 600, &m->timeout) ||
	    get_u32(x, g, "retry_min", 100, 3600000, &m->retry_min) ||
	    get_u32(x, g, "retry_max", 100, 86400000, &m->retry_max))
		goto out;
	if (!m->url) {
		errat(x, g, "mail: 'url' is required (smtp://HOST:PORT or smtps://HOST:PORT)");
		goto out;
	}
	if (strncmp(m->url, "smtp://", 7) && strncmp(m->url, "smtps://", 8)) {
		errat(x, config_setting_get_member(g, "url"),
		      "mail: url \"%s\" is not smtp://HOST:PORT or smtps://HOST:PORT", m->url);
		goto out;
	}
	if (!m->from || !strchr(m->from, '@') || strpbrk(m->from, " <>\r\n")) {
		errat(x, m->from ? config_setting_get_member(g, "from") : g,
		      "mail: 'from' must be an address (nfips@gw1.example)");
		goto out;
	}
	m->tls = NFIPS_SMTP_TLS_REQUIRED;
	if (tls && !strcmp(tls, "opportunistic")) {
		m->tls = NFIPS_SMTP_TLS_OPPORTUNISTIC;
	} else if (tls && !strcmp(tls, "off")) {
		m->tls = NFIPS_SMTP_TLS_OFF;
	} else if (tls && strcmp(tls, "required")) {
		errat(x, config_setting_get_member(g, "tls"), "mail: 'tls' must be \"required\", "
		      "\"opportunistic\" or \"off\", not \"%s\"", tls);
		goto out;
	}
	if (m->tls != NFIPS_SMTP_TLS_REQUIRED && !strncmp(m->url, "smtps://", 8)) {
		errat(x, config_setting_get_member(g, "tls"),
		      "mail: smtps:// is TLS from the first byte: tls must be \"required\"");
		goto out;
	}
	if (!m->user != !pwfile) {
		errat(x, g, "mail: 'user' and 'password_file' go together");
		goto out;
	}
	if (pwfile && read_password(x, config_setting_get_member(g, "password_file"), pwfile,
				    &m->password))
		goto out;
	if (m->retry_max < m->retry_min) {
		errat(x, config_setting_get_member(g, "retry_max"),
		      "mail: retry_max %u is below retry_min %u", m->retry_max, m->retry_min);
		goto out;
	}
	ret = 0;
out:
	free(tls);
	free(pwfile);
	return ret;
}

static int collectors(struct ctx *x, config_setting_t *root, struct nfipsd_conf *c)
{
	config_setting_t *s = config_setting_get_member(root, "collectors"), *g;
	int i, j, n;

	g = group(x, root, "deliver", deliver_keys);
	if (x->failed || get_str(x, g, "dir", true, &c->deliver_dir) ||
	    get_u32(x, g, "backlog_alarm", 0, 86400 * 7, &c->backlog_alarm))
		return -1;
	if (!s)
		return 0;
	if (!config_setting_is_list(s) && !config_setting_is_array(s))
		return errat(x, s, "'collectors' must be a list ( { ... }, ... )");
	n = config_setting_length(s);
	c->collectors = calloc((size_t)n + 1, sizeof(*c->collectors));
	if (!c->collectors)
		return errat(x, s, "out of memory");
	for (i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);

		c->ncollectors++;
		if (collector(x, e, &c->collectors[i]))
			return -1;
		for (j = 0; j < i; j++)
			if (!strcmp(c->collectors[j].name, c->collectors[i].name))
				return errat(x, e, "collector %s: a second one of that name",
					     c->collectors[i].name);
	}
	return 0;
}
static const char *const queue_keys[] = {
	"base", "count", "maxlen", "rcvbuf", "batch", NULL,
};
static const char *const log_keys[] = { "eve", "payload", NULL };

/* log.payload: which alert records carry the packet's payload. */
static int get_payload(struct ctx *x, const config_setting_t *g,
		       enum nfips_eve_payload *out)
{
	char *v = NULL;
	int ret;

	if (get_str(x, g, "payload", false, &v))
		return -1;
	ret = v && nfips_eve_payload_parse(v, out) ?
	      errat(x, config_setting_get_member(g, "payload"),
		    "'payload' must be \"all\", \"first\" or \"none\", not \"%s\"", v) : 0;
	free(v);
	return ret;
}
static const char *const state_keys[] = { "path", "interval", "pidfile", NULL };
static const char *const memory_keys[] = { "budget", NULL };
static const char *const store_keys[] = {
	"path", "retention_days", "queue", "enabled", NULL,
};
static const char *const stream_keys[] = {
	"depth", "window", "memcap", "max_flows", NULL,
};

static int get_bool(struct ctx *x, const config_setting_t *g, const char *name, bool *out)
{
	const config_setting_t *s = g ? config_setting_get_member(g, name) : NULL;

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return errat(x, s, "'%s' must be true or false", name);
	*out = config_setting_get_bool(s);
	return 0;
}

static const char *const rdns_keys[] = {
	"enabled", "destinations", "threads", "rate", "timeout", "queue", "cache", "ttl",
	"negative_ttl", NULL,
};

/* "rdns": the resolver of the stored alerts' addresses (lib/rdns). */
static int rdns(struct ctx *x, config_setting_t *root, struct nfipsd_conf *c)
{
	config_setting_t *g = group(x, root, "rdns", rdns_keys);
	struct nfips_rdns_cfg *r = &c->rdns;
	bool on = true;

	if (x->failed)
		return -1;
	if (get_bool(x, g, "enabled", &on) ||
	    get_bool(x, g, "destinations", &r->destinations) ||
	    get_u32(x, g, "threads", 1, 64, &r->threads) ||
	    get_u32(x, g, "rate", 1, 10000, &r->rate) ||
	    get_u32(x, g, "timeout", 1, 30, &r->timeout) ||
	    get_u32(x, g, "queue", 1, 1u << 20, &r->queue) ||
	    get_u32(x, g, "cache", 16, 1u << 24, &r->cache) ||
	    get_u32(x, g, "ttl", 60, 86400 * 365, &r->ttl) ||
	    get_u32(x, g, "negative_ttl", 60, 86400 * 365, &r->negative_ttl))
		return -1;
	c->rdns_off = !on;
	return 0;
}

/* "reports": daily and monthly reports into a directory (Documentation/report.rst). */
static int reports(struct ctx *x, config_setting_t *root, struct nfipsd_conf *c)
{
	config_setting_t *g = group(x, root, "reports", report_keys);
	char *formats = NULL, *lang = NULL;
	int rc = 0;

	if (x->failed)
		return -1;
	if (!g)
		return 0;
	c->report_daily = c->report_monthly = true;
	c->report_formats = 1u << NFIPS_REPORT_HTML | 1u << NFIPS_REPORT_JSON |
			    1u << NFIPS_REPORT_TEXT;
	c->report_hour = 6;
	if (get_str(x, g, "dir", true, &c->report_dir) ||
	    get_str(x, g, "formats", false, &formats) ||
	    get_str(x, g, "lang", false, &lang) ||
	    get_u32(x, g, "hour", 0, 23, &c->report_hour) ||
	    get_bool(x, g, "daily", &c->report_daily) ||
	    get_bool(x, g, "monthly", &c->report_monthly))
		rc = -1;
	else if (!c->report_dir)
		rc = errat(x, g, "reports: 'dir' is needed (where the reports are written)");
	else if (formats && nfips_report_parse_formats(formats, &c->report_formats))
		rc = errat(x, config_setting_get_member(g, "formats"), "reports: 'formats': a "
			   "list of html, json, text, pdf, not \"%s\"", formats);
	else if (lang && strcmp(lang, "en") && strcmp(lang, "ja"))
		rc = errat(x, config_setting_get_member(g, "lang"), "reports: 'lang': en or ja, "
			   "not \"%s\"", lang);
	else if (lang && !strcmp(lang, "ja"))
		c->report_lang = NFIPS_REPORT_JA;
	free(formats);
	free(lang);
	return rc;
}

static int parse(struct ctx *x, config_t *cf, struct nfipsd_conf *c)
{
	config_setting_t *root = config_root_setting(cf), *g, *s;
	uint32_t base = 0, count = 1;

	if (known_keys(x, root, top_keys))
		return -1;
	g = group(x, root, "queues", queue_keys);
	if (x->failed)
		return -1;
	if (get_u32(x, g, "base", 0, 65535, &base) ||
	    get_u32(x, g, "count", 1, NFIPSD_MAX_QUEUES, &count) ||
	    get_u32(x, g, "maxlen", 1, 1u << 20, &c->queue_maxlen) ||
	    get_u32(x, g, "rcvbuf", 0, 1u << 30, &c->rcvbuf) ||
	    get_u32(x, g, "batch", 1, 1024, &c->batch))
		return -1;
	if (base + count - 1 > 65535)
		return errat(x, config_setting_get_member(g, "count"),
			     "queues %u..%u: beyond 65535", base, base + count - 1);
	c->queue_base = (uint16_t)base;
	c->queue_count = (uint16_t)count;

	if (policy_part(x, root, &c->pol))
		return -1;

	g = group(x, root, "log", log_keys);
	if (x->failed || get_str(x, g, "eve", true, &c->eve_path) ||
	    get_payload(x, g, &c->eve_payload))
		return -1;
	g = group(x, root, "state", state_keys);
	if (x->failed || get_str(x, g, "path", true, &c->state_path) ||
	    get_str(x, g, "pidfile", true, &c->pid_path) ||
	    get_u32(x, g, "interval", 1, 86400, &c->state_interval))
		return -1;
	g = group(x, root, "memory", memory_keys);
	if (x->failed || get_u64(x, g, "budget", 0, UINT64_MAX, &c->memory_budget))
		return -1;
	g = group(x, root, "stream", stream_keys);
	if (x->failed ||
	    get_u32(x, g, "depth", 1, NFIPS_STREAM_MAX, &c->flows.stream.depth) ||
	    get_u32(x, g, "window", 1, NFIPS_STREAM_MAX, &c->flows.stream.ooo_max) ||
	    get_u64(x, g, "memcap", 1, UINT64_MAX, &c->flows.stream.memcap) ||
	    get_u32(x, g, "max_flows", 1, 1u << 24, &c->flows.max_flows))
		return -1;
	g = group(x, root, "store", store_keys);
	if (x->failed || get_str(x, g, "path", true, &c->store_path) ||
	    get_u32(x, g, "retention_days", 1, 36500, &c->store_retention) ||
	    get_u32(x, g, "queue", 16, 1u << 24, &c->store_queue))
		return -1;
	if (g && (s = config_setting_get_member(g, "enabled"))) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return errat(x, s, "'enabled' must be true or false");
		c->store_off = !config_setting_get_bool(s);
	}
	if (get_str(x, root, "sensor", false, &c->sensor) ||
	    get_u32(x, root, "stop_timeout", 1, 3600, &c->stop_timeout) ||
	    get_u32(x, root, "packet_alert_max", 1, NFIPS_ALERT_MAX_LIMIT, &c->alert_max) ||
	    reports(x, root, c) || rdns(x, root, c))
		return -1;
	if (c->report_dir && c->store_off)
		return errat(x, config_setting_get_member(root, "reports"), "reports are made "
			     "from the alert store, which store.enabled = false turns off");
	if (mail(x, root, &c->mail))
		return -1;
	return collectors(x, root, c);
}

/* A configuration is text of modest size: refuse anything else early. */
static int precheck(struct ctx *x)
{
	char buf[4096];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(x->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return snprintf(x->err, x->errlen, "%s: %s", x->path,
				strerror(errno)), -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(x->err, x->errlen, "%s: not a regular file", x->path);
		goto bad;
	}
	if (st.st_size > NFIPSD_CONF_MAX_BYTES) {
		snprintf(x->err, x->errlen, "%s: %lld bytes, more than %u: not a "
			 "configuration", x->path, (long long)st.st_size,
			 NFIPSD_CONF_MAX_BYTES);
		goto bad;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (memchr(buf, '\0', (size_t)n)) {
			snprintf(x->err, x->errlen, "%s: binary data (a NUL byte)",
				 x->path);
			goto bad;
		}
	}
	if (n < 0) {
		snprintf(x->err, x->errlen, "%s: %s", x->path, strerror(errno));
		goto bad;
	}
	close(fd);
	return 0;
bad:
	close(fd);
	return -1;
}

int nfipsd_conf_load(struct nfipsd_conf *c, const char *path, char *err,
		     size_t errlen)
{
	struct ctx x = { .path = path, .err = err, .errlen = errlen };
	char *dir, *slash;
	config_t cf;
	int ret = -1;

	memset(c, 0, sizeof(*c));
	c->queue_count = 1;
	c->queue_maxlen = 4096;
	/* The kernel's ~200 KiB overflows at a few Gbit/s of GSO packets. */
	c->rcvbuf = 8u << 20;
	c->batch = 32;
	c->state_interval = 10;
	c->stop_timeout = 5;
	c->store_retention = NFIPS_STORE_RETENTION_DAYS;
	c->store_queue = 65536;
	c->backlog_alarm = 300;
	/* reverse DNS (lib/rdns): the sources and the targets, gently */
	c->rdns.destinations = true;
	c->rdns.threads = 2;
	c->rdns.rate = 10;
	c->rdns.timeout = 2;
	c->rdns.queue = 1024;
	c->rdns.cache = 65536;
	c->rdns.ttl = 86400;
	c->rdns.negative_ttl = 3600;
	c->mail.timeout = 30;
	c->mail.retry_min = 1000;
	c->mail.retry_max = 300000;
	c->path = strdup(path);
	if (!c->path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (precheck(&x))
		return -1;
	config_init(&cf);
	/* @include "FILE": relative to this file, as the paths in it. */
	dir = strdup(path);
	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash) {
		*slash = '\0';
		config_set_include_dir(&cf, dir[0] ? dir : "/");
	}
	if (!config_read_file(&cf, path)) {
		snprintf(err, errlen, "%s:%d: %s",
			 config_error_file(&cf) ? config_error_file(&cf) : path,
			 config_error_line(&cf),
			 config_error_text(&cf) ? config_error_text(&cf) : "syntax error");
		goto out;
	}
	ret = parse(&x, &cf, c);
	if (!ret && !c->eve_path && !(c->eve_path = strdup(NFIPSD_EVE)))
		ret = -1;
	if (!ret && !c->state_path && !(c->state_path = strdup(NFIPSD_STATE)))
		ret = -1;
	if (!ret && !c->pid_path && !(c->pid_path = strdup(NFIPSD_PIDFILE)))
		ret = -1;
	if (!ret && !c->store_path && !(c->store_path = strdup(NFIPS_STORE_PATH)))
		ret = -1;
	/* Delivery's cursors and status beside the state file by default. */
	if (!ret && !c->deliver_dir) {
		const char *slash = strrchr(c->state_path, '/');

		if (asprintf(&c->deliver_dir, "%.*s/deliver", slash ? (int)(slash - c->state_path) : 1,
			     slash ? c->state_path : ".") < 0) {
			c->deliver_dir = NULL;
			ret = -1;
		}
	}
	if (ret && !x.failed)
		snprintf(err, errlen, "out of memory");
out:
	config_destroy(&cf);
	free(dir);
	return ret;
}

void nfipsd_conf_free(struct nfipsd_conf *c)
{
	size_t i;

	free(c->path);
	free(c->eve_path);
	free(c->state_path);
	free(c->pid_path);
	free(c->store_path);
	free(c->report_dir);
	free(c->sensor);
	free(c->pol.policy_file);
	free(c->pol.classification);
	for (i = 0; i < c->pol.nrules; i++)
		free(c->pol.rules[i]);
	for (i = 0; i < c->pol.nvars; i++) {
		free(c->pol.vars[i].name);
		free(c->pol.vars[i].value);
	}
	free(c->pol.vars);
	for (i = 0; i < c->ncollectors; i++) {
		struct nfips_collector_cfg *k = &c->collectors[i];

		free(k->name);
		free(k->host);
		free(k->ca);
		free(k->cert);
		free(k->key);
		free(k->server_name);
	}
	free(c->collectors);
	free(c->deliver_dir);
	free(c->mail.url);
	free(c->mail.ca);
	free(c->mail.user);
	free(c->mail.password);
	free(c->mail.from);
	free(c->mail.from_name);
	free(c->mail.templates);
	memset(c, 0, sizeof(*c));
}
