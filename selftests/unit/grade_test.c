// SPDX-License-Identifier: GPL-2.0
/*
 * Grading (ctl/lib/grade/): a table of alerts, in time order, against a
 * policy with assets, overrides and its own grading table: the grade and
 * the words of the reason each must give. The cases share one
 * recent-attack table, so the escalation cases depend on the alerts
 * before them, as in a real log. Then the bounded table, the severity
 * knob, and that every shipped classtype is graded and documented.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "grade/grade.h"
#include "policy/policy.h"
#include "tap.h"

static struct tap T;

static const char policy_text[] =
	"customer = { id = \"acme\"; name = \"ACME\"; };\n"
	"sensor = { id = \"gw1\"; };\n"
	"mode = \"learn\";\n"
	"rules = { files = [ \"t.rules\" ]; variables = { address_groups = "
	"{ HOME_NET = \"10.0.0.0/8\"; }; }; };\n"
	"overrides = ( { sid = 9; grade = \"ignore\"; },\n"		/* line 5 */
	"              { sid = 10; grade = \"emergency\"; } );\n"
	"assets = {\n"
	"  hosts = (\n"
	"    { address = \"10.0.0.5\"; name = \"web1\"; os = \"linux\"; criticality = \"critical\";\n"
	"      services = ( { proto = \"tcp\"; port = 443; product = \"nginx 1.22\"; } ); },\n"
	"    { address = \"10.0.0.6\"; name = \"lin1\"; os = \"linux\"; },\n"
	"    { address = \"10.0.0.7\"; name = \"win1\"; os = \"windows\"; },\n"
	"    { address = \"10.0.0.8\"; name = \"db1\"; os = \"linux\";\n"
	"      services = ( { proto = \"tcp\"; port = 5432; product = \"postgresql\"; } ); },\n"
	"    { address = \"10.0.0.9\"; name = \"bare\"; },\n"
	"    { address = \"2001:db8::5\"; name = \"v6win\"; os = \"windows\"; criticality = \"critical\"; }\n"
	"  );\n"
	"  networks = ( { address = \"10.9.0.0/16\"; name = \"dmz\"; criticality = \"critical\"; } );\n"
	"};\n"
	"grading = { window = 600;\n"
	"  classtypes = ( { classtype = \"misc-activity\"; grade = \"medium\"; } ); };\n"; /* 22 */

#define WIN "affected_product Windows_XP_Vista_7_8_10_Server_32_64_Bit"

static const char *const rule_text[] = {
	"alert tcp any any -> any any (msg:\"win exploit\"; content:\"x\"; "
	"classtype:attempted-admin; metadata: " WIN ", signature_severity Major; sid:1;)",
	"alert tcp any any -> any any (msg:\"ET ATTACK_RESPONSE id check returned root\"; "
	"content:\"uid=0\"; classtype:bad-unknown; sid:2;)",
	"alert tcp any any -> any any (msg:\"trojan beacon\"; content:\"b\"; "
	"classtype:trojan-activity; sid:3;)",
	"alert tcp any any -> any any (msg:\"crit\"; content:\"c\"; classtype:attempted-recon; "
	"metadata: signature_severity Critical; sid:4;)",
	"alert tcp any any -> any any (msg:\"minor\"; content:\"m\"; classtype:attempted-admin; "
	"metadata: signature_severity Minor; sid:5;)",
	"alert tcp any any -> any any (msg:\"web\"; content:\"w\"; classtype:web-application-attack; "
	"metadata: attack_target Web_Server; sid:6;)",
	"alert tcp any any -> any any (msg:\"wp\"; content:\"p\"; classtype:web-application-attack; "
	"metadata: affected_product Wordpress, attack_target Web_Server; sid:7;)",
	"alert tcp any any -> any any (msg:\"misc\"; content:\"s\"; classtype:misc-activity; sid:8;)",
	"alert tcp any any -> any any (msg:\"overridden\"; content:\"o\"; classtype:attempted-admin; sid:9;)",
	"alert tcp any any -> any any (msg:\"to emergency\"; content:\"e\"; classtype:misc-activity; sid:10;)",
	"alert tcp any any -> any any (msg:\"scan\"; content:\"n\"; classtype:network-scan; sid:11;)",
	"alert tcp any any -> any any (msg:\"dos\"; content:\"d\"; classtype:attempted-dos; sid:12;)",
	"alert tcp any any -> any any (msg:\"info\"; content:\"i\"; classtype:trojan-activity; "
	"metadata: signature_severity Informational; sid:13;)",
	"alert tcp any any -> any any (msg:\"no class\"; content:\"q\"; priority:2; sid:14;)",
	"alert tcp any any -> any any (msg:\"decode\"; content:\"z\"; classtype:protocol-command-decode; "
	"sid:15;)",
	"alert tcp any any -> any any (msg:\"admin\"; content:\"a\"; classtype:attempted-admin; sid:16;)",
	"alert tcp any any -> any any (msg:\"win or linux\"; content:\"l\"; classtype:attempted-admin; "
	"metadata: " WIN ", affected_product Linux; sid:17;)",
	"alert tcp any any -> any any (msg:\"win or any\"; content:\"y\"; classtype:attempted-admin; "
	"metadata: " WIN ", affected_product Any; sid:18;)",
};

