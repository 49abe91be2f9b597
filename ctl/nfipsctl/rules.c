// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl rules check [--verbose] [--list] [--var NAME=VALUE]...
 *                      [--classification FILE] FILE...
 *
 * Parses rule files the way the daemon will, classifies every rule and
 * prints the totals, ending with one machine-readable line:
 *	rules=N parsed=N loadable=N kernel=N slow=N skipped=N errors=N
 * Errors always go to stderr as file:line:col; --verbose also lists every
 * skipped rule with its reason and every rule whose kernel pattern has only
 * 1 or 2 bytes, --list those and every parsed rule with its class.
 * Exit status 0 when every rule parsed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "kernel/nl.h"
#include "rules/rule.h"

#define DEFAULT_CLASSIFICATION "/etc/nfips/classification.config"

struct entry {
	struct nfips_rule *rule;	/* NULL: error */
	const char *file;
	uint32_t line;
};

struct check {
	struct entry *e;
	size_t n, cap;
	const char *file;
	unsigned long errors;
};

struct count {
	const char *reason;
	unsigned long n;
};

static int on_rule(void *arg, struct nfips_rule *rule, const struct nfips_err *err)
{
	struct check *ck = arg;
	char buf[512];

	if (ck->n == ck->cap) {
		size_t cap = ck->cap ? ck->cap * 2 : 1024;
		struct entry *e = realloc(ck->e, cap * sizeof(*e));

		if (!e) {
			nfips_rule_free(rule);
			fprintf(stderr, "nfipsctl: out of memory\n");
			return -1;
		}
		ck->e = e;
		ck->cap = cap;
	}
	ck->e[ck->n].rule = rule;
	ck->e[ck->n].file = ck->file;
	ck->e[ck->n++].line = rule ? rule->line : err->line;
	if (!rule) {
		fprintf(stderr, "%s\n", nfips_err_str(err, buf, sizeof(buf)));
		ck->errors++;
	}
	return 0;
}

static int cmp_sid(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;

	if (x->rule->gid != y->rule->gid)
		return x->rule->gid < y->rule->gid ? -1 : 1;
	if (x->rule->sid != y->rule->sid)
		return x->rule->sid < y->rule->sid ? -1 : 1;
	return x < y ? -1 : x > y;	/* file order */
}

/* A gid:sid loaded twice is an error on every copy after the first. */
static void duplicates(struct check *ck)
{
	struct entry **v = malloc(ck->n * sizeof(*v));
	size_t i, n = 0, first = 0;

	if (!v)
		return;
	for (i = 0; i < ck->n; i++)
		if (ck->e[i].rule)
			v[n++] = &ck->e[i];
	qsort(v, n, sizeof(*v), cmp_sid);
	for (i = 1; i < n; i++) {
		if (v[i]->rule->gid != v[first]->rule->gid ||
		    v[i]->rule->sid != v[first]->rule->sid) {
			first = i;
			continue;
		}
		fprintf(stderr, "%s:%u:1: duplicate rule %u:%u (first at %s:%u)\n",
			v[i]->file, v[i]->line, v[i]->rule->gid, v[i]->rule->sid,
			v[first]->file, v[first]->line);
		nfips_rule_free(v[i]->rule);
		v[i]->rule = NULL;
		ck->errors++;
	}
	free(v);
}

static void tally(struct count **c, size_t *n, const char *reason)
{
	size_t i;
	struct count *nc;

	for (i = 0; i < *n; i++) {
		if (!strcmp((*c)[i].reason, reason)) {
			(*c)[i].n++;
			return;
		}
	}
	nc = realloc(*c, (*n + 1) * sizeof(*nc));
	if (!nc)
		return;
	*c = nc;
	nc[*n].reason = reason;
	nc[(*n)++].n = 1;
}

static int cmp_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

static void print_counts(const char *label, struct count *c, size_t n)
{
	size_t i;

	qsort(c, n, sizeof(*c), cmp_count);
	for (i = 0; i < n; i++)
		printf("%s: %lu %s\n", label, c[i].n, c[i].reason);
}

