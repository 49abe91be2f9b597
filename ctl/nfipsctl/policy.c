// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl policy apply [--test] [--var NAME=VALUE]... [--classification FILE] FILE...
 *
 * Parses and classifies rule files (the customer policy file once it
 * exists) and sends every rule the kernel handles in one transaction:
 * kernel-decided rules with their fast pattern, header conditions and
 * modifiers, and the distinct headers of the daemon's rules as daemon
 * selectors (the flows they choose are queued to nfipsd). Prints the new
 * policy serial. On any error nothing is applied: the running policy
 * stays and the error is shown. --test does everything but the sending.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "nl.h"
#include "rule.h"

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
		"Usage: nfipsctl policy apply [--test] [--var NAME=VALUE]...\n"
		"                             [--classification FILE] FILE...\n"
		"\n"
		"  -t, --test               parse, classify and encode; apply nothing\n"
		"  -V, --var NAME=VALUE     set an address or port variable ($NAME)\n"
		"  -c, --classification F   classtypes to accept (default "
		DEFAULT_CLASSIFICATION ")\n");
}

static void summary(const struct set *s)
{
	unsigned long kernel = 0, daemon = 0, skipped = 0;
	struct nfips_sels sels;
	const char *why;
	uint8_t action;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i]->cls == NFIPS_CLASS_SLOW)
			daemon++;
		else if (nfips_wire_action(s->v[i], &action, &why))
			skipped++;
		else
			kernel++;
	}
	if (nfips_wire_selectors(s->v, s->n, &sels))
		sels.n = 0;
	printf("rules=%zu kernel=%lu daemon=%lu skipped=%lu selectors=%zu\n",
	       s->n, kernel, daemon, skipped, sels.n);
	nfips_sels_free(&sels);
}

static int apply(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "test", no_argument, NULL, 't' },
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
	bool test = false;
	uint64_t serial;
	char buf[512];
	size_t bad;
	int opt, i, ret = 2;

	if (nfips_vars_defaults(&vars))
		goto out;
	while ((opt = getopt_long(argc, argv, "tV:c:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			test = true;
			break;
		case 'V':
			if (nfips_vars_set_arg(&vars, optarg)) {
				fprintf(stderr, "nfipsctl: invalid --var '%s'\n", optarg);
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
	if (test ? nfips_nl_open_offline(&nl) : nfips_nl_open(&nl, buf, sizeof(buf))) {
		fprintf(stderr, "nfipsctl: %s\n", test ? "out of memory" : buf);
		goto fail;
	}
	if (nfips_nl_policy_apply(nl, s.v, s.n, test, &serial, &bad)) {
		fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
		goto fail;
	}
	summary(&s);
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
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
