// SPDX-License-Identifier: GPL-2.0
/*
 * The customer policy file (ctl/lib/policy/): parsing into the model,
 * every validation error with its file:line, overrides and Block
 * approvals applied to the rules (a drop rule without a valid approval
 * alerts), edits that keep the customer's comments, and the atomic
 * rewrite with its history of previous versions.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/policy.h"
#include "tap.h"

static struct tap T;

/* libconfig 1.5 leaks the string being scanned on some syntax errors. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}
static char dir[64];
/* 2026-12-06T00:00:00Z: approvals are evaluated at this fixed time. */
#define NOW ((time_t)1796515200)

static const char rules_text[] =
	"alert tcp any any -> any 80 (msg:\"a\"; content:\"aaa\"; sid:1000001; rev:1;)\n"
	"drop tcp any any -> any 80 (msg:\"d\"; content:\"ddd\"; sid:1000002; rev:1;)\n"
	"reject tcp any any -> any 80 (msg:\"r\"; content:\"rrr\"; sid:1000003; rev:1;)\n"
	"drop tcp any any -> any 80 (msg:\"d2\"; content:\"eee\"; sid:1000004; rev:1;)\n"
	"# alert tcp any any -> any 80 (msg:\"commented\"; content:\"ccc\"; sid:1000005; rev:1;)\n"
	"alert tcp $HOME_NET any -> any $HTTP_PORTS (msg:\"home\"; content:\"hhh\"; sid:1000006; rev:1;)\n"
	"drop tcp any any -> any 80 (msg:\"d3\"; content:\"fff\"; sid:1000007; rev:1;)\n";

/* Four lines every case starts with; a case's own text starts at line 5. */
static const char base[] =
	"customer = { id = \"acme\"; name = \"ACME Trading\"; };\n"
	"sensor = { id = \"acme-gw1\"; };\n"
	"mode = \"learn\";\n"
	"rules = { files = [ \"t.rules\" ]; variables = { address_groups = "
	"{ HOME_NET = \"10.0.0.0/8\"; }; port_groups = { HTTP_PORTS = \"80\"; }; }; };\n";

static void write_file(const char *name, const char *text, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f)) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static char *read_file(const char *name)
{
	char path[256], *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int load_text(const char *text, struct nfips_policy **p, struct nfips_diags *d)
{
	char path[256];
	struct nfips_policy_opts o = { .now = NOW };

	write_file("p.conf", text, strlen(text));
	snprintf(path, sizeof(path), "%s/p.conf", dir);
	memset(d, 0, sizeof(*d));
	return nfips_policy_load(path, &o, p, d);
}

/* The base plus @extra. */
static int load_case(const char *extra, struct nfips_policy **p, struct nfips_diags *d)
{
	char *text;
	int ret;

	if (asprintf(&text, "%s%s", base, extra) < 0)
		exit(1);
	ret = load_text(text, p, d);
	free(text);
	return ret;
}

/* A diagnostic of @level at @file_suffix:@line containing @msg. */
static bool has(const struct nfips_diags *d, enum nfips_diag_level level,
		const char *file_suffix, uint32_t line, const char *msg)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct nfips_diag *g = &d->v[i];
		size_t fl = g->file ? strlen(g->file) : 0, sl = strlen(file_suffix);

		if (g->level == level && g->line == line && strstr(g->msg, msg) &&
		    fl >= sl && !strcmp(g->file + fl - sl, file_suffix))
			return true;
	}
	return false;
}

static void dump(const struct nfips_diags *d)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < d->n; i++)
		tap_diag("%s", nfips_diag_str(&d->v[i], buf, sizeof(buf)));
}

static struct nfips_rule *find_rule(const struct nfips_policy *p, uint32_t sid)
{
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (p->rules[i]->sid == sid)
			return p->rules[i];
	return NULL;
}

/* ---- parsing -------------------------------------------------------- */

static const char full[] =
	"# A complete policy\n"
	"version = 1;\n"
	"serial = 41;\n"
	"keep_versions = 5;\n"
	"customer = { id = \"acme\"; name = \"ACME Trading\"; timezone = \"Asia/Tokyo\"; };\n"
	"sensor = { id = \"acme-gw1\"; name = \"Tokyo office\"; };\n"
	"contacts = (\n"
	"  { name = \"Taro Yamada\"; email = \"taro@acme.example.jp\"; language = \"ja\"; },\n"
	"  { name = \"Alice\"; email = \"alice@acme.example.com\"; language = \"en\"; }\n"
	");\n"
	"mode = \"enforce\";\n"
	"rules = {\n"
	"  files = [ \"t.rules\" ];\n"
	"  variables = {\n"
	"    address_groups = { HOME_NET = \"[10.0.0.0/8,192.168.1.0/24]\"; "
	"EXTERNAL_NET = \"!$HOME_NET\"; };\n"
	"    port_groups = { HTTP_PORTS = \"[80,8080]\"; };\n"
	"  };\n"
	"};\n"
	"stream = { depth = 65536; };\n"
	"overrides = (\n"
	"  { sid = 1000001; action = \"drop\"; grade = \"high\"; },\n"
	"  { sid = 1000005; enable = true; },\n"
	"  { sid = 1000007; disable = true; }\n"
	");\n"
	"approvals = (\n"
	"  { sid = 1000004; approved_by = \"Taro Yamada\"; when = \"2026-11-01T09:00:00+09:00\"; "
	"ticket = \"CHG-12\"; },\n"
	"  { sid = 1000003; approved_by = \"Alice\"; when = \"2026-01-01\"; until = \"2026-06-30\"; },\n"
	"  { sid = 1000002; approved_by = \"Alice\"; when = \"2027-01-01\"; }\n"
	");\n"
	"thresholds = ( { sid = 1000006; type = \"limit\"; track = \"by_src\"; count = 1; "
	"seconds = 60; } );\n"
	"suppressions = (\n"
	"  { sid = 1000006; track = \"by_src\"; ip = [ \"10.1.2.3\", \"192.168.1.0/28\" ]; },\n"
	"  { sid = 1000001; }\n"
	");\n"
	"assets = {\n"
	"  hosts = ( { address = \"10.0.0.5\"; name = \"www\"; os = \"linux\"; "
	"criticality = \"high\";\n"
	"      services = ( { proto = \"tcp\"; port = 443; product = \"nginx 1.22\"; } ); } );\n"
	"  networks = ( { address = \"192.168.1.0/24\"; name = \"office\"; } );\n"
	"};\n";

