// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the rule language: parses the input as a rule
 * file, classifies and compiles what parsed, checks that the compiled
 * form reads back, builds an engine (small limits) and evaluates one
 * packet made of the input's bytes. Any sanitizer report, leak, or a
 * compiled policy that does not read back is a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile/compile.h"
#include "detect/engine.h"
#include "rules/rule.h"

#define MAX_RULES 64

struct set {
	struct nfips_rule *v[MAX_RULES];
	size_t n;
};

static int on_rule(void *arg, struct nfips_rule *rule, const struct nfips_err *err)
{
	struct set *s = arg;

	(void)err;
	if (!rule)
		return 0;
	if (s->n == MAX_RULES) {
		nfips_rule_free(rule);
		return 0;
	}
	nfips_rule_classify(rule);
	s->v[s->n++] = rule;
	return 0;
}

static void compile_roundtrip(struct set *s)
{
	struct nfips_compiled *c = NULL, *back = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	char err[256];

	if (nfips_compile(s->v, s->n, &c))
		return;
	if (!nfips_compiled_write(c, &buf, &len)) {
		if (nfips_compiled_read(buf, len, &back, err, sizeof(err)) == -EINVAL) {
			fprintf(stderr, "compiled policy does not read back: %s\n", err);
			abort();
		}
		/* The reader refuses every truncation of a valid form. */
		if (len > 8) {
			struct nfips_compiled *cut = NULL;

			if (!nfips_compiled_read(buf, len - 1, &cut, err, sizeof(err))) {
				fprintf(stderr, "a truncated compiled policy was accepted\n");
				abort();
			}
		}
	}
	nfips_compiled_free(back);
	free(buf);
	nfips_compiled_free(c);
}

static void evaluate(struct set *s, const uint8_t *data, size_t size)
{
	struct nfips_engine_limits lim = { .max_patterns = 4096,
					   .max_bytes = 16u << 20 };
	struct nfips_engine *e = NULL;
	struct nfips_flowstate *fs;
	struct nfips_err err;
	struct nfips_pkt pkt = {
		.family = 4, .proto = 6, .ttl = 64,
		.src = { 10, 0, 0, 1 }, .dst = { 10, 0, 0, 2 },
		.sport = 40000, .dport = 80, .tcp_flags = NFIPS_TH_ACK | NFIPS_TH_PSH,
		.payload = data, .payload_len = (uint32_t)size,
		.ts_usec = 1, .pcap_cnt = 1,
	};
	struct nfips_stream st = { .data = data, .len = (uint32_t)size,
				   .anchored = true };
	struct nfips_flow flow = { .to_server = true, .established = true };

	if (nfips_engine_new(&e, s->v, s->n, &lim, &err))
		return;
	fs = nfips_flowstate_new(e);
	flow.state = fs;
	if (fs) {
		nfips_engine_packet(e, &pkt, &flow, NULL, NULL, NULL);
		pkt.pcap_cnt = 2;
		nfips_engine_packet(e, &pkt, &flow, &st, NULL, NULL);
	}
	nfips_flowstate_free(fs);
	nfips_engine_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfips_vars vars = { 0 };
	struct nfips_parse_ctx ctx = { .vars = &vars };
	struct set s = { .n = 0 };
	size_t i;

	if (nfips_vars_defaults(&vars))
		return 0;
	nfips_rules_parse_buf("fuzz", (const char *)data, size, &ctx, on_rule, &s);
	if (s.n) {
		compile_roundtrip(&s);
		evaluate(&s, data, size);
	}
	for (i = 0; i < s.n; i++)
		nfips_rule_free(s.v[i]);
	nfips_vars_free(&vars);
	return 0;
}