static void report(struct check *ck, bool verbose, bool list)
{
	unsigned long kernel = 0, slow = 0, skipped = 0, nofp = 0, shortfp = 0;
	unsigned long shortk = 0, anchored = 0;
	struct count *skips = NULL, *slows = NULL;
	size_t i, nv = 0, nskips = 0, nslows = 0, eligible;
	struct nfips_rule **v = calloc(ck->n ? ck->n : 1, sizeof(*v));
	bool *anch = calloc(ck->n ? ck->n : 1, sizeof(*anch));

	/* The rules in file order, as policy apply of these files sends them. */
	for (i = 0; i < ck->n; i++) {
		if (!ck->e[i].rule)
			continue;
		nfips_rule_classify(ck->e[i].rule);
		if (v)
			v[nv++] = ck->e[i].rule;
	}
	if (!v || !anch)
		fprintf(stderr, "nfipsctl: out of memory: anchored rules not counted\n");
	else
		nfips_wire_anchored(v, nv, anch, &eligible);
	for (i = 0, nv = 0; i < ck->n; i++) {
		struct nfips_rule *r = ck->e[i].rule;

		if (!r)
			continue;
		if (r->cls != NFIPS_CLASS_SKIPPED && nfips_rule_short_fp(r)) {
			shortfp++;
			shortk += r->cls == NFIPS_CLASS_KERNEL;
			anchored += v && anch && anch[nv];
			if (verbose || list)
				printf("short-fast-pattern %u:%u %s:%u\n", r->gid,
				       r->sid, ck->e[i].file, r->line);
		}
		nv++;
		switch (r->cls) {
		case NFIPS_CLASS_SKIPPED:
			skipped++;
			tally(&skips, &nskips, r->skip);
			if (verbose || list)
				printf("skip %u:%u %s:%u: %s\n", r->gid, r->sid,
				       ck->e[i].file, r->line, r->skip);
			break;
		case NFIPS_CLASS_KERNEL:
			kernel++;
			if (list)
				printf("kernel %u:%u %s:%u\n", r->gid, r->sid,
				       ck->e[i].file, r->line);
			break;
		case NFIPS_CLASS_SLOW:
			slow++;
			nofp += r->fp < 0;
			tally(&slows, &nslows, r->why_slow);
			if (list)
				printf("slow %u:%u %s:%u: %s\n", r->gid, r->sid,
				       ck->e[i].file, r->line, r->why_slow);
			break;
		}
	}
	print_counts("skipped", skips, nskips);
	print_counts("slow", slows, nslows);
	printf("no-fast-pattern: %lu\n", nofp);
	printf("short-fast-pattern: %lu (no content over %u bytes; %lu kernel-decided, "
	       "%lu of them anchored in nfips.ko)\n", shortfp, NFIPS_SHORT_FP, shortk,
	       anchored);
	printf("rules=%zu parsed=%lu loadable=%lu kernel=%lu slow=%lu skipped=%lu errors=%lu\n",
	       ck->n, (unsigned long)ck->n - ck->errors, kernel + slow, kernel,
	       slow, skipped, ck->errors);
	free(skips);
	free(slows);
	free(v);
	free(anch);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl rules check [--verbose] [--list] [--var NAME=VALUE]...\n"
		"                            [--classification FILE] FILE...\n"
		"\n"
		"  -v, --verbose            list every skipped rule with its reason,\n"
		"                           and the rules whose kernel pattern has\n"
		"                           only 1 or 2 bytes (short-fast-pattern)\n"
		"  -l, --list               list every rule: kernel, slow (with the\n"
		"                           first reason) or skip (with the reason)\n"
		"  -V, --var NAME=VALUE     set an address or port variable ($NAME);\n"
		"                           suricata.yaml's defaults apply otherwise\n"
		"  -c, --classification F   classtypes to accept (default "
		DEFAULT_CLASSIFICATION ",\n"
		"                           unchecked if absent)\n");
}

static int rules_check(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "list", no_argument, NULL, 'l' },
		{ "var", required_argument, NULL, 'V' },
		{ "classification", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nfips_vars vars = { 0 };
	struct nfips_classes classes = { 0 };
	struct nfips_parse_ctx ctx = { .vars = &vars };
	const char *cpath = NULL;
	struct check ck = { 0 };
	struct nfips_err err;
	char buf[512];
	bool verbose = false, list = false;
	int opt, i, ret = 2;

	if (nfips_vars_defaults(&vars))
		goto out;
	while ((opt = getopt_long(argc, argv, "vlV:c:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'l':
			list = true;
			break;
		case 'V':
			if (nfips_vars_set_arg(&vars, optarg)) {
				fprintf(stderr, "nfipsctl: invalid --var '%s' (NAME=VALUE)\n",
					optarg);
				goto out;
			}
			break;
		case 'c':
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
	if (!cpath && !access(DEFAULT_CLASSIFICATION, R_OK))
		cpath = DEFAULT_CLASSIFICATION;
	if (cpath) {
		if (nfips_classes_load(&classes, cpath, &err)) {
			fprintf(stderr, "%s\n", nfips_err_str(&err, buf, sizeof(buf)));
			goto out;
		}
		ctx.classes = &classes;
	} else {
		fprintf(stderr, "nfipsctl: no classification.config: classtypes not checked\n");
	}
	ret = 0;
	for (i = optind; i < argc; i++) {
		ck.file = argv[i];
		if (nfips_rules_parse_file(argv[i], &ctx, on_rule, &ck, &err)) {
			/* An unreadable file fails the check but is no rule. */
			if (err.msg[0])
				fprintf(stderr, "%s\n", nfips_err_str(&err, buf, sizeof(buf)));
			ret = err.msg[0] ? 1 : 2;	/* 2: out of memory */
		}
	}
	duplicates(&ck);
	report(&ck, verbose, list);
	if (!ret && ck.errors)
		ret = 1;
out:
	for (size_t k = 0; k < ck.n; k++)
		nfips_rule_free(ck.e[k].rule);
	free(ck.e);
	nfips_classes_free(&classes);
	nfips_vars_free(&vars);
	return ret;
}

int cmd_rules(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return rules_check(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
