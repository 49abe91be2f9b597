// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl policy check FILE.conf
 * nfipsctl policy apply [--test] FILE.conf
 * nfipsctl policy apply [--test] [--approve-all] [--var NAME=VALUE]...
 *                       [--classification FILE] FILE...
 *
 * check validates a customer policy file (Documentation/policy.rst) and
 * the rule files it names (and encodes its rules for the kernel, as
 * apply --test): every error and warning with file:line, exit
 * status 0 (valid, perhaps with warnings), 1 (errors) or 2 (usage).
 *
 * apply sends every rule the kernel handles in one transaction:
 * kernel-decided rules with their fast pattern, header conditions and
 * modifiers, and the distinct headers of the daemon's rules as daemon
 * selectors (the flows they choose are queued to nfipsd). From a policy
 * file (a single argument ending in .conf), the rules are those of the
 * policy (its variables, overrides and Block approvals applied: a drop or
 * reject rule without a valid approval alerts) and the kernel's mode is
 * set to the policy's. From rule files, the rules as written, except that
 * their drop and reject rules have no customer approval and so only alert,
 * unless --approve-all (tests and labs) approves every one. Prints the
 * new kernel serial. On any error nothing is applied: the running policy
 * stays and the error is shown. --test does everything but the sending.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "kernel/nl.h"
#include "policy/policy.h"
#include "rules/rule.h"

#define DEFAULT_CLASSIFICATION "/etc/nfips/classification.config"

struct set {
	struct nfips_rule **v;
	size_t n, cap;
	unsigned long errors;
};

static int on_rule(void *arg, struct nfips_rule *rule, const struct nfips_err *err)
{
	struct set *s = arg;
	char buf[512];

	if (!rule) {
		fprintf(stderr, "%s\n", nfips_err_str(err, buf, sizeof(buf)));
		s->errors++;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct nfips_rule **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			nfips_rule_free(rule);
			fprintf(stderr, "nfipsctl: out of memory\n");
			return -1;
		}
		s->v = v;
		s->cap = cap;
	}
	nfips_rule_classify(rule);
	s->v[s->n++] = rule;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl policy check [-v] POLICY.conf\n"
		"       nfipsctl policy apply [--test] POLICY.conf\n"
		"       nfipsctl policy apply [--test] [--approve-all] [--var NAME=VALUE]...\n"
		"                             [--classification FILE] RULEFILE...\n"
		"\n"
		"  -v, --verbose            check: list what the policy changes in the rules\n"
		"  -t, --test               parse, classify and encode; apply nothing\n"
		"  -A, --approve-all        rule files: let every drop/reject rule drop in\n"
		"                           enforce mode (tests and labs; without it they\n"
		"                           only alert: a drop needs the customer's approval,\n"
		"                           given in a policy file)\n"
		"  -V, --var NAME=VALUE     set an address or port variable ($NAME)\n"
		"  -c, --classification F   classtypes to accept (default "
		DEFAULT_CLASSIFICATION ")\n");
}

/*
 * The rules nfips.ko anchors (nfips_wire_anchored(): its own choice,
 * its cap included), and the kernel rules whose pattern has 1 or 2 bytes
 * (their only content: nothing longer to choose), anchored or not: the
 * others slow its matcher for every pattern (Documentation/matcher.rst).
 */
static bool short_kernel(const struct nfips_rule *r)
{
	const char *why;
	uint8_t action;
	uint32_t len;

	return r->cls == NFIPS_CLASS_KERNEL && !nfips_wire_action(r, &action, &why) &&
	       nfips_rule_fp(r, &len) && len <= NFIPS_SHORT_FP;
}

static void short_patterns(struct nfips_rule *const *v, size_t n)
{
	unsigned long nshort = 0, anchored = 0;
	bool *anch = calloc(n ? n : 1, sizeof(*anch));
	size_t i, nanch, eligible;

	if (!anch) {
		fprintf(stderr, "nfipsctl: out of memory: anchored rules not listed\n");
		return;
	}
	nanch = nfips_wire_anchored(v, n, anch, &eligible);
	if (eligible)
		printf("anchored kernel rules=%zu of %zu eligible (patterns of up to %u bytes\n"
		       "  within a depth of %u, at most %u: looked for there, not by the automaton)\n",
		       nanch, eligible, NFIPS_ANCHOR_PATLEN, NFIPS_ANCHOR_DEPTH,
		       NFIPS_ANCHOR_RULES);
	for (i = 0; i < n; i++) {
		if (!short_kernel(v[i]))
			continue;
		nshort++;
		anchored += anch[i];
	}
	if (nshort) {
		printf("short kernel patterns=%lu anchored=%lu (1-2 bytes, the rule's only content)\n",
		       nshort, anchored);
		for (i = 0; i < n; i++)
			if (short_kernel(v[i]))
				printf("  short kernel pattern %u:%u%s\n", v[i]->gid,
				       v[i]->sid, anch[i] ? " anchored" : "");
	}
	free(anch);
}

