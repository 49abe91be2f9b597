// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl tune [--since T] [--until T] [--policy FILE] [--store DB]
 *     [--format text|json|html] [-o FILE] [--top N] [--min-share PCT]
 *     [--min-count N] [--by NAME] [--approved-by NAME] [--lang en|ja]
 * nfipsctl tune --apply [--only ID,...] --by NAME --reason TEXT
 *     [--approved-by NAME] [--serial N] [--no-apply] [--keep N] [...]
 *
 * Learn-mode tuning from the store and the policy alone
 * (Documentation/tune.rst, ctl/lib/tune/): the noisiest signatures and
 * suggestions, each with its id and the command applying it. --apply
 * applies them to the policy file as nfipsctl disable and approve do
 * (locked, history, validated, written atomically, applied to the
 * kernel unless --no-apply); any failure leaves the file as it was.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "policy/policy.h"
#include "report/report.h"
#include "tune/tune.h"

#define DEFAULT_POLICY	"/etc/nfips/policy.conf"
#define DEFAULT_SINCE	"14d"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl tune [--since T] [--until T] [--policy FILE] [--store DB]\n"
		"           [--format text|json|html] [-o FILE] [--top N] [--min-share PCT]\n"
		"           [--min-count N] [--by NAME] [--approved-by NAME] [--lang en|ja]\n"
		"       nfipsctl tune --apply [--only ID,...] --by NAME --reason TEXT\n"
		"           [--approved-by NAME] [--serial N] [--no-apply] [--keep N] [...]\n"
		"Suggestions from the store for the policy (default " DEFAULT_POLICY "):\n"
		"noisy signatures, signatures firing at hosts they cannot affect, signatures\n"
		"that never fired (disable), Block candidates (approve). T: 2026-12-01,\n"
		"2026-12-01T09:00:00Z, @EPOCH or an age (14d, the default; 12h).\n"
		"--apply: every suggestion but the silent ones, or those --only names;\n"
		"--approved-by names the customer's approver of Block candidates;\n"
		"--serial N refuses a policy whose serial is not N (changed since review).\n"
		"--lang: the words of the text and html report and the reasons (en, ja).\n");
}

struct args {
	struct nfips_tune_opts o;
	const char *policy, *store, *out, *since, *until, *only, *reason;
	int fmt;			/* 0 text, 1 json, 2 html */
	bool apply, no_apply, has_serial;
	int64_t serial;
	long keep;
};

static int num(const char *opt, const char *s, unsigned long long max,
	       unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (!*s || *end || s[0] == '-' || errno || *v > max) {
		fprintf(stderr, "nfipsctl tune: --%s: not a number up to %llu: '%s'\n", opt,
			max, s);
		return -1;
	}
	return 0;
}