#define NRULES (sizeof(rule_text) / sizeof(rule_text[0]))

static struct nfips_rule *rules[NRULES + 1];	/* by sid: 1..NRULES */

struct gcase {
	const char *name;
	uint32_t sid;
	const char *src, *dst;
	uint64_t t;		/* seconds */
	enum nfips_grade want;
	unsigned int severity;
	const char *reason;	/* words the reason must contain */
};

#define EM NFIPS_GRADE_EMERGENCY
#define HI NFIPS_GRADE_HIGH
#define ME NFIPS_GRADE_MEDIUM
#define LO NFIPS_GRADE_LOW
#define IG NFIPS_GRADE_IGNORE
#define EXT "198.51.100.7"

static const struct gcase cases[] = {
	{ "a Windows exploit against a Linux host is low", 1, EXT, "10.0.0.6", 1000, LO, 3,
	  "classtype attempted-admin: high; target 10.0.0.6 (lin1) runs linux, not "
	  "affected_product Windows_XP" },
	{ "... and an attack-response from that host after it is not emergency",
	  2, "10.0.0.6", EXT, 1010, ME, 2, "classtype bad-unknown: medium" },
	{ "a Windows exploit against an unknown host is high", 1, EXT, "10.0.0.50", 1000, HI, 1,
	  "target 10.0.0.50 not described: vulnerable" },
	{ "a host with no os nor services counts as vulnerable", 1, EXT, "10.0.0.9", 1000, HI, 1,
	  "target 10.0.0.9 not described" },
	{ "an attack-response from the attacked host within the window is emergency",
	  2, "10.0.0.50", EXT, 1100, EM, 1,
	  "classtype bad-unknown: medium; source 10.0.0.50 was attacked 100 s before (sid 1): "
	  "emergency" },
	{ "... and outside the window is not", 2, "10.0.0.50", EXT, 1601, ME, 2, NULL },
	{ "a Windows exploit against a Windows host is high", 1, EXT, "10.0.0.7", 2000, HI, 1,
	  "classtype attempted-admin: high" },
	{ "trojan activity from it 10 minutes later is emergency", 3, "10.0.0.7", EXT, 2600, EM, 1,
	  "source 10.0.0.7 was attacked 600 s before" },
	{ "trojan activity from a host not attacked is high", 3, "10.0.0.20", EXT, 2600, HI, 1,
	  "classtype trojan-activity: high" },
	{ "an Informational trojan rule is low and does not escalate", 13, "10.0.0.7", EXT, 2610,
	  LO, 3, "signature_severity Informational: low" },
	{ "the override wins (ignore)", 9, EXT, "10.0.0.5", 3000, IG, 4,
	  "override line 5: ignore" },
	{ "the override wins (emergency)", 10, EXT, "10.0.0.50", 3000, EM, 1,
	  "override line 6: emergency" },
	{ "critical host: +1", 11, EXT, "10.0.0.5", 3000, ME, 2,
	  "classtype network-scan: low; target 10.0.0.5 (web1, critical): +1 -> medium" },
	{ "critical host: never beyond high", 16, EXT, "10.0.0.5", 3000, HI, 1,
	  "target 10.0.0.5 (web1, critical): +1, capped at high" },
	{ "critical network: +1", 12, EXT, "10.9.1.1", 3000, HI, 1,
	  "target 10.9.1.1 (dmz, critical): +1 -> high" },
	{ "critical IPv6 Windows host: high", 1, "2001:db8:ff::1", "2001:db8::5", 3000, HI, 1,
	  "target 2001:db8::5 (v6win, critical): +1, capped at high" },
	{ "signature_severity Critical: +1", 4, EXT, "10.0.0.50", 4000, HI, 1,
	  "classtype attempted-recon: medium; signature_severity Critical: high" },
	{ "signature_severity Minor: -1", 5, EXT, "10.0.0.50", 4000, ME, 2,
	  "signature_severity Minor: medium" },
	{ "a web attack on a host without a web server is low", 6, EXT, "10.0.0.8", 5000, LO, 3,
	  "target 10.0.0.8 (db1) has no attack_target Web_Server: low" },
	{ "a web attack on a web server is high", 6, EXT, "10.0.0.5", 5000, HI, 1,
	  "capped at high" },
	{ "a Wordpress attack on an nginx without Wordpress is low", 7, EXT, "10.0.0.5", 5000, LO, 3,
	  "(web1) has no affected_product Wordpress: low" },
	{ "one affected_product the host runs (Linux) keeps it vulnerable", 17, EXT, "10.0.0.6",
	  5000, HI, 1, "classtype attempted-admin: high" },
	{ "affected_product Any keeps the host vulnerable", 18, EXT, "10.0.0.6", 5000, HI, 1,
	  "classtype attempted-admin: high" },
	{ "the policy's grading table", 8, EXT, "10.0.0.50", 5000, ME, 2,
	  "classtype misc-activity: medium (policy line 21)" },
	{ "no classtype: the priority", 14, EXT, "10.0.0.50", 5000, ME, 2,
	  "no classtype, priority 2: medium" },
	{ "decode events are ignore, even on a critical host", 15, EXT, "10.0.0.5", 5000, IG, 4,
	  "classtype protocol-command-decode: ignore" },
};

