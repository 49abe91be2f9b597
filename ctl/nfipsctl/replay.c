// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl replay --rules FILE [--rules FILE]... [--var NAME=VALUE]...
 *                 --pcap FILE
 *
 * Replays a capture through the rule engine as the daemon would see it:
 * decode, flow table, TCP reassembly, evaluation; one EVE JSON alert
 * record per alert on stdout, one summary line on stderr. See
 * Documentation/replay.rst.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "detect/engine.h"
#include "nfipsctl.h"
#include "pipeline/pipeline.h"
#include "policy/policy.h"
#include "rules/rule.h"

#define DEFAULT_CLASSIFICATION NFIPS_CLASSIFICATION_DEFAULT
struct replay {
	struct nfips_rule **rules;
	size_t nrules, cap;
	unsigned long rule_errors;
	struct nfips_classes classes;
	struct nfips_engine *engine;
	struct nfips_policy *policy;	/* --policy: owns the rules */
	struct nfips_grade_memory *gmem;	/* --policy: alerts are graded */
	struct nfips_grader *grader;
	struct nfips_pipeline *pipe;
	bool write_failed;
	uint64_t let_go;	/* --kernel-bypass: flows bypassed */
};

/* ---- rules ---------------------------------------------------------- */

static int on_rule(void *arg, struct nfips_rule *rule, const struct nfips_err *err)
{
	struct replay *r = arg;
	struct nfips_rule **v;
	char buf[512];

	if (!rule) {
		fprintf(stderr, "%s\n", nfips_err_str(err, buf, sizeof(buf)));
		r->rule_errors++;
		return 0;
	}
	if (r->nrules == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		v = realloc(r->rules, r->cap * sizeof(*v));
		if (!v) {
			nfips_rule_free(rule);
			fprintf(stderr, "nfipsctl: out of memory\n");
			return -ENOMEM;
		}
		r->rules = v;
	}
	r->rules[r->nrules++] = rule;
	return 0;
}

/* ---- alerts --------------------------------------------------------- */

static void on_alert(void *arg, const struct nfips_pipeline_alert *a)
{
	struct replay *r = arg;

	if (fwrite(a->record, 1, a->len, stdout) != a->len)
		r->write_failed = true;
}