static void summary(struct nfips_rule *const *v, size_t n)
{
	unsigned long kernel = 0, daemon = 0, skipped = 0, blocks = 0, approved = 0;
	struct nfips_sels sels;
	const char *why;
	uint8_t action;
	size_t i;

	short_patterns(v, n);
	for (i = 0; i < n; i++) {
		if (v[i]->cls == NFIPS_CLASS_SLOW)
			daemon++;
		else if (nfips_wire_action(v[i], &action, &why))
			skipped++;
		else
			kernel++;
		if (v[i]->action == NFIPS_ACTION_DROP || v[i]->action == NFIPS_ACTION_REJECT) {
			blocks++;
			approved += nfips_wire_approved(v[i]);
		}
	}
	if (nfips_wire_selectors(v, n, &sels))
		sels.n = 0;
	printf("rules=%zu kernel=%lu daemon=%lu skipped=%lu selectors=%zu\n",
	       n, kernel, daemon, skipped, sels.n);
	if (blocks)
		printf("drop/reject rules=%lu approved=%lu%s\n", blocks, approved,
		       approved < blocks ? " (the others only alert)" : "");
	nfips_sels_free(&sels);
}

static void change_counts(const struct nfips_policy *p)
{
	size_t k[NFIPS_CHG_THRESHOLD + 1] = { 0 }, i;

	for (i = 0; i < p->nchanges; i++)
		k[p->changes[i].kind]++;
	printf("policy serial=%lld mode=%s disabled=%zu enabled=%zu action=%zu "
	       "unapproved=%zu threshold=%zu\n", (long long)p->serial,
	       nfips_policy_mode_name(p->mode), k[NFIPS_CHG_DISABLED],
	       k[NFIPS_CHG_ENABLED], k[NFIPS_CHG_ACTION], k[NFIPS_CHG_UNAPPROVED],
	       k[NFIPS_CHG_THRESHOLD]);
	if (p->next_change) {
		char tb[32];

		printf("next change: %s (a Block approval starts or ends: apply "
		       "the policy again then)\n",
		       nfips_time_format(p->next_change, tb, sizeof(tb)));
	}
}

/*
 * nfipsd runs the same policy file: a running daemon (its pid in
 * $NFIPSD_PIDFILE, default /run/nfipsd.pid) is told to load it again, so
 * one command applies kernel and daemon together.
 */
static void reload_daemon(void)
{
	const char *path = getenv("NFIPSD_PIDFILE");
	FILE *f;
	long pid = 0;

	f = fopen(path && *path ? path : "/run/nfipsd.pid", "r");
	if (!f)
		return;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		pid = 0;
	fclose(f);
	if (pid && !kill((pid_t)pid, SIGHUP))
		printf("nfipsd (pid %ld): reloading the policy\n", pid);
	else if (pid)
		fprintf(stderr, "nfipsctl: nfipsd (pid %ld) not signalled: %s\n", pid,
			strerror(errno));
}

/* The policy into the kernel (nfips_policy_kernel_apply), and what it was. */
int ctl_policy_apply(const struct nfips_policy *p, bool test)
{
	struct nfips_rule *const *v;
	struct nfips_nl *nl = NULL;
	uint64_t serial;
	char buf[512];
	size_t n;
	int ret = 1;

	v = nfips_policy_rules(p, &n);
	if (test ? nfips_nl_open_offline(&nl) : nfips_nl_open(&nl, buf, sizeof(buf))) {
		fprintf(stderr, "nfipsctl: %s\n", test ? "out of memory" : buf);
		return 1;
	}
	if (nfips_policy_kernel_apply(p, nl, test, &serial, buf, sizeof(buf))) {
		fprintf(stderr, "nfipsctl: %s\n", buf);
		goto out;
	}
	summary(v, n);
	change_counts(p);
	if (test) {
		printf("policy ok (--test: not applied)\n");
	} else {
		printf("serial=%llu\n", (unsigned long long)serial);
		reload_daemon();
	}
	ret = 0;
out:
	nfips_nl_close(nl);
	return ret;
}

