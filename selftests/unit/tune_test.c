// SPDX-License-Identifier: GPL-2.0
/*
 * Learn-mode tuning (ctl/lib/tune/): a policy and a store holding a noisy
 * signature, one firing only at a host its assets say it cannot affect,
 * one firing at such a host and at one it can affect, a silent one, a
 * Block candidate, a drop rule graded high whose incident the customer
 * closed as a false positive and a plain one give exactly five
 * suggestions (disable, disable, suppress to that host, disable, approve), with their figures, in text, JSON and HTML;
 * applying them edits the policy as disable and approve do (history
 * lines, serial, the silent one only when named), and a Block approval
 * without an approver changes nothing.
 *
 * With a directory argument the policy and the store are left there
 * (tune_cli.sh runs nfipsctl tune against them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "policy/policy.h"
#include "store/store.h"
#include "tune/tune.h"
#include "tap.h"

static struct tap T;

static const char rules[] =
	"alert tcp any any -> any any (msg:\"NOISY ping sweep\"; content:\"noisy\";"
	" classtype:misc-activity; sid:2001; rev:1;)\n"
	"alert tcp any any -> any 445 (msg:\"WIN SMB exploit\"; content:\"smbx\";"
	" classtype:attempted-admin; metadata:affected_product"
	" Windows_XP_Vista_7_8_10_Server_32_64_Bit; sid:2002; rev:1;)\n"
	"alert tcp any any -> any 80 (msg:\"SILENT never seen\"; content:\"silent\";"
	" classtype:web-application-attack; sid:2003; rev:1;)\n"
	"drop tcp any any -> any 80 (msg:\"WEB struts RCE\"; content:\"struts\";"
	" classtype:web-application-attack; sid:2004; rev:1;)\n"
	"drop tcp any any -> any 80 (msg:\"WEB admin probe\"; content:\"admin\";"
	" classtype:web-application-attack; sid:2005; rev:1;)\n"
	"alert tcp any any -> any 22 (msg:\"SSH brute force\"; content:\"ssh\";"
	" classtype:attempted-user; sid:2006; rev:1;)\n"
	"alert tcp any any -> any 445 (msg:\"WIN SMB relay\"; content:\"smbr\";"
	" classtype:attempted-admin; metadata:affected_product"
	" Windows_XP_Vista_7_8_10_Server_32_64_Bit; sid:2007; rev:1;)\n";

static const char policy[] =
	"# tune_test's customer\n"
	"serial = 7;\n"
	"customer = { id = \"acme\"; name = \"ACME\"; timezone = \"UTC\"; };\n"
	"sensor = { id = \"acme-gw1\"; };\n"
	"mode = \"learn\";\n"
	"rules = { files = [ \"site.rules\" ];\n"
	"  variables = { address_groups = { HOME_NET = \"10.0.0.0/8\"; }; }; };\n"
	"assets = { hosts = (\n"
	"  { address = \"10.0.0.30\"; name = \"files\"; os = \"linux\"; }\n"
	"); };\n";

static struct nfips_store_alert batch[512];
static size_t nbatch;

static void add(int64_t t, int n, uint32_t sid, const char *msg, int nsrc,
		const char *dst, int grade, uint64_t incident)
{
	uint8_t lo[16], hi[16];
	char src[32];
	int i;

	for (i = 0; i < n; i++) {
		struct nfips_store_alert *a = &batch[nbatch++];

		memset(a, 0, sizeof(*a));
		/* one a minute: 150 alerts span three hours */
		a->ts = t + i * 60ll * 1000000;
		a->sequence = nbatch;
		a->gid = 1;
		a->sid = sid;
		a->rev = 1;
		snprintf(src, sizeof(src), "198.51.100.%d", 1 + i % nsrc);
		nfips_store_cidr(src, lo, hi);
		memcpy(a->src, lo, 16);
		nfips_store_cidr(dst, lo, hi);
		memcpy(a->dst, lo, 16);
		a->sport = 40000;
		a->dport = 80;
		a->proto = 6;
		a->grade = (int8_t)grade;
		a->incident = incident;
		a->incident_new = i == 0;
		snprintf(a->msg, sizeof(a->msg), "%s", msg);
	}
}