static void test_parse(void)
{
	struct nfips_diags d;
	struct nfips_policy *p;
	struct nfips_rule *r;
	uint8_t a4[4], b4[4];
	int ret = load_text(full, &p, &d);

	tap_ok(&T, ret == 0, "a complete policy loads");
	if (ret) {
		dump(&d);
		nfips_diags_free(&d);
		return;
	}
	tap_ok(&T, p->serial == 41 && p->keep_versions == 5 && p->version == 1,
	       "serial, keep_versions, version");
	tap_ok(&T, !strcmp(p->customer_id, "acme") && !strcmp(p->customer_name, "ACME Trading") &&
	       !strcmp(p->sensor_id, "acme-gw1") && !strcmp(p->sensor_name, "Tokyo office") &&
	       !strcmp(p->timezone, "Asia/Tokyo"),
	       "customer, its time zone, and sensor");
	tap_ok(&T, p->ncontacts == 2 && p->contacts[0].lang == NFIPS_LANG_JA &&
	       !strcmp(p->contacts[1].email, "alice@acme.example.com") &&
	       p->contacts[0].line == 8, "contacts with language and line");
	tap_ok(&T, p->mode == NFIPS_POLICY_ENFORCE, "mode enforce");
	tap_ok(&T, p->nrule_files == 1 && strstr(p->rule_files[0], "/t.rules") &&
	       !strncmp(p->rule_files[0], dir, strlen(dir)),
	       "rule file resolved against the policy's directory");
	tap_ok(&T, !strcmp(nfips_vars_get(&p->vars, "HOME_NET"), "[10.0.0.0/8,192.168.1.0/24]") &&
	       nfips_vars_get(&p->vars, "DNS_SERVERS") != NULL,
	       "variables: the file's over suricata.yaml's defaults");
	tap_ok(&T, !p->stream.midstream && p->stream.depth == 65536 && p->stream.depth_set,
	       "stream: midstream false by default, depth");
	tap_ok(&T, p->incident_window == 3600, "incidents: one hour window by default");
	tap_ok(&T, p->notify.grade == NFIPS_GRADE_HIGH && p->notify.every == 30 &&
	       !p->notify.digest && p->notify.digest_hour == 8 && p->notify.max_per_hour == 20 &&
	       !p->notify.reports,
	       "notify: high and above, follow-ups every 30 min, 20 an hour, no digest, no "
	       "reports by default");
	tap_ok(&T, p->noverrides == 3 && p->overrides[0].set_action &&
	       p->overrides[0].action == NFIPS_ACTION_DROP &&
	       p->overrides[0].grade == NFIPS_GRADE_HIGH && p->overrides[0].line == 21,
	       "overrides");
	tap_ok(&T, p->napprovals == 3 && !strcmp(p->approvals[0].ticket, "CHG-12") &&
	       p->approvals[0].when == NOW - 35 * 86400 && p->approvals[1].has_until &&
	       p->approvals[1].until == 1782864000 /* 2026-07-01 */,
	       "approvals: ISO 8601 with offset; a date-only until covers that day");
	tap_ok(&T, p->nthresholds == 1 && p->thresholds[0].thr.type == NFIPS_THR_LIMIT &&
	       p->thresholds[0].thr.track == NFIPS_TRACK_BY_SRC &&
	       p->thresholds[0].thr.count == 1 && p->thresholds[0].thr.seconds == 60,
	       "thresholds");
	inet_pton(AF_INET, "192.168.1.9", a4);
	inet_pton(AF_INET, "192.168.1.99", b4);
	tap_ok(&T, p->nsuppressions == 2 &&
	       nfips_policy_suppressed(p, 1, 1000006, AF_INET, a4, b4) &&
	       !nfips_policy_suppressed(p, 1, 1000006, AF_INET, b4, a4) &&
	       nfips_policy_suppressed(p, 1, 1000001, AF_INET, b4, b4) &&
	       !nfips_policy_suppressed(p, 1, 1000002, AF_INET, a4, a4),
	       "suppressions by_src with a CIDR list, and of a whole sid");
	tap_ok(&T, p->nassets == 2 && !p->assets[0].network && p->assets[0].nservices == 1 &&
	       p->assets[0].services[0].port == 443 &&
	       !strcmp(p->assets[0].services[0].product, "nginx 1.22") &&
	       p->assets[0].criticality == NFIPS_CRIT_HIGH && !strcmp(p->assets[0].os, "linux") &&
	       p->assets[1].network && p->assets[1].prefix == 24 &&
	       p->assets[1].criticality == NFIPS_CRIT_NORMAL, "assets: hosts and networks");

	/* The rule set */
	r = find_rule(p, 1000001);
	tap_ok(&T, r && r->action == NFIPS_ACTION_ALERT,
	       "alert rule overridden to drop without approval: alert");
	r = find_rule(p, 1000002);
	tap_ok(&T, r && r->action == NFIPS_ACTION_ALERT,
	       "drop rule whose approval starts later: alert");
	r = find_rule(p, 1000003);
	tap_ok(&T, r && r->action == NFIPS_ACTION_ALERT, "reject rule with an expired approval: alert");
	r = find_rule(p, 1000004);
	tap_ok(&T, r && r->action == NFIPS_ACTION_DROP, "drop rule with a valid approval: drop");
	tap_ok(&T, find_rule(p, 1000005) != NULL, "a commented-out rule enabled by an override");
	tap_ok(&T, !find_rule(p, 1000007), "a disabled rule is not in the set");
	r = find_rule(p, 1000006);
	tap_ok(&T, r && (r->flags & NFIPS_R_THRESHOLD) && r->threshold.type == NFIPS_THR_LIMIT &&
	       r->cls == NFIPS_CLASS_SLOW, "threshold set on the rule (daemon-decided)");
	tap_ok(&T, r && nfips_addrset_has4(&r->src, 0x0a010203) &&
	       nfips_addrset_has4(&r->src, 0xc0a80101) && !nfips_addrset_has4(&r->src, 0xc0a80201) &&
	       nfips_portset_has(&r->dport, 8080), "rules use the policy's variables");
	tap_ok(&T, p->nrules == 6, "6 rules (7, one disabled, one enabled)");
	tap_ok(&T, p->next_change == 1798761600 /* 2027-01-01 */,
	       "next_change: when the pending approval starts");
	tap_ok(&T, has(&d, NFIPS_DIAG_WARNING, "p.conf", 27, "expired") &&
	       has(&d, NFIPS_DIAG_WARNING, "p.conf", 28, "not applied yet") &&
	       d.errors == 0, "expired and future approvals are warnings at their lines");
	{
		size_t i, k[5] = { 0 };

		for (i = 0; i < p->nchanges; i++)
			k[p->changes[i].kind]++;
		tap_ok(&T, k[NFIPS_CHG_DISABLED] == 1 && k[NFIPS_CHG_ENABLED] == 1 &&
		       k[NFIPS_CHG_ACTION] == 1 && k[NFIPS_CHG_UNAPPROVED] == 3 &&
		       k[NFIPS_CHG_THRESHOLD] == 1, "changes reported: %zu %zu %zu %zu %zu",
		       k[0], k[1], k[2], k[3], k[4]);
	}
	tap_ok(&T, nfips_policy_sid_defined(p, 1, 1000005) == 1 &&
	       nfips_policy_sid_defined(p, 1, 1000001) == 1 &&
	       nfips_policy_sid_defined(p, 1, 4242) == 0, "sid index");
	nfips_policy_free(p);
	nfips_diags_free(&d);
}

/*
 * Commented-out rules are indexed by the sid the rule parser reads, not by
 * "sid" anywhere on the line: "sid 123" in a msg is not sid 123, and
 * enabling 123 must neither crash nor load that line (which is sid 456,
 * an active rule's sid, whose approval it would then run under).
 */
static void test_commented(void)
{
	static const char r3[] =
		"drop tcp any any -> any 80 (msg:\"active 456\"; content:\"aaa\"; sid:456; rev:1;)\n"
		"# drop tcp any any -> any 80 (msg:\"obsoletes sid 123\"; content:\"bbb\"; "
		"sid:456; rev:2;)\n"
		"alert tcp any any -> any 80 (msg:\"the real 124\"; content:\"ccc\"; sid:124; rev:1;)\n"
		"# alert tcp any any -> any 80 (msg:\"was sid:7 gid:3\"; content:\"ddd\"; sid:125;)\n"
		"# alert tcp any any -> any 80 (msg:\"broken\"; nosuchkw; sid:126;)\n"
		"#alert tcp any any -> any 80 (msg:\"sid 127\"; content:\"eee\"; sid:128;)\n";
	static const char head[] =
		"customer = { id = \"acme\"; name = \"Acme\"; };\nsensor = { id = \"gw1\"; };\n"
		"mode = \"enforce\";\nrules = { files = [ \"r3.rules\" ]; };\n"
		"approvals = ( { sid = 456; approved_by = \"cust\"; when = \"2026-01-01\"; } );\n";
	struct nfips_diags d;
	struct nfips_policy *p;
	struct nfips_rule *r;
	char *text;
	int ret;

	write_file("r3.rules", r3, sizeof(r3) - 1);
	if (asprintf(&text, "%soverrides = ( { sid = 123; enable = true; }, "
		     "{ sid = 456; grade = \"high\"; } );\n", head) < 0)
		exit(1);
	ret = load_text(text, &p, &d);
	free(text);
	tap_ok(&T, ret == 0 && has(&d, NFIPS_DIAG_WARNING, "p.conf", 6,
				   "override of sid 123: no rule file defines it"),
	       "enable of a sid only named in a commented rule's msg: a warning, no crash");
	if (!ret) {
		r = find_rule(p, 456);
		tap_ok(&T, p->nrules == 2 && r && !strcmp(r->msg, "active 456") &&
		       r->action == NFIPS_ACTION_DROP && !find_rule(p, 123) &&
		       nfips_policy_sid_defined(p, 1, 123) == 0 &&
		       nfips_policy_sid_defined(p, 1, 7) == 0 &&
		       nfips_policy_sid_defined(p, 1, 125) == 2,
		       "the commented sid-456 line is not loaded; only the active 456 drops "
		       "under its approval (%zu rules)", p->nrules);
		nfips_policy_free(p);
	} else {
		dump(&d);
		tap_ok(&T, 0, "the commented sid-456 line is not loaded");
	}
	nfips_diags_free(&d);

	/* Enabled by their real sids: loaded, each once. */
	if (asprintf(&text, "%soverrides = ( { sid = 125; enable = true; }, "
		     "{ sid = 128; enable = true; } );\n", head) < 0)
		exit(1);
	ret = load_text(text, &p, &d);
	free(text);
	tap_ok(&T, ret == 0 && (r = find_rule(p, 125)) && !strcmp(r->msg, "was sid:7 gid:3") &&
	       r->gid == 1 && find_rule(p, 128) && p->nrules == 4 && !find_rule(p, 7) &&
	       !find_rule(p, 127), "commented rules enabled by the sid the parser reads");
	if (ret)
		dump(&d);
	nfips_policy_free(p);
	nfips_diags_free(&d);

	/* Enabled but not a rule: the parse error at its line. */
	if (asprintf(&text, "%soverrides = ( { sid = 126; enable = true; } );\n", head) < 0)
		exit(1);
	ret = load_text(text, &p, &d);
	free(text);
	tap_ok(&T, ret == -1 && has(&d, NFIPS_DIAG_ERROR, "r3.rules", 5, "nosuchkw"),
	       "an enabled commented rule that does not parse: its error at its line");
	nfips_diags_free(&d);

	/* A commented copy of an active sid, enabled: the active rule only, once. */
	if (asprintf(&text, "%soverrides = ( { sid = 456; enable = true; } );\n", head) < 0)
		exit(1);
	ret = load_text(text, &p, &d);
	free(text);
	r = ret ? NULL : find_rule(p, 456);
	tap_ok(&T, ret == 0 && p->nrules == 2 && r && !strcmp(r->msg, "active 456"),
	       "enable of a sid both active and commented: the active rule, once");
	if (ret)
		dump(&d);
	nfips_policy_free(p);
	nfips_diags_free(&d);

	/* The editor refuses to enable a commented line that is not a rule. */
	ret = load_text(head, &p, &d);
	nfips_diags_free(&d);
	if (!ret) {
		struct nfips_edit e = { .op = NFIPS_EDIT_ENABLE, .sid = 126, .by = "x",
					.now = NOW };
		char *out = NULL;
		size_t len;

		ret = nfips_policy_edit(p, head, strlen(head), &e, &out, &len, &d);
		tap_ok(&T, ret == -1 && !out && d.n && strstr(d.v[0].msg, "not a valid rule"),
		       "enable of a commented line that does not parse is refused");
		e.sid = 125;
		nfips_diags_free(&d);
		ret = nfips_policy_edit(p, head, strlen(head), &e, &out, &len, &d);
		tap_ok(&T, ret == 1 && out && strstr(out, "{ sid = 125; enable = true; }"),
		       "enable of a commented rule by its parsed sid");
		free(out);
		nfips_diags_free(&d);
		nfips_policy_free(p);
	} else {
		tap_ok(&T, 0, "r3 policy loads");
	}
}