static bool is_policy_file(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && !strcmp(path + n - 5, ".conf");
}

static int apply_policy_file(const char *path, bool test)
{
	struct nfips_diags d = { 0 };
	struct nfips_policy *p;
	int ret;

	ret = nfips_policy_load(path, NULL, &p, &d);
	nfips_diags_print(&d, stderr);
	nfips_diags_free(&d);
	if (ret) {
		fprintf(stderr, "nfipsctl: policy not applied%s\n",
			test ? "" : "; the running policy is unchanged");
		return 1;
	}
	ret = ctl_policy_apply(p, test);
	if (ret)
		fprintf(stderr, "nfipsctl: policy not applied%s\n",
			test ? "" : "; the running policy is unchanged");
	nfips_policy_free(p);
	return ret;
}

/*
 * How the policy grades (Documentation/policy.rst, "grading"), and the
 * rules whose classtype no table grades: their priority decides, which a
 * SOC engineer may want to know before alerts arrive.
 */
static void grading_summary(const struct nfips_policy *p)
{
	size_t i, k, hosts = 0, grades = 0, ungraded = 0;
	uint32_t first = 0;

	for (i = 0; i < p->nassets; i++)
		hosts += !p->assets[i].network;
	for (i = 0; i < p->noverrides; i++)
		grades += p->overrides[i].grade != NFIPS_GRADE_UNSET;
	for (i = 0; i < p->nrules; i++) {
		const char *ct = p->rules[i]->classtype;

		if (ct && nfips_grade_default(ct))
			continue;
		for (k = 0; ct && k < p->grading.ntable; k++)
			if (!strcmp(p->grading.table[k].classtype, ct))
				break;
		if (ct && k < p->grading.ntable)
			continue;
		if (!ungraded++)
			first = p->rules[i]->sid;
	}
	printf("grading: window=%us classtypes=%zu overrides=%zu hosts=%zu networks=%zu%s\n",
	       p->grading.window, p->grading.ntable, grades, hosts, p->nassets - hosts,
	       p->grading.keep_priority ? " keep_priority" : "");
	if (ungraded)
		printf("grading: %zu rule(s) without a graded classtype (their priority "
		       "decides), first sid %u\n", ungraded, first);
}

static int check(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nfips_diags d = { 0 };
	struct nfips_policy *p;
	bool verbose = false;
	size_t i;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "vh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	ret = nfips_policy_load(argv[optind], NULL, &p, &d);
	nfips_diags_print(&d, stderr);
	if (ret) {
		fprintf(stderr, "%s: %zu error(s), %zu warning(s): invalid policy\n",
			argv[optind], d.errors, d.warnings);
		nfips_diags_free(&d);
		return 1;
	}
	if (verbose)
		for (i = 0; i < p->nchanges; i++) {
			const struct nfips_policy_change *c = &p->changes[i];

			if (c->line)
				printf("%s:%u: ", p->path, c->line);
			else
				printf("%s: ", p->path);
			printf("sid %u %s: %s", c->sid, nfips_change_kind_name(c->kind), c->why);
			if (c->kind == NFIPS_CHG_ACTION || c->kind == NFIPS_CHG_UNAPPROVED)
				printf(" (%s -> %s)", nfips_action_name(c->from),
				       nfips_action_name(c->to));
			putchar('\n');
		}
	/* What apply would send must encode (as apply --test). */
	{
		struct nfips_nl *nl = NULL;
		uint64_t serial;
		size_t bad = SIZE_MAX;

		if (nfips_nl_open_offline(&nl) ||
		    nfips_nl_policy_apply(nl, p->rules, p->nrules, true, &serial, &bad)) {
			fprintf(stderr, "%s: %s%s\n", argv[optind],
				nl ? nfips_nl_error(nl) : "out of memory",
				bad < p->nrules ? " (a rule of the policy)" : "");
			if (bad < p->nrules)
				fprintf(stderr, "%s: sid %u cannot be sent to the kernel\n",
					argv[optind], p->rules[bad]->sid);
			nfips_nl_close(nl);
			nfips_diags_free(&d);
			nfips_policy_free(p);
			return 1;
		}
		nfips_nl_close(nl);
	}
	summary(p->rules, p->nrules);
	change_counts(p);
	grading_summary(p);
	printf("%s: ok, %zu warning(s)\n", argv[optind], d.warnings);
	nfips_diags_free(&d);
	nfips_policy_free(p);
	return 0;
}