static int addr(const char *s, uint8_t *out)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	return inet_pton(AF_INET6, s, out) == 1 ? 6 : 0;
}

static void grade_one(const struct nfips_grader *g, uint32_t sid, const char *src,
		      const char *dst, uint64_t t, struct nfips_grade_out *out)
{
	uint8_t s[16], d[16];
	struct nfips_grade_in in = { .rule = rules[sid], .src = s, .dst = d,
				     .ts_usec = t * 1000000 };

	in.family = (uint8_t)addr(src, s);
	addr(dst, d);
	nfips_grade(g, &in, out);
}

static struct nfips_policy *load(const char *text)
{
	struct nfips_policy_opts o = { .flags = NFIPS_POLICY_NO_RULES };
	struct nfips_diags d = { 0 };
	struct nfips_policy *p = NULL;

	if (nfips_policy_load_buf("/tmp/grade.conf", "/tmp", text, strlen(text), &o, &p, &d))
		nfips_diags_print(&d, stdout);
	nfips_diags_free(&d);
	return p;
}

static void table(void)
{
	struct nfips_policy *p = load(policy_text);
	struct nfips_grade_memory *m = nfips_grade_memory_new(0);
	struct nfips_grader *g = p && m ? nfips_grader_new(p, m) : NULL;
	struct nfips_grade_out out;
	size_t i;

	if (!tap_ok(&T, g != NULL, "policy with assets loads, grader made"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gcase *c = &cases[i];

		grade_one(g, c->sid, c->src, c->dst, c->t, &out);
		if (!tap_ok(&T, out.grade == c->want && out.severity == c->severity &&
			    (!c->reason || strstr(out.reason, c->reason)),
			    "%s", c->name))
			tap_diag("got %s (severity %u): %s", nfips_grade_name(out.grade),
				 out.severity, out.reason);
	}
	nfips_grader_free(g);
	nfips_grade_memory_free(m);
	nfips_policy_free(p);
}

/* A small table: bounded, the most recent attacks survive a flood. */
static void bounded(void)
{
	struct nfips_grade_memory *m = nfips_grade_memory_new(64);
	struct nfips_grader *g = m ? nfips_grader_new(NULL, m) : NULL;
	struct nfips_grade_memory_stats st;
	struct nfips_grade_out out;
	char a[32];
	int i;

	if (!tap_ok(&T, g != NULL, "grader without a policy: the default table"))
		return;
	for (i = 0; i < 5000; i++) {
		snprintf(a, sizeof(a), "10.1.%d.%d", i / 250, i % 250 + 1);
		grade_one(g, 1, EXT, a, 100 + (uint64_t)i / 100, &out);
	}
	nfips_grade_memory_stats(m, &st);
	tap_ok(&T, st.capacity == 64 && st.hosts <= 64 && st.evicted >= 5000 - 64,
	       "5000 attacked hosts in a 64-host table: %llu kept, %llu evicted",
	       (unsigned long long)st.hosts, (unsigned long long)st.evicted);
	grade_one(g, 3, "10.1.19.250", EXT, 160, &out);
	tap_ok(&T, out.grade == NFIPS_GRADE_EMERGENCY,
	       "the last host attacked is remembered: %s", out.reason);
	grade_one(g, 3, "10.1.0.1", EXT, 160, &out);
	tap_ok(&T, out.grade == NFIPS_GRADE_HIGH,
	       "the first host attacked was forgotten first: %s", out.reason);
	nfips_grader_free(g);
	nfips_grade_memory_free(m);
}

static void keep_priority(void)
{
	static const char extra[] = "grading = { keep_priority = true; window = 60; };\n";
	char text[sizeof(policy_text) + sizeof(extra)];
	struct nfips_policy *p;
	struct nfips_grader *g;
	struct nfips_grade_memory *m = nfips_grade_memory_new(0);
	struct nfips_grade_out out;
	char *cut;

	/* The policy above with its grading section replaced. */
	snprintf(text, sizeof(text), "%s", policy_text);
	cut = strstr(text, "grading = {");
	snprintf(cut, sizeof(text) - (size_t)(cut - text), "%s", extra);
	p = load(text);
	g = p && m ? nfips_grader_new(p, m) : NULL;
	if (!tap_ok(&T, g != NULL, "keep_priority policy loads"))
		return;
	grade_one(g, 14, EXT, "10.0.0.50", 10, &out);
	tap_ok(&T, out.grade == NFIPS_GRADE_MEDIUM && out.severity == 2,
	       "keep_priority: severity is the rule's priority (2)");
	grade_one(g, 1, EXT, "10.0.0.6", 10, &out);
	tap_ok(&T, out.grade == NFIPS_GRADE_LOW && out.severity == 3,
	       "keep_priority: a priority-3 rule keeps severity 3 (got %u)", out.severity);
	tap_ok(&T, nfips_grader_window(g) == 60000000ull, "grading.window = 60 s");
	grade_one(g, 1, EXT, "10.0.0.51", 100, &out);
	grade_one(g, 2, "10.0.0.51", EXT, 161, &out);
	tap_ok(&T, out.grade == NFIPS_GRADE_MEDIUM, "61 s after is outside a 60 s window");
	nfips_grader_free(g);
	nfips_grade_memory_free(m);
	nfips_policy_free(p);
}

static void bad_grading(void)
{
	static const char *const bad[][2] = {
		{ "grading = { window = 0; };", "window" },
		{ "grading = { classtypes = ( { classtype = \"x\"; grade = \"severe\"; } ); };",
		  "grade" },
		{ "grading = { classtypes = ( { classtype = \"unknown\"; grade = \"low\"; },"
		  " { classtype = \"unknown\"; grade = \"high\"; } ); };", "graded twice" },
		{ "grading = { windw = 10; };", "windw" },
		/* thresholds limit alerts; a rate_filter would change actions */
		{ "rate_filters = ( { sid = 1; new_action = \"pass\"; } );",
		  "rate_filters are not supported" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nfips_policy_opts o = { .flags = NFIPS_POLICY_NO_RULES };
		struct nfips_diags d = { 0 };
		struct nfips_policy *p = NULL;
		char text[4096], msg[512] = "", at[32];
		const char *g = strstr(policy_text, "grading =");
		int ret, line = 1;

		for (const char *c = policy_text; c < g; c++)
			line += *c == '\n';
		snprintf(at, sizeof(at), "g.conf:%d:", line);

		snprintf(text, sizeof(text), "%.*s%s\n",
			 (int)(strstr(policy_text, "grading =") - policy_text), policy_text,
			 bad[i][0]);
		ret = nfips_policy_load_buf("g.conf", "/tmp", text, strlen(text), &o, &p, &d);
		if (d.n)
			nfips_diag_str(&d.v[0], msg, sizeof(msg));
		tap_ok(&T, ret == -1 && strstr(msg, at) && strstr(msg, bad[i][1]),
		       "bad grading section refused with its line: %s", msg);
		nfips_diags_free(&d);
		nfips_policy_free(p);
	}
}

/* Every classtype of a classification file has a default grade. */
static void covered(const char *path, bool optional)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0, missing = 0;

	if (!f) {
		if (optional)
			printf("ok %d - # SKIP %s not here\n", ++T.n, path);
		else
			tap_ok(&T, 0, "%s readable", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *c = strstr(line, "config classification:");

		if (line[0] == '#' || !c)
			continue;
		c += strlen("config classification:");
		c += strspn(c, " ");
		c[strcspn(c, ",")] = '\0';
		n++;
		if (!nfips_grade_default(c)) {
			tap_diag("%s: %s has no default grade", path, c);
			missing++;
		}
	}
	fclose(f);
	tap_ok(&T, n > 30 && !missing, "every classtype of %s graded (%d)", path, n);
}

/* Documentation/policy.rst lists every default entry with its grade. */
static void documented(void)
{
	FILE *f = fopen("../../Documentation/policy.rst", "r");
	static char doc[1 << 17];
	const struct nfips_grade_class *t;
	size_t n, i, len;
	int bad = 0;

	len = f ? fread(doc, 1, sizeof(doc) - 1, f) : 0;
	doc[len] = '\0';
	if (f)
		fclose(f);
	t = nfips_grade_defaults(&n);
	for (i = 0; i < n; i++) {
		char want[96];

		snprintf(want, sizeof(want), "``%s`` %s", t[i].classtype,
			 nfips_grade_name(t[i].grade));
		if (!strstr(doc, want)) {
			tap_diag("policy.rst lacks \"%s\"", want);
			bad++;
		}
		if (i && strcmp(t[i - 1].classtype, t[i].classtype) >= 0)
			bad++;
	}
	tap_ok(&T, !bad, "the default table is sorted and documented line by line");
}

int main(void)
{
	char err[256];
	size_t i;

	for (i = 0; i < NRULES; i++) {
		struct nfips_err e;
		struct nfips_rule *r;

		if (nfips_rule_parse(rule_text[i], NULL, &r, &e)) {
			printf("Bail out! rule %zu: %s\n", i, nfips_err_str(&e, err, sizeof(err)));
			return 1;
		}
		rules[r->sid] = r;
	}
	table();
	bounded();
	keep_priority();
	bad_grading();
	covered("../../policies/classification.config", false);
	covered("/work/shared/data/et-open/classification.config", true);
	documented();
	for (i = 0; i <= NRULES; i++)
		nfips_rule_free(rules[i]);
	return tap_done(&T);
}