static int write_file(const char *dir, const char *name, const char *s)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fputs(s, f);
	return fclose(f);
}

static int64_t now_usec(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* The store: alerts of the last two days (tune's default period is 14). */
static int fill(const char *dir)
{
	struct nfips_store_opts o = { 0 };
	struct nfips_store *s;
	char path[512], err[512];
	int64_t t = (now_usec() / 3600000000 - 48) * 3600000000;
	int rc;

	snprintf(path, sizeof(path), "%s/alerts.db", dir);
	o.path = path;
	o.sync_normal = true;
	s = nfips_store_open(&o, err, sizeof(err), NULL);
	if (!s) {
		tap_diag("%s", err);
		return -1;
	}
	add(t, 150, 2001, "NOISY ping sweep", 30, "10.0.0.20", NFIPS_SGRADE_LOW, 1);
	add(t, 5, 2002, "WIN SMB exploit", 2, "10.0.0.30", NFIPS_SGRADE_LOW, 2);
	add(t, 6, 2004, "WEB struts RCE", 3, "10.0.0.20", NFIPS_SGRADE_HIGH, 3);
	add(t, 2, 2004, "WEB struts RCE", 1, "10.0.0.21", NFIPS_SGRADE_EMERGENCY, 4);
	add(t, 4, 2005, "WEB admin probe", 1, "10.0.0.20", NFIPS_SGRADE_HIGH, 5);
	add(t, 3, 2006, "SSH brute force", 1, "10.0.0.40", NFIPS_SGRADE_MEDIUM, 6);
	/* 2007: at the linux host (cannot work) and at one not described (can) */
	add(t, 1, 2007, "WIN SMB relay", 1, "10.0.0.30", NFIPS_SGRADE_LOW, 8);
	add(t, 1, 2007, "WIN SMB relay", 1, "10.0.0.50", NFIPS_SGRADE_MEDIUM, 9);
	/* an alert before the period: not counted */
	add(t - 20 * 86400ll * 1000000, 1, 2003, "SILENT never seen", 1, "10.0.0.20",
	    NFIPS_SGRADE_HIGH, 7);
	rc = nfips_store_put(s, batch, nbatch);
	/* the customer: 2005 was their own scanner */
	rc |= nfips_store_incident_set(s, 5, NFIPS_INCIDENT_CLOSED,
				       "False positive: our vulnerability scanner", "alice",
				       err, sizeof(err));
	/* a closed incident that was no false positive */
	rc |= nfips_store_incident_set(s, 3, NFIPS_INCIDENT_CLOSED, "attacker blocked upstream",
				       "alice", err, sizeof(err));
	nfips_store_close(s);
	return rc;
}

static const char *const want[] = {
	"block-2004", "unaffected-2002", "unaffected-2007", "noisy-2001", "silent-2003",
};

static void check_model(const struct nfips_tune *t)
{
	const struct nfips_tune_suggestion *s;
	size_t i;
	bool order = t->n == 5;

	for (i = 0; order && i < 5; i++)
		order = !strcmp(t->v[i].id, want[i]);
	if (!tap_ok(&T, order, "exactly block-2004, unaffected-2002, unaffected-2007, "
		    "noisy-2001, silent-2003 (got %zu)", t->n))
		for (i = 0; i < t->n; i++)
			tap_diag("%s: %s | %s", t->v[i].id, t->v[i].why, t->v[i].command);
	tap_ok(&T, t->total == 172 && t->nsigs == 6 && t->serial == 7,
	       "172 alerts of 6 signatures in the period, serial 7 (%llu, %zu)",
	       (unsigned long long)t->total, t->nsigs);
	tap_ok(&T, t->ntop == 6 && t->top[0].sid == 2001 && t->top[0].n == 150 &&
	       t->top[0].srcs == 30 && t->top[0].dsts == 1 && t->top[0].hours == 3 &&
	       t->top[0].share_pm == 872 && t->top[0].max_grade == NFIPS_SGRADE_LOW,
	       "noisiest: 2001, 150 alerts, 87.2%%, 30 sources, 1 target, 3 hours, low");
	s = nfips_tune_find(t, "block-2004");
	tap_ok(&T, s && s->kind == NFIPS_TUNE_BLOCK && s->by_default &&
	       strstr(s->why, "drop rule waiting for approval; 8 alerts") &&
	       !strcmp(s->command, "nfipsctl approve 2004 --policy P --by APPROVER "
		       "-m 'tune block-2004'"),
	       "block candidate: drop rule, 8 alerts high or above, approve command");
	s = nfips_tune_find(t, "unaffected-2002");
	tap_ok(&T, s && strstr(s->why, "10.0.0.30 (files) runs linux, not affected_product "
			       "Windows_XP") &&
	       !strcmp(s->command, "nfipsctl disable 2002 --policy P --by suzuki "
		       "-m 'tune unaffected-2002'"),
	       "unaffected: its only target runs linux; disable command");
	s = nfips_tune_find(t, "unaffected-2007");
	tap_ok(&T, s && s->action == NFIPS_TUNE_SUPPRESS && s->dst && !strcmp(s->dst, "10.0.0.30") &&
	       strstr(s->why, "1 of 2 targets are not affected, e.g. 10.0.0.30 (files) runs linux") &&
	       !strcmp(s->command, "nfipsctl suppress 2007 --dst 10.0.0.30 --policy P --by suzuki "
		       "-m 'tune unaffected-2007'"),
	       "unaffected at one of two targets: suppress to that one only");
	s = nfips_tune_find(t, "silent-2003");
	tap_ok(&T, s && !s->by_default, "silent: not applied unless named");
	tap_ok(&T, !nfips_tune_find(t, "block-2005") && !nfips_tune_find(t, "noisy-2005"),
	       "2005: graded high but closed as a false positive: no Block candidate");
	for (i = 0; i < t->ntop && t->top[i].sid != 2005; i++)
		;
	tap_ok(&T, i < t->ntop && t->top[i].fp == 1, "2005 shows its false positive");
}

static void check_render(const struct nfips_tune *t)
{
	struct nfips_sbuf b = { 0 };

	nfips_tune_text(t, &b);
	if (!tap_ok(&T, b.s && strstr(b.s, "Alerts:    172 from 6 signatures") &&
	       strstr(b.s, "      150  87.2%      30       1     3  low         0  1:2001       NOISY") &&
	       strstr(b.s, "Block candidates (approve): 1") &&
	       strstr(b.s, "  [noisy-2001] NOISY ping sweep\n      150 alerts (87.2%), 30 "
		      "sources, 1 targets, 3 hours; at most low\n"
		      "      nfipsctl disable 2001 --policy P --by suzuki -m 'tune noisy-2001'\n") &&
	       strstr(b.s, "nfipsctl tune --apply --serial 7 --policy P --since "),
	       "text: totals, the noisiest row, sections, commands, the apply line"))
		tap_diag("%s", b.s ? b.s : "(none)");
	nfips_sbuf_reset(&b);
	nfips_tune_json(t, &b);
	tap_ok(&T, b.s && strstr(b.s, "\"id\":\"noisy-2001\",\"kind\":\"noisy\",\"gid\":1,"
				 "\"sid\":2001") &&
	       strstr(b.s, "\"alerts\":172") && strstr(b.s, "\"applied_by_default\":false") &&
	       strstr(b.s, "\"action\":\"suppress\",\"why\":") && strstr(b.s, "\"dst\":\"10.0.0.30\""),
	       "json: suggestions with ids and kinds");
	nfips_sbuf_reset(&b);
	nfips_tune_html(t, &b);
	tap_ok(&T, b.s && strstr(b.s, "<style>") && !strstr(b.s, "<script") &&
	       !strstr(b.s, "http://") && !strstr(b.s, "https://") &&
	       strstr(b.s, "<section id=\"block\">") &&
	       strstr(b.s, "nfipsctl approve 2004 --policy P --by APPROVER -m &#39;tune "
		      "block-2004&#39;"),
	       "html: self-contained, a section per kind, commands escaped");
	nfips_sbuf_free(&b);
}

static void check_apply(const struct nfips_tune *t, const struct nfips_policy *p,
			const char *path)
{
	static const char *const ids[] = {
		"block-2004", "unaffected-2002", "unaffected-2007", "noisy-2001",
	};
	const struct nfips_tune_suggestion *sel[4];
	static const uint8_t any[4], files[4] = { 10, 0, 0, 30 }, other[4] = { 10, 0, 0, 50 };
	struct nfips_policy *neu = NULL;
	struct nfips_diags d = { 0 };
	char *out = NULL;
	size_t len, i;
	int rc;

	for (i = 0; i < 4; i++)
		sel[i] = nfips_tune_find(t, ids[i]);
	rc = nfips_tune_apply(p, path, policy, strlen(policy), sel, 4, "suzuki", NULL,
			      "first review", 0, &out, &len, &neu, &d);
	tap_ok(&T, rc == -1 && !out && d.n &&
	       strstr(d.v[d.n - 1].msg, "block-2004: a Block approval needs --approved-by"),
	       "a Block approval without an approver: refused, nothing out");
	nfips_diags_free(&d);
	rc = nfips_tune_apply(p, path, policy, strlen(policy), sel, 4, "suzuki", "tanaka",
			      "first review", 1765000000ll * 1000000, &out, &len, &neu, &d);
	tap_ok(&T, rc == 1 && neu && neu->serial == 11, "four suggestions: serial 7 -> 11");
	if (rc != 1) {
		nfips_diags_print(&d, stderr);
		goto out;
	}
	tap_ok(&T, nfips_policy_override(neu, 1, 2001) &&
	       nfips_policy_override(neu, 1, 2001)->disable &&
	       nfips_policy_override(neu, 1, 2002)->disable &&
	       !nfips_policy_override(neu, 1, 2003) &&
	       nfips_policy_approved(neu, 1, 2004, 1765000001) &&
	       !strcmp(nfips_policy_approved(neu, 1, 2004, 1765000001)->approved_by, "tanaka"),
	       "2001 and 2002 disabled, 2004 approved by tanaka, 2003 untouched");
	tap_ok(&T, nfips_policy_suppressed(neu, 1, 2007, AF_INET, any, files) &&
	       !nfips_policy_suppressed(neu, 1, 2007, AF_INET, any, other) &&
	       !nfips_policy_override(neu, 1, 2007),
	       "2007 suppressed to 10.0.0.30 only, still enabled");
	if (!tap_ok(&T, strstr(out, "# tune_test's customer\n") &&
	       strstr(out, "serial 8 by tanaka: approve 2004: tune block-2004 applied by "
		      "suzuki: first review\n") &&
	       strstr(out, "serial 9 by suzuki: disable 2002: tune unaffected-2002: "
		      "first review\n") &&
	       strstr(out, "serial 10 by suzuki: suppress 2007 by_dst 10.0.0.30: tune "
		      "unaffected-2007: first review\n") &&
	       strstr(out, "serial 11 by suzuki: disable 2001: tune noisy-2001: first "
		      "review\n"),
	       "the history says who, which suggestion and why; comments kept"))
		tap_diag("%s", out);
out:
	nfips_policy_free(neu);
	nfips_diags_free(&d);
	free(out);
}

/* Lower thresholds: 2006's three medium alerts are noise too, lowered not disabled. */
static void check_grade_low(struct nfips_store *s, const struct nfips_policy *p,
			    struct nfips_tune_opts o, const char *path)
{
	const struct nfips_tune_suggestion *g;
	struct nfips_policy *neu = NULL;
	struct nfips_diags d = { 0 };
	struct nfips_tune t;
	char err[256], *out = NULL;
	size_t len;

	o.min_count = 3;
	o.min_share = 1;
	if (!tap_ok(&T, !nfips_tune_build(s, p, &o, &t, err, sizeof(err)), "lower thresholds"))
		return;
	g = nfips_tune_find(&t, "noisy-2006");
	tap_ok(&T, t.n == 6 && g && g->action == NFIPS_TUNE_GRADE_LOW &&
	       !strcmp(g->command, "nfipsctl grade 2006 low --policy P --by suzuki "
		       "-m 'tune noisy-2006'") && nfips_tune_find(&t, "noisy-2001") &&
	       nfips_tune_find(&t, "noisy-2001")->action == NFIPS_TUNE_DISABLE &&
	       !nfips_tune_find(&t, "noisy-2005"),
	       "noisy at medium: grade low; at low: disable; graded high: none");
	if (g && nfips_tune_apply(p, path, policy, strlen(policy), &g, 1, "suzuki", NULL,
				  "medium noise", 0, &out, &len, &neu, &d) == 1)
		tap_ok(&T, nfips_policy_override(neu, 1, 2006) &&
		       nfips_policy_override(neu, 1, 2006)->grade == NFIPS_GRADE_LOW &&
		       !nfips_policy_override(neu, 1, 2006)->disable &&
		       strstr(out, "serial 8 by suzuki: grade 2006 low: tune noisy-2006: "
			      "medium noise\n"),
		       "applied: 2006 graded low, still enabled, in the history");
	else
		tap_ok(&T, 0, "grade low applied");
	nfips_tune_free(&t);
	if (neu && !nfips_tune_build(s, neu, &o, &t, err, sizeof(err)))
		tap_ok(&T, !nfips_tune_find(&t, "noisy-2006") && nfips_tune_find(&t, "noisy-2001"),
		       "graded low: its old medium alerts suggest nothing more");
	else
		tap_ok(&T, 0, "tune after the grade: %s", err);
	nfips_policy_free(neu);
	nfips_diags_free(&d);
	free(out);
	nfips_tune_free(&t);
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/nfips_tune_test.XXXXXX", path[512];
	const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
	struct nfips_policy *p = NULL;
	struct nfips_diags d = { 0 };
	struct nfips_store_opts so = { .readonly = true };
	struct nfips_store *s;
	struct nfips_tune t;
	struct nfips_tune_opts o = {
		.since = (now_usec() / 1000000 - 14 * 86400) * 1000000,
		.policy_path = "P", .by = "suzuki",
	};
	char err[512];

	if (!dir || (argc > 1 && mkdir(dir, 0700) && access(dir, W_OK)))
		return 1;
	setenv("TZ", "UTC", 1);
	tap_ok(&T, !write_file(dir, "site.rules", rules) &&
	       !write_file(dir, "tune.conf", policy), "policy and rules written");
	snprintf(path, sizeof(path), "%s/tune.conf", dir);
	tap_ok(&T, !nfips_policy_load(path, NULL, &p, &d), "the policy loads");
	nfips_diags_print(&d, stderr);
	tap_ok(&T, !fill(dir), "the store filled");
	snprintf(path, sizeof(path), "%s/alerts.db", dir);
	so.path = path;
	s = nfips_store_open(&so, err, sizeof(err), NULL);
	if (!p || !s || nfips_tune_build(s, p, &o, &t, err, sizeof(err))) {
		tap_ok(&T, 0, "tune built: %s", err);
		return tap_done(&T);
	}
	snprintf(path, sizeof(path), "%s/tune.conf", dir);
	check_grade_low(s, p, o, path);
	nfips_store_close(s);
	check_model(&t);
	check_render(&t);
	snprintf(path, sizeof(path), "%s/tune.conf", dir);
	check_apply(&t, p, path);
	nfips_tune_free(&t);
	nfips_policy_free(p);
	nfips_diags_free(&d);
	if (argc < 2) {
		static const char *const files[] = { "site.rules", "tune.conf", "alerts.db",
						     "alerts.db-wal", "alerts.db-shm" };

		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	return tap_done(&T);
}