static int apply(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "test", no_argument, NULL, 't' },
		{ "approve-all", no_argument, NULL, 'A' },
		{ "var", required_argument, NULL, 'V' },
		{ "classification", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nfips_vars vars = { 0 };
	struct nfips_classes classes = { 0 };
	struct nfips_parse_ctx ctx = { .vars = &vars };
	struct nfips_nl *nl = NULL;
	const char *cpath = NULL;
	struct set s = { 0 };
	struct nfips_err err;
	bool test = false, rule_opts = false, approve_all = false;
	uint64_t serial;
	char buf[512];
	size_t bad;
	int opt, i, ret = 2;

	if (nfips_vars_defaults(&vars))
		goto out;
	while ((opt = getopt_long(argc, argv, "tAV:c:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			test = true;
			break;
		case 'A':
			rule_opts = true;
			approve_all = true;
			break;
		case 'V':
			rule_opts = true;
			if (nfips_vars_set_arg(&vars, optarg)) {
				fprintf(stderr, "nfipsctl: invalid --var '%s'\n", optarg);
				goto out;
			}
			break;
		case 'c':
			rule_opts = true;
			cpath = optarg;
			break;
		case 'h':
			usage(stdout);
			ret = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		goto out;
	}
	if (optind + 1 == argc && is_policy_file(argv[optind])) {
		if (rule_opts) {
			fprintf(stderr, "nfipsctl: --var, --classification and --approve-all "
				"are for rule files; a policy file names its own variables "
				"and Block approvals\n");
			goto out;
		}
		ret = apply_policy_file(argv[optind], test);
		goto out;
	}
	if (!cpath && !access(DEFAULT_CLASSIFICATION, R_OK))
		cpath = DEFAULT_CLASSIFICATION;
	if (cpath) {
		if (nfips_classes_load(&classes, cpath, &err)) {
			fprintf(stderr, "%s\n", nfips_err_str(&err, buf, sizeof(buf)));
			goto out;
		}
		ctx.classes = &classes;
	}
	ret = 1;
	for (i = optind; i < argc; i++) {
		if (nfips_rules_parse_file(argv[i], &ctx, on_rule, &s, &err)) {
			if (err.msg[0])
				fprintf(stderr, "%s\n", nfips_err_str(&err, buf, sizeof(buf)));
			else
				fprintf(stderr, "nfipsctl: %s: cannot parse\n", argv[i]);
			goto fail;
		}
	}
	if (s.errors) {
		fprintf(stderr, "nfipsctl: %lu rule error(s)\n", s.errors);
		goto fail;
	}
	/* No customer approved these drops: they alert, unless --approve-all. */
	for (size_t k = 0; k < s.n; k++) {
		s.v[k]->flags &= ~NFIPS_R_APPROVED;
		if (approve_all)
			s.v[k]->flags |= NFIPS_R_APPROVED;
	}
	if (test ? nfips_nl_open_offline(&nl) : nfips_nl_open(&nl, buf, sizeof(buf))) {
		fprintf(stderr, "nfipsctl: %s\n", test ? "out of memory" : buf);
		goto fail;
	}
	if (nfips_nl_policy_apply(nl, s.v, s.n, test, &serial, &bad)) {
		fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
		goto fail;
	}
	summary(s.v, s.n);
	if (test)
		printf("policy ok (--test: not applied)\n");
	else
		printf("serial=%llu\n", (unsigned long long)serial);
	ret = 0;
	goto out;

fail:
	fprintf(stderr, "nfipsctl: policy not applied%s\n",
		test ? "" : "; the running policy is unchanged");
out:
	nfips_nl_close(nl);
	for (size_t k = 0; k < s.n; k++)
		nfips_rule_free(s.v[k]);
	free(s.v);
	nfips_classes_free(&classes);
	nfips_vars_free(&vars);
	return ret;
}

int cmd_policy(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "apply"))
		return apply(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return check(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "stage") || !strcmp(argv[1], "install") ||
			  !strcmp(argv[1], "restore")))
		return ctl_policy_gateway(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