/* ---- command -------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl replay --rules FILE [--rules FILE]... [--var NAME=VALUE]...\n"
		"       nfipsctl replay --policy POLICY.conf [options] --pcap FILE\n"
		"                       [--classification FILE] [--sensor NAME]\n"
		"                       [--max-flows N] [--stream-depth BYTES]\n"
		"                       [--stream-window BYTES] [--stream-memcap BYTES]\n"
		"                       [--midstream] [--stream-bypass]\n"
		"                       [--eve-payload all|first|none] [--packet-alert-max N]\n"
		"                       [--http-body-inline yes|no] [--kernel-bypass]\n"
		"                       [--timing] --pcap FILE\n"
		"\n"
		"Evaluates the rules on every packet of a capture (pcap or pcapng) and\n"
		"writes one EVE JSON alert record per alert to stdout, a summary to stderr.\n"
		"\n"
		"  -r, --rules FILE          rule file (Snort/Suricata rule language)\n"
		"  -P, --policy FILE         a customer policy: its rules, variables,\n"
		"                            overrides, approvals, mode, suppressions and\n"
		"                            stream settings, as the gateway runs them\n"
		"  -V, --var NAME=VALUE      address or port variable ($NAME); suricata.yaml's\n"
		"                            defaults apply otherwise\n"
		"  -c, --classification F    classtypes (default " DEFAULT_CLASSIFICATION ",\n"
		"                            else the one shipped with nfips)\n"
		"  -p, --pcap FILE           the capture ('-': standard input)\n"
		"  -s, --sensor NAME         sensor name in the records (default: host name)\n"
		"      --max-flows N         flow table size (default %u)\n"
		"      --stream-depth B      bytes reassembled per direction (default %u)\n"
		"      --stream-window B     out-of-order window per direction (default %u)\n"
		"      --stream-memcap B     all reassembly buffers (default %llu)\n"
		"      --stream-bypass       stop inspecting a TCP direction past the depth\n"
		"      --midstream           track TCP sessions seen without their handshake\n"
		"                            (Suricata's stream.midstream; default off)\n"
		"      --eve-payload WHICH   records with the packet's payload: all (default),\n"
		"                            first (of each incident), none\n"
		"      --packet-alert-max N  alerts raised per packet, 1..255 (default %u,\n"
		"                            Suricata's packet-alert-max; the rest are counted\n"
		"                            in nfips.alerts_discarded, their drops still apply)\n"
		"      --http-body-inline Y  yes: HTTP bodies inspected as they arrive, as\n"
		"                            nfipsd and Suricata in IPS mode do; no (default,\n"
		"                            as suricata -r): from 32/40 KiB on or once complete\n"
		"      --kernel-bypass       let flows go as nfipsd lets the kernel bypass\n"
		"                            them (the pipeline's advice: no loaded rule can\n"
		"                            match a later packet): what a gateway inspects;\n"
		"                            the alerts must be those of a full replay\n"
		"      --timing              say how long loading the rules and the replay took\n",
		NFIPS_FLOWTAB_MAX, NFIPS_STREAM_DEPTH, NFIPS_STREAM_OOO_MAX,
		(unsigned long long)NFIPS_STREAM_MEMCAP, NFIPS_ALERT_MAX_DEFAULT);
}

static int parse_num(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > max) {
		fprintf(stderr, "nfipsctl: invalid %s '%s' (1..%llu)\n", opt, s,
			(unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

static void print_reason(void *arg, const char *why, uint64_t n, uint64_t first)
{
	(void)arg;
	fprintf(stderr, "replay: malformed: %" PRIu64 " %s (first: packet %"
		PRIu64 ")\n", n, why, first);
}

static void summary(const struct replay *r, const struct nfips_engine_stats *es)
{
	struct nfips_flowtab *flows = nfips_pipeline_flows(r->pipe);
	const struct nfips_stream_stats *ss = &nfips_flowtab_stream(flows)->st;
	struct nfips_pipeline_stats ps;
	struct nfips_flowtab_stats fs;
	struct nfips_defrag_stats ds;

	nfips_pipeline_get_stats(r->pipe, &ps);
	nfips_flowtab_get_stats(flows, &fs);
	if (r->let_go)
		fprintf(stderr, "replay: kernel bypass: %" PRIu64 " flows let go, %" PRIu64
			" of their packets not evaluated\n", r->let_go, ps.stragglers);
	nfips_pipeline_reasons(r->pipe, print_reason, NULL);
	if (ps.enomem || ps.output_oom)
		fprintf(stderr, "replay: %" PRIu64 " packets evaluated without "
			"memory for all their state\n", ps.enomem + ps.output_oom);
	nfips_defrag_get_stats(nfips_pipeline_defrag(r->pipe), &ds);
	if (ds.invalid || ds.timeouts || ds.evicted)
		fprintf(stderr, "replay: fragments: %" PRIu64 " invalid, %" PRIu64
			" datagrams incomplete after %us, %" PRIu64
			" dropped for room\n", ds.invalid, ds.timeouts,
			NFIPS_DEFRAG_TIMEOUT, ds.evicted);
	fprintf(stderr,
		"packets=%" PRIu64 " decoded=%" PRIu64 " malformed=%" PRIu64
		" not_ip=%" PRIu64 " fragments=%" PRIu64 " flows=%" PRIu64
		" alerts=%" PRIu64 " rules=%zu loaded=%u skipped=%u errors=%lu"
		" tunneled=%" PRIu64
		" retransmits=%" PRIu64 " overlaps=%" PRIu64 " gaps=%" PRIu64 "\n",
		ps.packets, ps.decoded, ps.malformed, ps.not_ip, ps.fragments,
		fs.created, ps.alerts,
		(r->policy ? r->policy->nrules : r->nrules) + r->rule_errors, es->rules,
		es->skipped + es->duplicates, r->rule_errors, ps.tunneled, ss->retransmits,
		ss->overlaps, ss->gaps);
}

struct opts {
	const char **rules;
	size_t nrules;
	const char *pcap, *cpath, *policy;
	bool vars;		/* --var given */
	struct nfips_pipeline_cfg pc;
	bool timing;
	bool kernel_bypass;
};