/* nfips_policy_apply() on a rule set the caller parsed. */
static int collect(void *arg, struct nfips_rule *r, const struct nfips_err *e)
{
	struct { struct nfips_rule *v[16]; size_t n; } *s = arg;

	if (r && s->n < 16)
		s->v[s->n++] = r;
	else if (r)
		nfips_rule_free(r);
	(void)e;
	return 0;
}

static void count_change(void *arg, const struct nfips_policy_change *c)
{
	(*(int *)arg)++;
	(void)c;
}

static void test_apply(void)
{
	struct { struct nfips_rule *v[16]; size_t n; } s = { .n = 0 };
	struct nfips_diags d;
	struct nfips_policy *p;
	struct nfips_parse_ctx ctx;
	int calls = 0;
	size_t n, i, changes;
	const char *pol =
		"overrides = ( { sid = 1000001; disable = true; } );\n"
		"approvals = ( { sid = 1000002; approved_by = \"x\"; when = \"2026-12-01\"; "
		"until = \"2026-12-10\"; } );\n";

	if (load_case(pol, &p, &d)) {
		tap_ok(&T, 0, "apply: policy loads");
		dump(&d);
		nfips_diags_free(&d);
		return;
	}
	ctx = (struct nfips_parse_ctx){ .vars = &p->vars };
	nfips_rules_parse_buf("ext", rules_text, sizeof(rules_text) - 1, &ctx, collect, &s);
	n = s.n;
	changes = nfips_policy_apply(p, NOW, s.v, &n, count_change, &calls);
	tap_ok(&T, n == 5 && changes == 4 && calls == 4,
	       "apply to a parsed set: one disabled, three drop/reject without approval "
	       "(n=%zu changes=%zu)", n, changes);
	for (i = 0; i < n; i++)
		if (s.v[i]->sid == 1000002)
			tap_ok(&T, s.v[i]->action == NFIPS_ACTION_DROP,
			       "approved during its validity: drop");
	for (i = 0; i < n; i++)
		nfips_rule_free(s.v[i]);
	/* The same approval after its until: alert. */
	s.n = 0;
	nfips_rules_parse_buf("ext", rules_text, sizeof(rules_text) - 1, &ctx, collect, &s);
	n = s.n;
	nfips_policy_apply(p, NOW + 10 * 86400, s.v, &n, NULL, NULL);
	for (i = 0; i < n; i++) {
		if (s.v[i]->sid == 1000002)
			tap_ok(&T, s.v[i]->action == NFIPS_ACTION_ALERT,
			       "the same approval once expired: alert");
		nfips_rule_free(s.v[i]);
	}
	tap_ok(&T, nfips_policy_approved(p, 1, 1000002, NOW) &&
	       !nfips_policy_approved(p, 1, 1000002, NOW - 6 * 86400) &&
	       !nfips_policy_approved(p, 1, 1000002, NOW + 5 * 86400),
	       "approved(): from when, until the end of the until day");
	{
		size_t k;
		struct nfips_rule **v = nfips_policy_take_rules(p, &k);

		tap_ok(&T, v && k == 5 && p->nrules == 0, "take_rules hands the set over");
		for (i = 0; i < k; i++)
			nfips_rule_free(v[i]);
		free(v);
	}
	nfips_policy_free(p);
	nfips_diags_free(&d);
}

/* ---- validation: every error at its line ------------------------------ */

struct vcase {
	const char *text;		/* after the base (line 5 on) */
	enum nfips_diag_level level;
	const char *file;		/* suffix */
	uint32_t line;
	const char *msg;
};

