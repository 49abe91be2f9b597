/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the rule parser's unit tests (rules_*_test.c). */
#ifndef NFIPS_RULE_UTIL_H
#define NFIPS_RULE_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "rules/rule.h"
#include "tap.h"

static struct tap T;
static struct nfips_vars vars;
static struct nfips_classes classes;
static struct nfips_parse_ctx ctx = { .vars = &vars, .classes = &classes };
static struct nfips_err err;

static const char classes_text[] =
	"# test table\n"
	"config classification: misc-activity,Misc activity,3\n"
	"config classification: trojan-activity,A Network Trojan was detected, 1\n"
	"config classification: attempted-admin,Attempted Administrator Privilege Gain,1\n";

static inline void setup(void)
{
	if (nfips_vars_defaults(&vars) ||
	    nfips_classes_parse(&classes, "test", classes_text,
				sizeof(classes_text) - 1, &err)) {
		printf("Bail out! setup failed: %s\n", err.msg);
		exit(1);
	}
}

static inline void teardown(void)
{
	nfips_vars_free(&vars);
	nfips_classes_free(&classes);
}

/* Parses @text; on failure prints the error as a TAP comment. */
static inline struct nfips_rule *parse(const char *text)
{
	struct nfips_rule *r = NULL;

	if (nfips_rule_parse(text, &ctx, &r, &err)) {
		tap_diag("parse error %u:%u: %s in: %s", err.line, err.col,
			 err.msg, text);
		return NULL;
	}
	return r;
}

/* A tcp rule with the given options and sid:1 appended. */
static inline struct nfips_rule *parse_opts(const char *opts)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "alert tcp any any -> any any (%s sid:1;)", opts);
	return parse(buf);
}

/*
 * Expects @text to fail at the first occurrence of @at (its column; ""
 * means just past the end) with a message containing @msg.
 */
static inline void expect_error(const char *text, const char *at, const char *msg)
{
	struct nfips_rule *r = NULL;
	const char *p = *at ? strstr(text, at) : text + strlen(text);
	uint32_t col = p ? (uint32_t)(p - text) + 1 : 0;
	int ret = nfips_rule_parse(text, &ctx, &r, &err);
	int ok = ret && !r && err.line == 1 && err.col == col && strstr(err.msg, msg);

	if (!ok)
		tap_diag("got %s %u:%u '%s', want 1:%u '%s'", ret ? "error" : "success",
			 err.line, err.col, ret ? err.msg : "", col, msg);
	tap_ok(&T, ok, "error '%s' at col %u: %s", msg, col, text);
	nfips_rule_free(r);
}

/* Expects the rule to parse and be skipped for exactly @reason. */
static inline void expect_skip(const char *text, const char *reason)
{
	struct nfips_rule *r = parse(text);
	int ok = r && r->skip && !strcmp(r->skip, reason);

	if (r && !ok)
		tap_diag("skip reason: %s", r->skip ? r->skip : "(none)");
	tap_ok(&T, ok, "skipped for '%s': %s", reason, text);
	nfips_rule_free(r);
}

#endif /* NFIPS_RULE_UTIL_H */