static int parse_args(int argc, char **argv, struct opts *o,
		      struct nfips_vars *vars)
{
	static const struct option lopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'P' },
		{ "var", required_argument, NULL, 'V' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "classification", required_argument, NULL, 'c' },
		{ "sensor", required_argument, NULL, 's' },
		{ "max-flows", required_argument, NULL, 'F' },
		{ "stream-depth", required_argument, NULL, 'D' },
		{ "stream-window", required_argument, NULL, 'W' },
		{ "stream-memcap", required_argument, NULL, 'M' },
		{ "timing", no_argument, NULL, 'T' },
		{ "stream-bypass", no_argument, NULL, 'B' },
		{ "midstream", no_argument, NULL, 'm' },
		{ "eve-payload", required_argument, NULL, 'E' },
		{ "packet-alert-max", required_argument, NULL, 'A' },
		{ "http-body-inline", required_argument, NULL, 'I' },
		{ "kernel-bypass", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int opt;

	optind = 1;
	o->pc.http_body_ids = true;	/* as suricata -r, replay's reference */
	while ((opt = getopt_long(argc, argv, "r:P:V:p:c:s:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			o->rules[o->nrules++] = optarg;
			break;
		case 'P':
			o->policy = optarg;
			break;
		case 'V':
			o->vars = true;
			if (nfips_vars_set_arg(vars, optarg)) {
				fprintf(stderr, "nfipsctl: invalid --var '%s' (NAME=VALUE)\n",
					optarg);
				return 1;
			}
			break;
		case 'p':
			o->pcap = optarg;
			break;
		case 'c':
			o->cpath = optarg;
			break;
		case 's':
			o->pc.sensor = optarg;
			break;
		case 'F':
			if (parse_num("--max-flows", optarg, 1u << 24, &v))
				return 1;
			o->pc.flows.max_flows = (uint32_t)v;
			break;
		case 'D':
			if (parse_num("--stream-depth", optarg, NFIPS_STREAM_MAX, &v))
				return 1;
			o->pc.flows.stream.depth = (uint32_t)v;
			break;
		case 'W':
			if (parse_num("--stream-window", optarg, NFIPS_STREAM_MAX, &v))
				return 1;
			o->pc.flows.stream.ooo_max = (uint32_t)v;
			break;
		case 'M':
			if (parse_num("--stream-memcap", optarg, UINT64_MAX, &v))
				return 1;
			o->pc.flows.stream.memcap = v;
			break;
		case 'A':
			if (parse_num("--packet-alert-max", optarg, NFIPS_ALERT_MAX_LIMIT, &v))
				return 1;
			o->pc.alert_max = (uint32_t)v;
			break;
		case 'T':
			o->timing = true;
			break;
		case 'K':
			o->kernel_bypass = true;
			/* the kernel never queues a bypassed connection again */
			o->pc.bypass_grace_usec = UINT64_MAX / 2;
			break;
		case 'B':
			o->pc.stream_bypass = true;
			break;
		case 'm':
			o->pc.flows.stream.midstream = true;
			break;
		case 'E':
			if (nfips_eve_payload_parse(optarg, &o->pc.payload)) {
				fprintf(stderr, "nfipsctl: invalid --eve-payload '%s' "
					"(all, first or none)\n", optarg);
				return 1;
			}
			break;
		case 'I':
			if (strcmp(optarg, "yes") && strcmp(optarg, "no")) {
				fprintf(stderr, "nfipsctl: invalid --http-body-inline '%s' "
					"(yes or no)\n", optarg);
				return 1;
			}
			o->pc.http_body_ids = !strcmp(optarg, "no");
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc || !o->nrules == !o->policy || !o->pcap ||
	    (o->policy && (o->vars || o->cpath))) {
		if (optind < argc)
			fprintf(stderr, "nfipsctl: unexpected argument '%s'\n", argv[optind]);
		else if (o->policy && (o->nrules || o->vars || o->cpath))
			fprintf(stderr, "nfipsctl: --policy names the rules, variables "
				"and classification itself\n");
		else
			fprintf(stderr, "nfipsctl: replay needs --rules or --policy, and --pcap\n");
		usage(stderr);
		return 1;
	}
	return 0;
}

static int load_rules(struct replay *r, const struct opts *o,
		      const struct nfips_vars *vars)
{
	struct nfips_parse_ctx ctx = { .vars = vars };
	struct nfips_err err;
	char buf[512];
	size_t i;

	if (o->cpath) {
		if (nfips_classes_load(&r->classes, o->cpath, &err)) {
			fprintf(stderr, "%s\n", nfips_err_str(&err, buf, sizeof(buf)));
			return -1;
		}
		ctx.classes = &r->classes;
	}
	for (i = 0; i < o->nrules; i++) {
		if (nfips_rules_parse_file(o->rules[i], &ctx, on_rule, r, &err)) {
			if (!err.msg[0])
				return -1;	/* out of memory, said */
			fprintf(stderr, "%s\n", nfips_err_str(&err, buf, sizeof(buf)));
			return -1;
		}
	}
	if (nfips_engine_new(&r->engine, r->rules, r->nrules,
			     &(struct nfips_engine_limits){ 0 }, &err)) {
		fprintf(stderr, "nfipsctl: cannot build the rule engine: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/*
 * Without a classification table every record says category "" and
 * severity 3 (Suricata's default priority): SOC tooling would grade every
 * alert alike. Said once, clearly.
 */
static void no_classes_warning(void)
{
	fprintf(stderr, "nfipsctl: warning: no classification table (" DEFAULT_CLASSIFICATION
		" nor the one shipped with nfips): alert.category will be empty and "
		"alert.severity 3 unless a rule sets priority; give --classification FILE\n");
}

/* The default table into @cl for a policy that names none. */
static int default_classes(struct nfips_classes *cl)
{
	struct nfips_err err;
	char path[4096], buf[512];

	if (!nfips_classes_default(path, sizeof(path))) {
		no_classes_warning();
		return 0;
	}
	if (nfips_classes_load(cl, path, &err)) {
		fprintf(stderr, "%s\n", nfips_err_str(&err, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}

/*
 * The gateway's view of the customer policy: its rules with overrides and
 * approvals applied, learn mode, suppressions and stream settings; options
 * given on the command line win over the policy's.
 */
static int load_policy(struct replay *r, struct opts *o)
{
	struct nfips_pipeline_cfg cli = o->pc;
	struct nfips_diags d = { 0 };
	struct nfips_err err;

	if (nfips_policy_load(o->policy, NULL, &r->policy, &d)) {
		nfips_diags_print(&d, stderr);
		nfips_diags_free(&d);
		return -1;
	}
	nfips_diags_print(&d, stderr);
	nfips_diags_free(&d);
	nfips_policy_learn_demote(r->policy);
	nfips_policy_pipeline_cfg(r->policy, &o->pc);
	if (cli.sensor)
		o->pc.sensor = cli.sensor;
	if (cli.flows.max_flows)
		o->pc.flows.max_flows = cli.flows.max_flows;
	if (cli.flows.stream.depth)
		o->pc.flows.stream.depth = cli.flows.stream.depth;
	if (cli.flows.stream.ooo_max)
		o->pc.flows.stream.ooo_max = cli.flows.stream.ooo_max;
	if (cli.flows.stream.memcap)
		o->pc.flows.stream.memcap = cli.flows.stream.memcap;
	o->pc.flows.stream.midstream |= cli.flows.stream.midstream;
	o->pc.stream_bypass |= cli.stream_bypass;
	o->pc.payload = cli.payload;
	if (cli.alert_max)
		o->pc.alert_max = cli.alert_max;
	/* A policy naming no table: the default one, as for --rules. */
	if (!r->policy->classification && default_classes(&r->policy->classes))
		return -1;
	if (nfips_policy_engine(r->policy, &(struct nfips_engine_limits){ 0 },
				&r->engine, &err)) {
		fprintf(stderr, "nfipsctl: cannot build the rule engine: %s\n", err.msg);
		return -1;
	}
	/* As nfipsd grades: packet time, so a replay grades the same twice. */
	r->gmem = nfips_grade_memory_new(r->policy->grading.hosts);
	r->grader = r->gmem ? nfips_grader_new(r->policy, r->gmem) : NULL;
	if (!r->grader) {
		fprintf(stderr, "nfipsctl: out of memory\n");
		return -1;
	}
	o->pc.grader = r->grader;
	return 0;
}

/*
 * --kernel-bypass: what nfipsd does after each packet (nfipsd/kernel.c,
 * nfipsd_kernel_flow): a TCP or UDP flow both of whose directions the
 * advice says are done is bypassed, its later packets never evaluated.
 */
static void let_go(struct replay *r, const struct nfips_pipeline_result *res, uint64_t now)
{
	struct nfips_flow_advice adv;

	if (res->status != NFIPS_PIPE_EVALUATED || !res->flow ||
	    (res->flow->key.proto != IPPROTO_TCP && res->flow->key.proto != IPPROTO_UDP))
		return;
	nfips_pipeline_advice(r->pipe, res, &adv);
	if (adv.drop || !adv.done[0] || !adv.done[1])
		return;
	r->let_go++;
	nfips_pipeline_bypass(r->pipe, res->flow, now);
}

static int run(struct replay *r, const struct opts *o)
{
	struct nfips_pipeline_result res;
	struct nfips_pipeline_pkt in = { .pcap = true };
	struct nfips_pcap_pkt cap;
	struct nfips_pcap *pc;
	char err[512];
	int n, ret = 0;

	pc = nfips_pcap_open(o->pcap, err, sizeof(err));
	if (!pc) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		return 1;
	}
	in.link = nfips_pcap_link(pc);
	while ((n = nfips_pcap_next(pc, &cap, err, sizeof(err))) == 1) {
		in.data = cap.data;
		in.len = cap.caplen;
		in.wire_len = 0;
		in.ts_usec = (uint64_t)cap.sec * 1000000 + cap.usec;
		in.pkt_no++;
		nfips_pipeline_packet(r->pipe, &in, &res);
		if (o->kernel_bypass)
			let_go(r, &res, in.ts_usec);
	}
	if (n < 0) {
		fprintf(stderr, "nfipsctl: %s (after packet %" PRIu64 ")\n", err,
			in.pkt_no);
		ret = 1;
	}
	nfips_pipeline_flush(r->pipe);
	nfips_pcap_close(pc);
	return ret;
}

static double now_s(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int cmd_replay(int argc, char **argv)
{
	struct nfips_vars vars = { 0 };
	struct replay r = { 0 };
	struct opts o = { 0 };
	struct nfips_engine_stats es = { 0 };
	char host[256], cpath[4096];
	double t0, t1 = 0, t2, c0, c1 = 0, c2;
	size_t i;
	int ret = 1;

	o.rules = calloc((size_t)argc, sizeof(*o.rules));
	if (!o.rules || nfips_vars_defaults(&vars)) {
		fprintf(stderr, "nfipsctl: out of memory\n");
		goto out;
	}
	ret = parse_args(argc, argv, &o, &vars);
	if (ret) {
		ret = ret < 0 ? 0 : 1;
		goto out;
	}
	ret = 1;
	if (!o.policy && !o.cpath)
		o.cpath = nfips_classes_default(cpath, sizeof(cpath));
	if (!o.policy && !o.cpath)
		no_classes_warning();
	t0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	if (o.policy ? load_policy(&r, &o) : load_rules(&r, &o, &vars))
		goto out;
	t1 = now_s(CLOCK_MONOTONIC);
	c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	if (!o.policy)
		o.pc.classes = &r.classes;
	/* The sensor: the option, the policy's sensor id, else the host name. */
	if (!o.pc.sensor && !gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		o.pc.sensor = host;
	}
	r.pipe = nfips_pipeline_new(&o.pc, r.engine, on_alert, &r);
	if (!r.pipe) {
		fprintf(stderr, "nfipsctl: out of memory\n");
		goto out;
	}
	ret = run(&r, &o);
	if (fflush(stdout) || r.write_failed) {
		fprintf(stderr, "nfipsctl: writing the alerts failed\n");
		ret = 1;
	}
	t2 = now_s(CLOCK_MONOTONIC);
	c2 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	/*
	 * Loading: parsing, classifying, building the engine; replay: the
	 * rest. Elapsed and CPU time: on a busy machine the CPU time is what
	 * the work cost.
	 */
	if (o.timing)
		fprintf(stderr, "replay: timing: load_s=%.6f load_cpu_s=%.6f "
			"replay_s=%.6f replay_cpu_s=%.6f\n",
			t1 - t0, c1 - c0, t2 - t1, c2 - c1);
	nfips_engine_get_stats(r.engine, &es);
	/* the prefilter's memory, beside the time it buys */
	if (o.timing)
		fprintf(stderr, "replay: matcher: patterns=%u matcher_bytes=%zu\n",
			es.patterns, es.matcher_bytes);
	summary(&r, &es);
	if (r.rule_errors)
		ret = 1;
out:
	nfips_pipeline_free(r.pipe);
	nfips_engine_free(r.engine);
	nfips_grader_free(r.grader);
	nfips_grade_memory_free(r.gmem);
	nfips_policy_free(r.policy);
	for (i = 0; i < r.nrules; i++)
		nfips_rule_free(r.rules[i]);
	free(r.rules);
	free(o.rules);
	nfips_classes_free(&r.classes);
	nfips_vars_free(&vars);
	return ret;
}