static const struct vcase vcases[] = {
	{ "mdoe = \"learn\";\n", NFIPS_DIAG_ERROR, "p.conf", 5, "unknown key 'mdoe'" },
	{ "overrides = (\n { sid = 1000001; disabel = true; }\n);\n",
	  NFIPS_DIAG_ERROR, "p.conf", 6, "unknown key 'disabel' in overrides[0]" },
	{ "assets = { hosts = ( { address = \"10.0.0.1\"; name = \"a\"; critical = \"high\"; } ); };\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "unknown key 'critical'" },
	{ "contacts = (\n"
	  " { name = \"A\"; email = \"a@example.com\"; language = \"en\"; },\n"
	  " { name = \"B\"; email = \"b@example.com\"; language = \"en\"; },\n"
	  " { name = \"C\"; email = \"c@example.com\"; language = \"en\"; },\n"
	  " { name = \"D\"; email = \"d@example.com\"; language = \"en\"; }\n);\n",
	  NFIPS_DIAG_ERROR, "p.conf", 9, "at most 3 emergency contacts" },
	{ "contacts = ( { name = \"A\"; email = \"a.example.com\"; language = \"en\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "not an e-mail address" },
	{ "contacts = ( { name = \"A\"; email = \"a@localhost\"; language = \"en\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "not an e-mail address" },
	{ "contacts = ( { name = \"A\"; email = \"a@example.com\"; language = \"fr\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'language' must be one of en, ja" },
	{ "contacts = ( { name = \"A\"; language = \"en\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'email' is missing" },
	{ "serial = \"12\";\n", NFIPS_DIAG_ERROR, "p.conf", 5, "'serial' must be an integer" },
	{ "keep_versions = 1000;\n", NFIPS_DIAG_ERROR, "p.conf", 5, "between 0 and 100" },
	{ "overrides = ( { sid = 5000000000; disable = true; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "integer out of range" },
	{ "overrides = ( { sid = 0; disable = true; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'sid' must be between 1" },
	{ "overrides = (\n { sid = 1000001; disable = true; },\n { sid = 1000001; grade = \"low\"; }\n);\n",
	  NFIPS_DIAG_ERROR, "p.conf", 7, "duplicate override of sid 1000001 (first at line 6)" },
	{ "overrides = ( { sid = 1000001; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "changes nothing" },
	{ "overrides = ( { sid = 1000001; disable = true; enable = true; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "both disable and enable" },
	{ "overrides = ( { sid = 1000001; action = \"block\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'action' must be one of alert, drop, reject, pass" },
	{ "overrides = ( { sid = 1000001; grade = \"severe\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'grade' must be one of emergency, high, medium, low, ignore" },
	{ "overrides = ( { sid = 1000001; disable = 1; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'disable' must be true or false" },
	{ "overrides = { sid = 1; };\n", NFIPS_DIAG_ERROR, "p.conf", 5, "must be a list" },
	{ "approvals = (\n { sid = 4242; approved_by = \"x\"; when = \"2026-01-01\"; }\n);\n",
	  NFIPS_DIAG_ERROR, "p.conf", 6, "approval of sid 4242: no rule file defines it" },
	{ "approvals = ( { sid = 1000002; approved_by = \"x\"; when = \"2026-13-01\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "is not an ISO 8601 date" },
	{ "approvals = ( { sid = 1000002; approved_by = \"x\"; when = \"2026-02-30\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "is not an ISO 8601 date" },
	{ "approvals = ( { sid = 1000002; approved_by = \"x\"; when = \"2026-06-01\"; "
	  "until = \"2026-05-01\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "ends before it starts" },
	{ "approvals = ( { sid = 1000002; when = \"2026-06-01\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'approved_by' is missing" },
	{ "approvals = (\n { sid = 1000002; approved_by = \"x\"; when = \"2026-06-01\"; },\n"
	  " { sid = 1000002; approved_by = \"y\"; when = \"2026-07-01\"; }\n);\n",
	  NFIPS_DIAG_ERROR, "p.conf", 7, "duplicate approval of sid 1000002" },
	{ "approvals = ( { sid = 1000002; approved_by = \"x\"; when = \"2025-01-01\"; "
	  "until = \"2025-12-31\"; } );\n",
	  NFIPS_DIAG_WARNING, "p.conf", 5, "expired at 2026-01-01T00:00:00Z: not applied" },
	{ "approvals = ( { sid = 1000001; approved_by = \"x\"; when = \"2025-01-01\"; } );\n",
	  NFIPS_DIAG_WARNING, "p.conf", 5, "has no effect: the rule's action is alert" },
	{ "overrides = ( { sid = 4243; disable = true; } );\n",
	  NFIPS_DIAG_WARNING, "p.conf", 5, "override of sid 4243: no rule file defines it" },
	{ "thresholds = ( { sid = 1000001; type = \"limit\"; track = \"by_foo\"; count = 1; "
	  "seconds = 60; } );\n", NFIPS_DIAG_ERROR, "p.conf", 5, "'track' must be one of" },
	{ "thresholds = ( { sid = 1000001; type = \"rate\"; track = \"by_src\"; count = 1; "
	  "seconds = 60; } );\n", NFIPS_DIAG_ERROR, "p.conf", 5, "'type' must be one of" },
	{ "thresholds = ( { sid = 1000001; type = \"limit\"; track = \"by_src\"; count = 0; "
	  "seconds = 60; } );\n", NFIPS_DIAG_ERROR, "p.conf", 5, "'count' must be between 1" },
	{ "thresholds = ( { sid = 1000001; type = \"limit\"; track = \"by_src\"; count = 1; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'seconds' is missing" },
	{ "suppressions = ( { sid = 1000001; track = \"by_src\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'track' and 'ip' go together" },
	{ "suppressions = ( { sid = 1000001; track = \"by_src\"; ip = \"10.0.0.300\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "suppression 'ip'" },
	{ "suppressions = ( { sid = 1000001; track = \"by_rule\"; ip = \"10.0.0.1\"; } );\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'track' must be one of by_src, by_dst, by_either" },
	{ "assets = { hosts = ( { address = \"10.0.0.1/24\"; name = \"a\"; } ); };\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "a host is one address" },
	{ "assets = { networks = ( { address = \"10.0.0.1/24\"; name = \"a\"; } ); };\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "host bits set" },
	{ "assets = { networks = ( { address = \"10.0.0.0\"; name = \"a\"; } ); };\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "needs a prefix length" },
	{ "assets = { hosts = ( { address = \"10.0.0.256\"; name = \"a\"; } ); };\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "not an IPv4 or IPv6 address" },
	{ "assets = { hosts = ( { address = \"10.0.0.1\"; name = \"a\"; os = \"plan9\"; } ); };\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "'os' must be one of linux" },
	{ "assets = { hosts = (\n { address = \"2001:db8::1\"; name = \"a\"; },\n"
	  " { address = \"2001:db8:0::1\"; name = \"b\"; }\n); };\n",
	  NFIPS_DIAG_ERROR, "p.conf", 7, "listed twice (first at line 6)" },
	{ "assets = { hosts = ( { address = \"10.0.0.1\"; name = \"a\";\n"
	  " services = ( { proto = \"tcp\"; port = 70000; } ); } ); };\n",
	  NFIPS_DIAG_ERROR, "p.conf", 6, "'port' must be between 1 and 65535" },
	{ "assets = { hosts = ( { address = \"10.0.0.1\"; name = \"a\";\n"
	  " services = ( { proto = \"sctp\"; port = 7; } ); } ); };\n",
	  NFIPS_DIAG_ERROR, "p.conf", 6, "'proto' must be one of tcp, udp" },
	{ "stream = { midstream = \"no\"; };\n", NFIPS_DIAG_ERROR, "p.conf", 5,
	  "'midstream' must be true or false" },
	{ "stream = { depth = -1; };\n", NFIPS_DIAG_ERROR, "p.conf", 5, "'depth' must be between 0" },
	{ "incidents = { window = 10; };\n", NFIPS_DIAG_ERROR, "p.conf", 5,
	  "'window' must be between 60" },
	{ "incidents = { windw = 600; };\n", NFIPS_DIAG_ERROR, "p.conf", 5, "unknown key 'windw'" },
	{ "notify = { grade = \"ignore\"; };\n", NFIPS_DIAG_ERROR, "p.conf", 5,
	  "notify.grade: 'ignore' is never mailed" },
	{ "notify = { grade = \"urgent\"; };\n", NFIPS_DIAG_ERROR, "p.conf", 5,
	  "'grade' must be one of emergency, high" },
	{ "notify = { every = 0; };\n", NFIPS_DIAG_ERROR, "p.conf", 5, "'every' must be between 1" },
	{ "notify = { max_per_hour = 0; };\n", NFIPS_DIAG_ERROR, "p.conf", 5,
	  "'max_per_hour' must be between 1" },
	{ "notify = { digest_hour = 24; };\n", NFIPS_DIAG_ERROR, "p.conf", 5,
	  "'digest_hour' must be between 0" },
	{ "notify = { reports = \"weekly\"; };\n", NFIPS_DIAG_ERROR, "p.conf", 5,
	  "'reports' must be one of none, daily, monthly, both, not 'weekly'" },
	{ "a = 1;\n@include \"/etc/passwd\"\n", NFIPS_DIAG_ERROR, "p.conf", 6,
	  "@include and other directives are not allowed" },
	{ "overrides = ( { sid = 1000001; disable = true; }\n", NFIPS_DIAG_ERROR, "p.conf", 6,
	  "syntax error" },
	{ "customer = { id = \"x\"; name = \"y\"; };\n", NFIPS_DIAG_ERROR, "p.conf", 5,
	  "duplicate setting" },
	{ "overrides = ( { sid = 1000001; disable = true; } ); note = \"a\nb\";\n",
	  NFIPS_DIAG_ERROR, "p.conf", 5, "newline in string" },
};

static void test_validation(void)
{
	size_t i;

	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		const struct vcase *c = &vcases[i];
		struct nfips_diags d;
		struct nfips_policy *p = NULL;
		int ret = load_case(c->text, &p, &d);
		bool ok = has(&d, c->level, c->file, c->line, c->msg) &&
			  (c->level == NFIPS_DIAG_ERROR ? ret == -1 && !p : ret == 0 && p);

		if (!tap_ok(&T, ok, "%s at %s:%u: %s",
			    c->level == NFIPS_DIAG_ERROR ? "error" : "warning",
			    c->file, c->line, c->msg))
			dump(&d);
		nfips_policy_free(p);
		nfips_diags_free(&d);
	}
}

/* The customer's zone: UTC when absent, refused when not a real zone. */
static void test_timezone(void)
{
	static const char *const bad[] = { "Asia/Tokio", "../etc/passwd", "/etc/localtime",
					   "Asia/../UTC", "" };
	struct nfips_policy *p = NULL;
	struct nfips_diags d;
	char text[512];
	size_t i;

	tap_ok(&T, load_case("", &p, &d) == 0 && p && !strcmp(p->timezone, "UTC"),
	       "customer.timezone defaults to UTC");
	nfips_policy_free(p);
	nfips_diags_free(&d);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = NULL;
		snprintf(text, sizeof(text),
			 "customer = { id = \"acme\"; name = \"A\"; timezone = \"%s\"; };\n%s",
			 bad[i], strchr(base, '\n') + 1);
		if (!tap_ok(&T, load_text(text, &p, &d) == -1 && !p &&
			    has(&d, NFIPS_DIAG_ERROR, "p.conf", 1, "timezone"),
			    "customer.timezone '%s' refused at its line", bad[i]))
			dump(&d);
		nfips_policy_free(p);
		nfips_diags_free(&d);
	}
}

static void test_hostile(void)
{
	struct nfips_diags d;
	struct nfips_policy *p;
	char *big, path[256];
	int ret;
	const char *text;

	/* Several errors: all reported, each at its line. */
	ret = load_text("customer = { id = \"a b\"; name = \"x\"; };\n"
			"sensor = { id = \"s\"; typo = 1; };\n"
			"mode = \"enforcing\";\n"
			"rules = { files = [ \"t.rules\" ]; };\n"
			"contacts = ( { name = \"A\"; email = \"nope\"; language = \"en\"; } );\n",
			&p, &d);
	tap_ok(&T, ret == -1 && d.errors == 4 && has(&d, NFIPS_DIAG_ERROR, "p.conf", 1, "customer.id") &&
	       has(&d, NFIPS_DIAG_ERROR, "p.conf", 2, "unknown key 'typo'") &&
	       has(&d, NFIPS_DIAG_ERROR, "p.conf", 3, "'mode' must be one of learn, enforce") &&
	       has(&d, NFIPS_DIAG_ERROR, "p.conf", 5, "not an e-mail address"),
	       "every error reported, not only the first (%zu)", d.errors);
	nfips_diags_free(&d);

	ret = load_text("rules = { files = [ \"t.rules\" ]; };\n", &p, &d);
	tap_ok(&T, ret == -1 && has(&d, NFIPS_DIAG_ERROR, "p.conf", 0, "'customer' is missing") &&
	       has(&d, NFIPS_DIAG_ERROR, "p.conf", 0, "'mode' is missing"),
	       "missing required settings");
	nfips_diags_free(&d);

	/* Rule files: missing, with an error, with a duplicate sid. */
	text = "customer = { id = \"a\"; name = \"x\"; };\nsensor = { id = \"s\"; };\n"
	       "mode = \"learn\";\nrules = {\n files = [\n  \"missing.rules\",\n  \"bad.rules\"\n ];\n};\n";
	write_file("bad.rules", "# c\nalert tcp any any -> any 80 (msg:\"x\"; sid:1;)\n"
		   "alert tcp any any -> any 80 (msg:\"x\"; content:\"a\"; sid:1;)\n"
		   "alert tcp any any -> any 80 (msg:\"x\"; nosuchkw; sid:2;)\n", 160);
	ret = load_text(text, &p, &d);
	tap_ok(&T, ret == -1 && has(&d, NFIPS_DIAG_ERROR, "p.conf", 6, "missing.rules") &&
	       has(&d, NFIPS_DIAG_ERROR, "bad.rules", 3, "sid 1 is defined twice (also at") &&
	       has(&d, NFIPS_DIAG_ERROR, "bad.rules", 4, "nosuchkw"),
	       "rule files: unreadable at the policy line, rule errors and duplicate sids "
	       "at the rule file's line");
	if (ret != -1)
		dump(&d);
	nfips_diags_free(&d);

	/* Huge: refused by size before parsing. */
	big = malloc(NFIPS_POLICY_MAX_SIZE + 100);
	memset(big, '#', NFIPS_POLICY_MAX_SIZE + 100);
	write_file("big.conf", big, NFIPS_POLICY_MAX_SIZE + 100);
	free(big);
	snprintf(path, sizeof(path), "%s/big.conf", dir);
	memset(&d, 0, sizeof(d));
	ret = nfips_policy_load(path, NULL, &p, &d);
	tap_ok(&T, ret == -1 && d.n == 1 && strstr(d.v[0].msg, "larger than"),
	       "a huge file is refused by its size");
	nfips_diags_free(&d);

	/* Binary */
	write_file("bin.conf", "mode = \"learn\";\n\x7f" "ELF\x02\x01\x01\0\0\0", 27);
	snprintf(path, sizeof(path), "%s/bin.conf", dir);
	ret = nfips_policy_load(path, NULL, &p, &d);
	tap_ok(&T, ret == -1 && d.n == 1 && d.v[0].line == 2 && strstr(d.v[0].msg, "NUL byte"),
	       "a binary file is refused (NUL byte at line 2)");
	nfips_diags_free(&d);

	/* Not a regular file, missing */
	ret = nfips_policy_load("/dev/zero", NULL, &p, &d);
	tap_ok(&T, ret == -1 && strstr(d.v[0].msg, "not a regular file"), "/dev/zero is refused");
	nfips_diags_free(&d);
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	ret = nfips_policy_load(path, NULL, &p, &d);
	tap_ok(&T, ret == -1 && strstr(d.v[0].msg, "No such file"), "a missing file is an error");
	nfips_diags_free(&d);

	/* Deep nesting: an error, not a crash. */
	{
		size_t n = 20000, i;
		char *t = malloc(2 * n + 64), *o = t;

		o += sprintf(o, "a = ");
		for (i = 0; i < n; i++)
			*o++ = '(';
		for (i = 0; i < n; i++)
			*o++ = ')';
		strcpy(o, ";\n");
		ret = load_text(t, &p, &d);
		free(t);
		tap_ok(&T, ret == -1 && d.errors > 0, "deeply nested lists are an error");
		nfips_diags_free(&d);
	}
}

/* ---- edits ---------------------------------------------------------- */

static const char commented[] =
	"# ACME policy -- managed by the SOC\n"
	"customer = { id = \"acme\"; name = \"ACME\"; };  # customer comment\n"
	"sensor = { id = \"acme-gw1\"; };\n"
	"serial = 7;\n"
	"/* block comment\n   over lines */\n"
	"mode = \"learn\"; // learning until January\n"
	"rules = { files = [ \"t.rules\" ]; };\n"
	"overrides = (\n"
	"\t# noisy on the backup server\n"
	"\t{ sid = 1000003; grade = \"low\"; },\n"
	"\t{\n"
	"\t\tsid = 1000006;\n"
	"\t\tgrade = \"medium\";\t# asked by Taro\n"
	"\t}\n"
	");\n"
	"# approvals go here\n";

static char *edit(const char *text, const struct nfips_edit *e, int *ret,
		  struct nfips_diags *d)
{
	struct nfips_diags ld;
	struct nfips_policy *p;
	char *out = NULL;
	size_t len;

	if (load_text(text, &p, &ld)) {
		dump(&ld);
		nfips_diags_free(&ld);
		*ret = -2;
		return NULL;
	}
	nfips_diags_free(&ld);
	memset(d, 0, sizeof(*d));
	*ret = nfips_policy_edit(p, text, strlen(text), e, &out, &len, d);
	if (*ret < 0 && e->sid != 4242 && e->op != NFIPS_EDIT_REVOKE && !(e->has_until && e->until < NOW))
		dump(d);
	nfips_policy_free(p);
	return out;
}

/* Every comment line of @orig still in @text. */
static bool comments_kept(const char *orig, const char *text)
{
	const char *marks[] = { "# ACME policy -- managed by the SOC", "# customer comment",
		"/* block comment\n   over lines */", "// learning until January",
		"# noisy on the backup server", "# asked by Taro", "# approvals go here" };
	size_t i;

	(void)orig;
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (!strstr(text, marks[i]))
			return false;
	return true;
}

static bool loads(const char *text, struct nfips_policy **p)
{
	struct nfips_diags d;
	int ret = load_text(text, p, &d);

	if (ret)
		dump(&d);
	nfips_diags_free(&d);
	return !ret;
}

static void test_edits(void)
{
	struct nfips_edit e = { .by = "suzuki", .now = NOW };
	struct nfips_diags d;
	struct nfips_policy *p;
	char *t1, *t2, *t3, *t4, *t5;
	int ret;

	/* disable a sid without an override entry: appended */
	e.op = NFIPS_EDIT_DISABLE;
	e.sid = 1000001;
	e.comment = "false positive\non backups";
	t1 = edit(commented, &e, &ret, &d);
	tap_ok(&T, ret == 1 && t1 && comments_kept(commented, t1), "disable: comments survive");
	tap_ok(&T, t1 && strstr(t1, "\t},\n\t{ sid = 1000001; disable = true; }\n);") &&
	       strstr(t1, "serial = 8;") &&
	       strstr(t1, "# 2026-12-06T00:00:00Z serial 8 by suzuki: disable 1000001: "
		      "false positive on backups\n"), "disable: entry appended, serial bumped, "
	       "history line with who, when and why");
	if (t1 && loads(t1, &p)) {
		tap_ok(&T, !find_rule(p, 1000001) && p->serial == 8, "disable: the rule is gone");
		nfips_policy_free(p);
	} else {
		tap_ok(&T, 0, "disable: result loads");
	}
	nfips_diags_free(&d);

	/* disable again: nothing to change */
	t2 = t1 ? edit(t1, &e, &ret, &d) : NULL;
	tap_ok(&T, ret == 0 && !t2, "disable of a disabled sid changes nothing");
	nfips_diags_free(&d);

	/* disable a sid inside a multi-line entry: key inserted with its indentation */
	e.sid = 1000006;
	e.comment = NULL;
	t2 = edit(t1, &e, &ret, &d);
	tap_ok(&T, ret == 1 && t2 && strstr(t2, "\t\tgrade = \"medium\";\t# asked by Taro\n"
					     "\t\tdisable = true;\n\t}"),
	       "disable: key added in a multi-line entry, indented, its comment kept");
	nfips_diags_free(&d);

	/* enable 1000001: the entry goes away with the line */
	e.op = NFIPS_EDIT_ENABLE;
	e.sid = 1000001;
	t3 = t2 ? edit(t2, &e, &ret, &d) : NULL;
	tap_ok(&T, ret == 1 && t3 && !strstr(t3, "sid = 1000001") && strstr(t3, "\t}\n);") &&
	       comments_kept(commented, t3), "enable: the override entry removed, list intact");
	nfips_diags_free(&d);

	/* enable a commented-out rule: enable = true */
	e.sid = 1000005;
	t4 = t3 ? edit(t3, &e, &ret, &d) : NULL;
	tap_ok(&T, ret == 1 && t4 && strstr(t4, "{ sid = 1000005; enable = true; }"),
	       "enable of a commented-out rule: enable = true");
	if (t4 && loads(t4, &p)) {
		tap_ok(&T, find_rule(p, 1000005) && p->serial == 11, "enable: the rule is in the set");
		nfips_policy_free(p);
	} else {
		tap_ok(&T, 0, "enable: result loads");
	}
	nfips_diags_free(&d);

	/* approve: new list appended before the history block; then revoke */
	e.op = NFIPS_EDIT_APPROVE;
	e.sid = 1000002;
	e.by = "Taro \"the boss\" Yamada";
	e.has_until = true;
	nfips_time_parse("2027-01-31", true, &e.until);
	e.until_text = "2027-01-31";
	e.ticket = "CHG-7";
	t5 = t4 ? edit(t4, &e, &ret, &d) : NULL;
	tap_ok(&T, ret == 1 && t5 &&
	       strstr(t5, "approvals = (\n\t{ sid = 1000002; approved_by = \"Taro \\\"the boss\\\" "
		      "Yamada\"; when = \"2026-12-06T00:00:00Z\"; until = \"2027-01-31\"; "
		      "ticket = \"CHG-7\"; }\n);\n") &&
	       strstr(t5, ");\n\n# ---- nfipsctl edit history") && comments_kept(commented, t5),
	       "approve: approvals list added before the history block, strings escaped");
	if (t5 && loads(t5, &p)) {
		struct nfips_rule *r = find_rule(p, 1000002);

		tap_ok(&T, r && r->action == NFIPS_ACTION_DROP, "approve: the drop rule drops");
		nfips_policy_free(p);
	} else {
		tap_ok(&T, 0, "approve: result loads");
	}
	nfips_diags_free(&d);
	free(t1);
	free(t2);
	free(t3);
	free(t4);
	t1 = t5;

	/* approve again (later until): the entry replaced, not duplicated */
	nfips_time_parse("2027-06-30", true, &e.until);
	e.until_text = NULL;
	e.ticket = NULL;
	e.by = "Alice";
	t2 = edit(t1, &e, &ret, &d);
	tap_ok(&T, ret == 1 && t2 && strstr(t2, "until = \"2027-07-01T00:00:00Z\"") &&
	       !strstr(t2, "CHG-7") && strstr(t2, "approved_by = \"Alice\""),
	       "approve again: the approval replaced");
	nfips_diags_free(&d);

	/* approve again: the entry's settings edited, the comments inside it kept */
	{
		static const char multi[] =
			"customer={id=\"a\";name=\"b\";};sensor={id=\"s\";};mode=\"learn\";"
			"rules={files=[\"t.rules\"];};\napprovals = (\n"
			"\t{\n"
			"\t\tsid = 1000002;\t# the drop rule\n"
			"\t\t# asked by phone, see the minutes\n"
			"\t\tapproved_by = \"x\";\n"
			"\t\twhen = \"2026-01-01\";\t# after the audit\n"
			"\t\tuntil = \"2027-12-31\";\n"
			"\t\tticket = \"CHG-1\";\t/* change board */\n"
			"\t}\n);\n";
		struct nfips_edit a = { .op = NFIPS_EDIT_APPROVE, .sid = 1000002, .by = "Alice",
					.now = NOW, .ticket = "CHG-2" };

		p = NULL;
		t3 = edit(multi, &a, &ret, &d);
		tap_ok(&T, ret == 1 && t3 &&
		       strstr(t3, "\t\tsid = 1000002;\t# the drop rule\n"
			      "\t\t# asked by phone, see the minutes\n"
			      "\t\tapproved_by = \"Alice\";\n"
			      "\t\twhen = \"2026-12-06T00:00:00Z\";\t# after the audit\n"
			      "\t\tticket = \"CHG-2\";\t/* change board */\n\t}\n);") &&
		       !strstr(t3, "until") && loads(t3, &p),
		       "approve again: settings edited in place, comments inside the entry kept");
		if (t3 && p) {
			tap_ok(&T, p->napprovals == 1 && !p->approvals[0].has_until &&
			       !strcmp(p->approvals[0].ticket, "CHG-2") &&
			       !strcmp(p->approvals[0].approved_by, "Alice"),
			       "... and says what the approve said");
			nfips_policy_free(p);
		}
		p = NULL;
		free(t3);
		nfips_diags_free(&d);
	}

	/* approve with until in the past, unknown sid: refused */
	e.until = NOW - 1;
	t3 = edit(t2, &e, &ret, &d);
	tap_ok(&T, ret == -1 && !t3 && d.n && strstr(d.v[0].msg, "not in the future"),
	       "approve with an until in the past is refused");
	nfips_diags_free(&d);
	e.has_until = false;
	e.sid = 4242;
	t3 = edit(t2, &e, &ret, &d);
	tap_ok(&T, ret == -1 && d.n && strstr(d.v[0].msg, "no rule file of the policy defines it"),
	       "approve of an unknown sid is refused");
	nfips_diags_free(&d);

	/* revoke: the entry removed; revoke again: error */
	e.op = NFIPS_EDIT_REVOKE;
	e.sid = 1000002;
	t3 = edit(t2, &e, &ret, &d);
	tap_ok(&T, ret == 1 && t3 && !strstr(t3, "sid = 1000002") && strstr(t3, "approvals = (\n);"),
	       "revoke: the approval removed");
	nfips_diags_free(&d);
	t4 = t3 ? edit(t3, &e, &ret, &d) : NULL;
	tap_ok(&T, ret == -1 && d.n && strstr(d.v[0].msg, "no Block approval to revoke"),
	       "revoke without an approval is an error");
	nfips_diags_free(&d);

	/* mode */
	e.op = NFIPS_EDIT_MODE;
	e.mode = NFIPS_POLICY_ENFORCE;
	t4 = t3 ? edit(t3, &e, &ret, &d) : NULL;
	tap_ok(&T, ret == 1 && t4 && strstr(t4, "mode = \"enforce\"; // learning until January"),
	       "mode: the value replaced, the comment after it kept");
	if (t4 && loads(t4, &p)) {
		tap_ok(&T, p->mode == NFIPS_POLICY_ENFORCE && p->serial == 15,
		       "mode: enforce, serial 15 after 8 edits");
		nfips_policy_free(p);
	} else {
		tap_ok(&T, 0, "mode: result loads");
	}
	nfips_diags_free(&d);
	free(t1);
	free(t2);
	free(t3);
	free(t4);

	/* Removing the last entry keeps a comment written above it. */
	e = (struct nfips_edit){ .op = NFIPS_EDIT_REVOKE, .sid = 1000004, .by = "x", .now = NOW };
	t1 = edit("customer={id=\"a\";name=\"b\";};sensor={id=\"s\";};mode=\"learn\";"
		  "rules={files=[\"t.rules\"];};\napprovals = (\n"
		  "\t{ sid = 1000002; approved_by = \"x\"; when = \"2026-01-01\"; },\n"
		  "\t# approved for the migration weekend\n"
		  "\t{ sid = 1000004; approved_by = \"x\"; when = \"2026-01-01\"; }\n);\n",
		  &e, &ret, &d);
	tap_ok(&T, ret == 1 && t1 && strstr(t1, "\t{ sid = 1000002; approved_by = \"x\"; "
					     "when = \"2026-01-01\"; }\n\t# approved for the "
					     "migration weekend\n);\n") && loads(t1, &p),
	       "revoke of the last entry: the comment above it kept");
	if (p)
		nfips_policy_free(p);
	p = NULL;
	nfips_diags_free(&d);
	free(t1);

	/* A file without serial, overrides or newline at the end. */
	e = (struct nfips_edit){ .op = NFIPS_EDIT_DISABLE, .sid = 1000001, .by = "x", .now = NOW };
	t1 = edit("customer={id=\"a\";name=\"b\";};sensor={id=\"s\";};mode=\"learn\";"
		  "rules={files=[\"t.rules\"];};", &e, &ret, &d);
	tap_ok(&T, ret == 1 && t1 && !strncmp(t1, "serial = 1;\ncustomer", 20) &&
	       strstr(t1, "\n\noverrides = (\n\t{ sid = 1000001; disable = true; }\n);\n") &&
	       loads(t1, &p), "minimal file: serial and overrides added");
	if (!ret)
		dump(&d);
	nfips_diags_free(&d);
	free(t1);
	if (p)
		nfips_policy_free(p);
}

/* Edits read integers as libconfig does, and change nothing else. */
static void test_edit_numbers(void)
{
	static const char nrules[] =
		"drop tcp any any -> any 80 (msg:\"eight\"; content:\"eight\"; sid:8; rev:1;)\n"
		"drop tcp any any -> any 80 (msg:\"ten\"; content:\"ten\"; sid:10; rev:1;)\n";
	static const char pol[] =
		"customer = { id = \"acme\"; name = \"Acme\"; };\nsensor = { id = \"gw1\"; };\n"
		"mode = \"enforce\";\nrules = { files = [ \"n.rules\" ]; };\n"
		"approvals = (\n"
		"\t{ sid = 010; approved_by = \"cust\"; when = \"2026-01-01\"; }   # sid 10\n"
		");\n";
	static const char hexpol[] =
		"customer = { id = \"acme\"; name = \"Acme\"; };\nsensor = { id = \"gw1\"; };\n"
		"mode = \"enforce\";\nrules = { files = [ \"n.rules\" ]; };\n"
		"overrides = ( { gid = 0x1; sid = 0xA; grade = \"low\"; } );\n";
	static const char incomment[] =
		"/* Acme policy\n"
		"   owner: SOC */ customer = { id = \"acme\"; name = \"Acme\"; };\n"
		"sensor = { id = \"gw1\"; };\nmode = \"learn\";\nrules = { files = [ \"n.rules\" ]; };\n";
	struct nfips_edit e = { .op = NFIPS_EDIT_APPROVE, .sid = 8, .by = "alice", .now = NOW };
	struct nfips_policy *p = NULL, *q = NULL;
	struct nfips_diags d;
	char *t;
	int ret;

	write_file("n.rules", nrules, sizeof(nrules) - 1);
	/* approve 8 must not take sid 010 (10) for 8: a new entry, 10's kept */
	t = edit(pol, &e, &ret, &d);
	tap_ok(&T, ret == 1 && t && strstr(t, "{ sid = 010; approved_by = \"cust\"; when = "
					   "\"2026-01-01\"; },   # sid 10") &&
	       strstr(t, "{ sid = 8; approved_by = \"alice\";") && loads(t, &q) &&
	       q->napprovals == 2 && nfips_policy_approved(q, 1, 10, NOW) &&
	       nfips_policy_approved(q, 1, 8, NOW),
	       "approve 8 next to sid = 010: 010 is 10 (decimal, as libconfig), kept");
	nfips_policy_free(q);
	q = NULL;
	nfips_diags_free(&d);
	free(t);
	e.op = NFIPS_EDIT_REVOKE;
	t = edit(pol, &e, &ret, &d);
	tap_ok(&T, ret == -1 && !t, "revoke 8 with only sid = 010 approved: nothing to revoke");
	nfips_diags_free(&d);
	e.sid = 10;
	t = edit(pol, &e, &ret, &d);
	tap_ok(&T, ret == 1 && t && !strstr(t, "sid = 010") && loads(t, &q) && !q->napprovals,
	       "revoke 10 removes the sid = 010 entry");
	nfips_policy_free(q);
	q = NULL;
	nfips_diags_free(&d);
	free(t);
	/* hex, as libconfig reads it */
	e.op = NFIPS_EDIT_DISABLE;
	t = edit(hexpol, &e, &ret, &d);
	tap_ok(&T, ret == 1 && t && strstr(t, "{ gid = 0x1; sid = 0xA; grade = \"low\"; "
					   "disable = true; }") && loads(t, &q) &&
	       q->noverrides == 1, "disable 10 edits the entry of gid = 0x1; sid = 0xA");
	nfips_policy_free(q);
	q = NULL;
	nfips_diags_free(&d);
	free(t);

	/* The serial goes before the first setting, not into a comment ending on its line. */
	e.sid = 8;
	t = edit(incomment, &e, &ret, &d);
	tap_ok(&T, ret == 1 && t && strstr(t, "   owner: SOC */ serial = 1; customer = {") &&
	       loads(t, &q) && q->serial == 1, "serial added after a comment ending on the "
	       "first setting's line");
	if (q && load_text(incomment, &p, &d) == 0)
		tap_ok(&T, nfips_policy_edit_done(p, q, &e), "... and the edit checks out");
	else
		tap_ok(&T, 0, "... and the edit checks out");
	nfips_policy_free(p);
	nfips_policy_free(q);
	p = q = NULL;
	nfips_diags_free(&d);
	free(t);

	/* edit_done: the serial, and every other entry unchanged. */
	e = (struct nfips_edit){ .op = NFIPS_EDIT_APPROVE, .sid = 8, .by = "alice", .now = NOW };
	if (load_text(pol, &p, &d) == 0) {
		nfips_diags_free(&d);
		load_text("serial = 1;\ncustomer = { id = \"acme\"; name = \"Acme\"; };\n"
			  "sensor = { id = \"gw1\"; };\nmode = \"enforce\";\n"
			  "rules = { files = [ \"n.rules\" ]; };\napprovals = (\n"
			  "\t{ sid = 8; approved_by = \"alice\"; when = \"2026-12-06T00:00:00Z\"; }\n"
			  ");\n", &q, &d);
		tap_ok(&T, q && !nfips_policy_edit_done(p, q, &e),
		       "edit_done: an approve that lost another sid's approval fails");
		nfips_policy_free(q);
		q = NULL;
		nfips_diags_free(&d);
		load_text("customer = { id = \"acme\"; name = \"Acme\"; };\n"
			  "sensor = { id = \"gw1\"; };\nmode = \"enforce\";\n"
			  "rules = { files = [ \"n.rules\" ]; };\napprovals = (\n"
			  "\t{ sid = 10; approved_by = \"cust\"; when = \"2026-01-01\"; },\n"
			  "\t{ sid = 8; approved_by = \"alice\"; when = \"2026-12-06T00:00:00Z\"; }\n"
			  ");\n", &q, &d);
		tap_ok(&T, q && !nfips_policy_edit_done(p, q, &e),
		       "edit_done: an edit that left the serial fails");
		nfips_policy_free(q);
		nfips_policy_free(p);
	} else {
		tap_ok(&T, 0, "policy with sid = 010 loads");
	}
	nfips_diags_free(&d);
}

/* ---- atomic rewrite ------------------------------------------------- */

static int count_tmp(void)
{
	DIR *dd = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (dd && (de = readdir(dd)))
		if (de->d_name[0] == '.' && strstr(de->d_name, ".w.conf."))
			n++;
	if (dd)
		closedir(dd);
	return n;
}

static void test_rewrite(void)
{
	struct nfips_policy_txn *t;
	char path[256], err[256], v[32], name[64], *s;
	struct stat st;
	int i, ok = 1;
	size_t len;

	snprintf(path, sizeof(path), "%s/w.conf", dir);
	write_file("w.conf", "v0\n", 3);
	chmod(path, 0640);
	for (i = 1; i <= 5; i++) {
		snprintf(v, sizeof(v), "v%d\n", i);
		if (nfips_policy_txn_begin(path, &t, err, sizeof(err))) {
			ok = 0;
			tap_diag("%s", err);
			break;
		}
		s = (char *)nfips_policy_txn_text(t, &len);
		if (len != 3 || s[1] != '0' + i - 1)
			ok = 0;
		if (nfips_policy_txn_stage(t, v, 3, err, sizeof(err)) ||
		    nfips_policy_txn_commit(t, 3, err, sizeof(err))) {
			tap_diag("%s", err);
			ok = 0;
		}
		nfips_policy_txn_end(t);
	}
	tap_ok(&T, ok, "five rewrites through begin/stage/commit");
	s = read_file("w.conf");
	tap_ok(&T, s && !strcmp(s, "v5\n"), "the file holds the last version");
	free(s);
	for (i = 1; i <= 3; i++) {
		snprintf(name, sizeof(name), "w.conf.%d", i);
		s = read_file(name);
		snprintf(v, sizeof(v), "v%d\n", 5 - i);
		ok = s && !strcmp(s, v);
		free(s);
		if (!ok)
			break;
	}
	s = read_file("w.conf.4");
	tap_ok(&T, ok && !s, "history: w.conf.1..3 are the previous versions, newest first; "
	       "no w.conf.4 with keep 3");
	free(s);
	tap_ok(&T, !stat(path, &st) && (st.st_mode & 07777) == 0640,
	       "the file's mode is kept (0640)");
	tap_ok(&T, count_tmp() == 0, "no temporary file left");

	/* staged but not committed (a failed apply): the file untouched */
	nfips_policy_txn_begin(path, &t, err, sizeof(err));
	nfips_policy_txn_stage(t, "xx\n", 3, err, sizeof(err));
	tap_ok(&T, count_tmp() == 1, "stage writes a temporary file in the same directory");
	nfips_policy_txn_end(t);
	s = read_file("w.conf");
	tap_ok(&T, s && !strcmp(s, "v5\n") && count_tmp() == 0,
	       "end without commit: file untouched, temporary file removed");
	free(s);
	s = read_file("w.conf.1");
	tap_ok(&T, s && !strcmp(s, "v4\n"), "end without commit: history untouched");
	free(s);

	/* keep 0: no history */
	nfips_policy_txn_begin(path, &t, err, sizeof(err));
	nfips_policy_txn_stage(t, "v6\n", 3, err, sizeof(err));
	nfips_policy_txn_commit(t, 0, err, sizeof(err));
	nfips_policy_txn_end(t);
	s = read_file("w.conf.1");
	tap_ok(&T, s && !strcmp(s, "v4\n"), "keep 0: the history is not rotated");
	free(s);

	tap_ok(&T, nfips_policy_txn_begin("/nonexistent/x.conf", &t, err, sizeof(err)) == -1 &&
	       strstr(err, "No such file"), "begin on a missing file fails with a message");
}

/*
 * An editor that is not root: rewrites @name (root:4242, 0644) as nobody
 * with the supplementary groups @groups, expecting the group @want_gid and
 * a warning about the owner, and about the group when @want_warning. The
 * child's exit status: 0 as expected, else which check failed.
 */
static int edit_as_nobody(const char *name, const gid_t *groups, int ngroups,
			  gid_t want_gid, bool want_warning)
{
	char path[256];
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "%s/own/%s", dir, name);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct nfips_policy_txn *t;
		const char *w;
		char err[256];
		struct stat st;

		if (setgroups((size_t)ngroups, groups) || setgid(65534) || setuid(65534))
			_exit(10);
		if (nfips_policy_txn_begin(path, &t, err, sizeof(err)))
			_exit(11);
		if (nfips_policy_txn_stage(t, "v1\n", 3, err, sizeof(err)))
			_exit(12);
		w = nfips_policy_txn_warning(t);
		/* the owner is nobody now (warned); the group only if lost */
		if (!w || !strstr(w, "owner") || !strstr(w, "group") != !want_warning)
			_exit(13);
		if (nfips_policy_txn_commit(t, 0, err, sizeof(err)))
			_exit(14);
		nfips_policy_txn_end(t);
		if (stat(path, &st))
			_exit(15);
		if (st.st_gid != want_gid)
			_exit(16);
		if ((st.st_mode & 07777) != 0644)
			_exit(17);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_rewrite_group(void)
{
	gid_t member[] = { 4242 }, other[] = { 4343 };
	char sub[128], path[256];
	int r1, r2;

	if (geteuid()) {
		tap_ok(&T, 1, "# SKIP group kept by an editor that is not root: needs root "
		       "to become nobody");
		return;
	}
	snprintf(sub, sizeof(sub), "%s/own", dir);
	if (chmod(dir, 0711) || mkdir(sub, 0777) || chmod(sub, 0777)) {
		tap_ok(&T, 0, "group test: setup");
		return;
	}
	write_file("own/g.conf", "v0\n", 3);
	snprintf(path, sizeof(path), "%s/g.conf", sub);
	if (chown(path, 0, 4242) || chmod(path, 0644)) {
		tap_ok(&T, 0, "group test: setup");
		return;
	}
	r1 = edit_as_nobody("g.conf", member, 1, 4242, false);
	tap_ok(&T, r1 == 0, "an editor in the file's group keeps the group and the mode "
	       "(status %d)", r1);
	if (chown(path, 0, 4242) || chmod(path, 0644))
		tap_ok(&T, 0, "group test: setup");
	r2 = edit_as_nobody("g.conf", other, 1, 65534, true);
	tap_ok(&T, r2 == 0, "an editor outside the file's group: the group is lost, with a "
	       "warning; the mode kept (status %d)", r2);
	chmod(dir, 0700);
}

/* nfipsctl push's per-gateway variables (nfips_policy_set_var). */
static void test_set_var(void)
{
	static const char text[] =
		"# keep me\n"
		"rules = { files = [ \"t.rules\" ];\n"
		"  variables = { address_groups = { HOME_NET = \"[10.0.0.0/8]\"; # ours\n"
		"                                  EXTERNAL_NET = \"!$HOME_NET\"; };\n"
		"                port_groups = { HTTP_PORTS = \"80\"; }; }; };\n";
	struct nfips_diags d = { 0 };
	char *out = NULL;
	size_t len = 0;
	int r;

	r = nfips_policy_set_var("p.conf", text, sizeof(text) - 1, "HOME_NET",
				 "[192.168.1.0/24, 10.9.0.0/16]", &out, &len, &d);
	tap_ok(&T, r == 0 && out && strlen(out) == len &&
	       strstr(out, "HOME_NET = \"[192.168.1.0/24, 10.9.0.0/16]\"; # ours\n") &&
	       strstr(out, "# keep me\n") && strstr(out, "EXTERNAL_NET = \"!$HOME_NET\""),
	       "set_var: only the value's text changes");
	free(out);
	r = nfips_policy_set_var("p.conf", text, sizeof(text) - 1, "HTTP_PORTS", "8080",
				 &out, &len, &d);
	tap_ok(&T, r == 0 && strstr(out, "HTTP_PORTS = \"8080\";"), "set_var: a port group");
	free(out);
	r = nfips_policy_set_var("p.conf", text, sizeof(text) - 1, "SMTP_SERVERS", "any",
				 &out, &len, &d);
	tap_ok(&T, r == -1 && !out && d.n == 1 && strstr(d.v[0].msg, "SMTP_SERVERS"),
	       "set_var: a variable the policy does not define is an error");
	nfips_diags_free(&d);
	memset(&d, 0, sizeof(d));
	r = nfips_policy_set_var("p.conf", text, sizeof(text) - 1, "HOME_NET", "a\"b",
				 &out, &len, &d);
	tap_ok(&T, r == -1 && !out && d.n == 1, "set_var: a value with a quote is refused");
	nfips_diags_free(&d);
}

static void test_time(void)
{
	time_t t;

	tap_ok(&T, !nfips_time_parse("2026-12-06", false, &t) && t == NOW &&
	       !nfips_time_parse("2026-12-06", true, &t) && t == NOW + 86400 &&
	       !nfips_time_parse("2026-12-06T09:00:00+09:00", false, &t) && t == NOW &&
	       !nfips_time_parse("2026-12-06T00:00Z", false, &t) && t == NOW &&
	       !nfips_time_parse("2026-12-05T19:00:00.123-0500", false, &t) && t == NOW &&
	       nfips_time_parse("2026-12-06 00:00:00", false, &t) &&
	       nfips_time_parse("06/12/2026", false, &t) &&
	       nfips_time_parse("2026-12-06T24:00:00Z", false, &t) &&
	       nfips_time_parse("2026-12-06T00:00:00+25:00", false, &t),
	       "ISO 8601 dates and times");
}

/*
 * A policy without rules.variables (valid: suricata.yaml's defaults, a
 * warning) still resolves its suppressions' addresses: they used to be
 * left empty then, so a by_dst suppression silently suppressed nothing.
 */
static void test_supp_no_vars(void)
{
	struct nfips_policy *p = NULL;
	struct nfips_diags d;
	uint8_t a4[4], b4[4];

	inet_pton(AF_INET, "192.168.1.9", a4);
	inet_pton(AF_INET, "192.168.1.99", b4);
	if (!tap_ok(&T, !load_text("customer = { id = \"c\"; name = \"C\"; };\n"
				   "sensor = { id = \"s\"; };\nmode = \"learn\";\n"
				   "rules = { files = [ \"t.rules\" ]; };\n"
				   "suppressions = ( { sid = 1000006; track = \"by_dst\"; "
				   "ip = \"192.168.1.9\"; } );\n", &p, &d),
		    "a policy without rules.variables loads"))
		nfips_diags_print(&d, stderr);
	tap_ok(&T, p && nfips_policy_suppressed(p, 1, 1000006, AF_INET, b4, a4) &&
	       !nfips_policy_suppressed(p, 1, 1000006, AF_INET, a4, b4),
	       "... and its by_dst suppression suppresses that destination only");
	nfips_policy_free(p);
	nfips_diags_free(&d);
}

int main(void)
{
	strcpy(dir, "/tmp/nfips-policy-test.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	write_file("t.rules", rules_text, sizeof(rules_text) - 1);
	test_time();
	test_parse();
	test_apply();
	test_commented();
	test_validation();
	test_timezone();
	test_hostile();
	test_edits();
	test_edit_numbers();
	test_rewrite();
	test_rewrite_group();
	test_set_var();
	test_supp_no_vars();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			tap_diag("cannot remove %s", dir);
	}
	return tap_done(&T);
}