static int parse(int argc, char **argv, struct args *a)
{
	enum { O_SINCE = 0x100, O_UNTIL, O_STORE, O_FORMAT, O_TOP, O_SHARE, O_COUNT,
	       O_APPROVED, O_APPLY, O_ONLY, O_REASON, O_SERIAL, O_NOAPPLY, O_KEEP, O_LANG };
	static const struct option opts[] = {
		{ "since", required_argument, NULL, O_SINCE },
		{ "until", required_argument, NULL, O_UNTIL },
		{ "policy", required_argument, NULL, 'p' },
		{ "store", required_argument, NULL, O_STORE },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, O_TOP },
		{ "min-share", required_argument, NULL, O_SHARE },
		{ "min-count", required_argument, NULL, O_COUNT },
		{ "by", required_argument, NULL, 'b' },
		{ "approved-by", required_argument, NULL, O_APPROVED },
		{ "apply", no_argument, NULL, O_APPLY },
		{ "only", required_argument, NULL, O_ONLY },
		{ "reason", required_argument, NULL, O_REASON },
		{ "serial", required_argument, NULL, O_SERIAL },
		{ "no-apply", no_argument, NULL, O_NOAPPLY },
		{ "keep", required_argument, NULL, O_KEEP },
		{ "lang", required_argument, NULL, O_LANG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned long long v;
	int c;

	while ((c = getopt_long(argc, argv, "p:o:b:h", opts, NULL)) != -1) {
		switch (c) {
		case O_SINCE: a->since = optarg; break;
		case O_UNTIL: a->until = optarg; break;
		case 'p': a->policy = optarg; break;
		case O_STORE: a->store = optarg; break;
		case 'o': a->out = optarg; break;
		case 'b': a->o.by = optarg; break;
		case O_APPROVED: a->o.approved_by = optarg; break;
		case O_APPLY: a->apply = true; break;
		case O_ONLY: a->only = optarg; break;
		case O_REASON: a->reason = optarg; break;
		case O_NOAPPLY: a->no_apply = true; break;
		case O_LANG:
			if (!strcmp(optarg, "en")) {
				a->o.lang = NFIPS_REPORT_EN;
			} else if (!strcmp(optarg, "ja")) {
				a->o.lang = NFIPS_REPORT_JA;
			} else {
				fprintf(stderr, "nfipsctl tune: --lang: en or ja, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case O_FORMAT:
			if (!strcmp(optarg, "text")) {
				a->fmt = 0;
			} else if (!strcmp(optarg, "json")) {
				a->fmt = 1;
			} else if (!strcmp(optarg, "html")) {
				a->fmt = 2;
			} else {
				fprintf(stderr, "nfipsctl tune: --format: text, json or html, "
					"not '%s'\n", optarg);
				return -1;
			}
			break;
		case O_TOP:
			if (num("top", optarg, 100000, &v) || !v)
				return v ? -1 : (fprintf(stderr, "nfipsctl tune: --top: at "
							 "least 1\n"), -1);
			a->o.top = v;
			break;
		case O_SHARE:
			if (num("min-share", optarg, 100, &v) || !v)
				return v ? -1 : (fprintf(stderr, "nfipsctl tune: --min-share: "
							 "1 to 100\n"), -1);
			a->o.min_share = (unsigned)v;
			break;
		case O_COUNT:
			if (num("min-count", optarg, UINT64_MAX, &v))
				return -1;
			a->o.min_count = v ? v : 1;
			break;
		case O_SERIAL:
			if (num("serial", optarg, INT64_MAX, &v))
				return -1;
			a->has_serial = true;
			a->serial = (int64_t)v;
			break;
		case O_KEEP:
			if (num("keep", optarg, NFIPS_POLICY_KEEP_MAX, &v))
				return -1;
			a->keep = (long)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nfipsctl tune: unexpected '%s'\n", argv[optind]);
		return -1;
	}
	if (!a->apply && (a->only || a->reason || a->has_serial || a->no_apply ||
			  a->keep >= 0)) {
		fprintf(stderr, "nfipsctl tune: --only, --reason, --serial, --no-apply and "
			"--keep are for --apply\n");
		return -1;
	}
	if (a->apply && (!a->o.by || !a->reason || !*a->o.by || !*a->reason)) {
		fprintf(stderr, "nfipsctl tune: --apply needs --by NAME (who) and --reason "
			"TEXT (why): both go into the policy's history\n");
		return -1;
	}
	if (a->apply && (a->out || a->fmt)) {
		fprintf(stderr, "nfipsctl tune: --format and -o are for the report, not "
			"--apply\n");
		return -1;
	}
	return 0;
}

static int zone_from(const struct nfips_policy *p)
{
	/* the customer's days and hours, as the reports show them */
	setenv("TZ", p->timezone ? p->timezone : "UTC", 1);
	tzset();
	return 0;
}

static int period(struct args *a)
{
	int64_t v;

	if (ctl_parse_time(a->since ? a->since : DEFAULT_SINCE, false, &v)) {
		fprintf(stderr, "nfipsctl tune: --since: not a time: '%s' (2026-12-01, "
			"2026-12-01T09:00:00Z, @EPOCH, 14d)\n", a->since);
		return -1;
	}
	a->o.since = v;
	if (a->until) {
		if (ctl_parse_time(a->until, false, &v)) {
			fprintf(stderr, "nfipsctl tune: --until: not a time: '%s'\n", a->until);
			return -1;
		}
		a->o.until = v;
		if (v <= a->o.since) {
			fprintf(stderr, "nfipsctl tune: --until is not after --since\n");
			return -1;
		}
	}
	return 0;
}

static int build(struct args *a, const struct nfips_policy *p, struct nfips_tune *t)
{
	struct nfips_store *s;
	char err[1024];
	int rc;

	if (period(a))
		return -1;
	s = ctl_store_open(a->store, false);
	if (!s)
		return -1;
	rc = nfips_tune_build(s, p, &a->o, t, err, sizeof(err));
	nfips_store_close(s);
	if (rc)
		fprintf(stderr, "nfipsctl tune: %s\n", err);
	return rc;
}

static int report(struct args *a)
{
	struct nfips_policy *p = NULL;
	struct nfips_diags d = { 0 };
	struct nfips_sbuf b = { 0 };
	struct nfips_tune t;
	int rc = 1, e;

	if (nfips_policy_load(a->policy, NULL, &p, &d)) {
		nfips_diags_print(&d, stderr);
		fprintf(stderr, "nfipsctl tune: %s cannot be loaded (nfipsctl policy check %s)\n",
			a->policy, a->policy);
		nfips_diags_free(&d);
		return 1;
	}
	nfips_diags_free(&d);
	zone_from(p);
	if (build(a, p, &t))
		goto out;
	if (a->fmt == 1)
		nfips_tune_json(&t, &b);
	else if (a->fmt == 2)
		nfips_tune_html(&t, &b);
	else
		nfips_tune_text(&t, &b);
	nfips_tune_free(&t);
	if (b.oom) {
		fprintf(stderr, "nfipsctl tune: out of memory\n");
	} else if (!a->out || !strcmp(a->out, "-")) {
		fwrite(b.s, 1, b.len, stdout);
		rc = fflush(stdout) ? 1 : 0;
	} else if ((e = nfips_file_replace(a->out, b.s, b.len))) {
		fprintf(stderr, "nfipsctl tune: %s: %s\n", a->out, strerror(-e));
	} else {
		rc = 0;
	}
out:
	nfips_sbuf_free(&b);
	nfips_policy_free(p);
	return rc;
}

/* The suggestions --only names (each must exist), else the default ones. */
static int choose(const struct args *a, const struct nfips_tune *t,
		  const struct nfips_tune_suggestion ***sel, size_t *n)
{
	char *list, *tok, *save = NULL;
	size_t i;
	int bad = 0;

	*n = 0;
	*sel = calloc(t->n + 1, sizeof(**sel));
	if (!*sel)
		return -1;
	if (!a->only) {
		for (i = 0; i < t->n; i++)
			if (t->v[i].by_default)
				(*sel)[(*n)++] = &t->v[i];
		return 0;
	}
	list = strdup(a->only);
	if (!list)
		return -1;
	for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		const struct nfips_tune_suggestion *s = nfips_tune_find(t, tok);

		if (!s) {
			fprintf(stderr, "nfipsctl tune: --only: no suggestion '%s' for this "
				"policy and period (nfipsctl tune lists them)\n", tok);
			bad = 1;
			continue;
		}
		for (i = 0; i < *n && (*sel)[i] != s; i++)
			;
		if (i == *n)
			(*sel)[(*n)++] = s;
	}
	free(list);
	if (!bad && !*n) {
		fprintf(stderr, "nfipsctl tune: --only names no suggestion\n");
		bad = 1;
	}
	return bad ? -1 : 0;
}

static int apply(struct args *a)
{
	const struct nfips_tune_suggestion **sel = NULL;
	struct nfips_policy *old = NULL, *neu = NULL;
	struct nfips_policy_txn *tx = NULL;
	struct nfips_diags d = { 0 };
	struct nfips_tune t = { 0 };
	char err[512], *text = NULL;
	const char *cur;
	size_t len, newlen, n, i;
	bool built = false;
	int rc = 1;

	/* Locked from here: nothing edits the file between reading and writing. */
	if (nfips_policy_txn_begin(a->policy, &tx, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl tune: %s\n", err);
		goto out;
	}
	cur = nfips_policy_txn_text(tx, &len);
	if (nfips_policy_load_buf(a->policy, NULL, cur, len, NULL, &old, &d)) {
		nfips_diags_print(&d, stderr);
		fprintf(stderr, "nfipsctl tune: %s is invalid; fix it first (nfipsctl policy "
			"check %s)\n", a->policy, a->policy);
		goto out;
	}
	nfips_diags_free(&d);
	if (a->has_serial && old->serial != a->serial) {
		fprintf(stderr, "nfipsctl tune: %s changed since the review: serial %lld, "
			"reviewed %lld; run nfipsctl tune again; %s unchanged\n", a->policy,
			(long long)old->serial, (long long)a->serial, a->policy);
		goto out;
	}
	zone_from(old);
	if (build(a, old, &t)) {
		fprintf(stderr, "nfipsctl tune: %s unchanged\n", a->policy);
		goto out;
	}
	built = true;
	if (choose(a, &t, &sel, &n)) {
		fprintf(stderr, "nfipsctl tune: %s unchanged\n", a->policy);
		goto out;
	}
	if (!n) {
		printf("%s: no suggestion to apply\n", a->policy);
		rc = 0;
		goto out;
	}
	switch (nfips_tune_apply(old, a->policy, cur, len, sel, n, a->o.by,
				 a->o.approved_by, a->reason, (int64_t)time(NULL) * 1000000,
				 &text, &newlen, &neu, &d)) {
	case 0:
		printf("%s: nothing to change\n", a->policy);
		rc = 0;
		goto out;
	case 1:
		break;
	default:
		nfips_diags_print(&d, stderr);
		fprintf(stderr, "nfipsctl tune: %s unchanged\n", a->policy);
		goto out;
	}
	if (nfips_policy_txn_stage(tx, text, newlen, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl tune: %s; %s unchanged\n", err, a->policy);
		goto out;
	}
	if (nfips_policy_txn_warning(tx))
		fprintf(stderr, "nfipsctl tune: warning: %s\n", nfips_policy_txn_warning(tx));
	if (!a->no_apply && ctl_policy_apply(neu, false)) {
		fprintf(stderr, "nfipsctl tune: not applied; %s and the running policy are "
			"unchanged\n", a->policy);
		goto out;
	}
	if (nfips_policy_txn_commit(tx, a->keep >= 0 ? (unsigned)a->keep : neu->keep_versions,
				    err, sizeof(err))) {
		fprintf(stderr, "nfipsctl tune: %s\n", err);
		goto out;
	}
	printf("%s: serial %lld:", a->policy, (long long)neu->serial);
	for (i = 0; i < n; i++)
		printf(" %s", sel[i]->id);
	printf("%s\n", a->no_apply ? " (not applied: --no-apply)" : ", applied");
	rc = 0;
out:
	nfips_policy_txn_end(tx);
	nfips_policy_free(old);
	nfips_policy_free(neu);
	nfips_diags_free(&d);
	if (built)
		nfips_tune_free(&t);
	free(sel);
	free(text);
	return rc;
}

int cmd_tune(int argc, char **argv)
{
	struct args a = { .policy = DEFAULT_POLICY, .keep = -1 };

	if (parse(argc, argv, &a))
		return 2;
	a.o.policy_path = a.policy;
	a.o.store_path = a.store;
	return a.apply ? apply(&a) : report(&a);
}
