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

#include "decode.h"
#include "defrag.h"
#include "engine.h"
#include "eve.h"
#include "flow.h"
#include "nfipsctl.h"
#include "pcap_reader.h"
#include "rule.h"

#define DEFAULT_CLASSIFICATION "/etc/nfips/classification.config"
#define MAX_REASONS 32

struct reason {
	const char *why;	/* static, from the decoder */
	uint64_t n, first;	/* count, first packet number */
};

struct replay {
	/* rules */
	struct nfips_rule **rules;
	size_t nrules, cap;
	unsigned long rule_errors;
	struct nfips_classes classes;
	struct nfips_engine *engine;

	/* output */
	struct nfips_buf out;
	const char *sensor;
	uint64_t sequence;
	bool write_failed;

	/* the packet being evaluated */
	const struct nfips_decoded *dec;
	const struct nfips_flowrec *flow;
	struct nfips_flowtab *flows;
	struct nfips_defrag *defrag;

	/* counters */
	uint64_t packets, decoded, malformed, not_ip, fragments, alerts;
	uint64_t enomem;
	struct reason reasons[MAX_REASONS];
	size_t nreasons;
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

static const char *category(const struct replay *r, const struct nfips_rule *rule)
{
	const struct nfips_class *c;

	if (!rule->classtype)
		return "";
	c = nfips_classes_find(&r->classes, rule->classtype);
	return c ? c->desc : "";
}

static void on_alert(void *arg, const struct nfips_pkt *pkt,
		     const struct nfips_flow *flow, const struct nfips_alert *al)
{
	struct replay *r = arg;
	const struct nfips_rule *rule = al->rule;
	const struct nfips_flowrec *f = r->flow;
	struct nfips_eve_alert a = {
		.sec = (int64_t)(pkt->ts_usec / 1000000),
		.usec = (uint32_t)(pkt->ts_usec % 1000000),
		.pcap_cnt = pkt->pcap_cnt,
		.family = pkt->family,
		.sport = pkt->sport,
		.dport = pkt->dport,
		.proto = pkt->proto,
		.icmp_type = pkt->icmp_type,
		.icmp_code = pkt->icmp_code,
		/* Suricata's names for capture and flow-end pseudo packets. */
		.pkt_src = pkt->pcap_cnt ? "wire/pcap" : "stream (flow timeout)",
		.blocked = rule->action == NFIPS_ACTION_DROP ||
			   rule->action == NFIPS_ACTION_REJECT,
		.gid = rule->gid,
		.sid = rule->sid,
		.rev = rule->rev,
		.signature = rule->msg,
		.category = category(r, rule),
		.severity = rule->priority,
		.path = "daemon",
		.sequence = ++r->sequence,
		.policy_serial = 0,
		.sensor = r->sensor,
	};

	memcpy(a.src, pkt->src, 16);
	memcpy(a.dst, pkt->dst, 16);
	if (r->dec && pkt->pcap_cnt) {
		a.nvlan = r->dec->nvlan;
		memcpy(a.vlan, r->dec->vlan, sizeof(a.vlan));
	} else if (f) {
		/* A flow-end pseudo packet: the flow's VLAN ids (0 ends them). */
		while (a.nvlan < NFIPS_MAX_VLAN && f->key.vlan[a.nvlan]) {
			a.vlan[a.nvlan] = f->key.vlan[a.nvlan];
			a.nvlan++;
		}
	}
	if (f && flow) {
		a.flow_id = f->id;
		a.has_flow = true;
		a.to_server = flow->to_server;
		a.flow.pkts_toserver = f->pkts[0];
		a.flow.pkts_toclient = f->pkts[1];
		a.flow.bytes_toserver = f->bytes[0];
		a.flow.bytes_toclient = f->bytes[1];
		a.flow.start_sec = (int64_t)(f->start_usec / 1000000);
		a.flow.start_usec = (uint32_t)(f->start_usec % 1000000);
	}
	r->alerts++;
	nfips_buf_reset(&r->out);
	nfips_eve_alert(&r->out, &a);
	if (r->out.oom) {
		r->enomem++;
		return;
	}
	if (fwrite(r->out.s, 1, r->out.len, stdout) != r->out.len)
		r->write_failed = true;
}

/* ---- flows ---------------------------------------------------------- */

static void evaluate(struct replay *r, const struct nfips_pkt *pkt,
		     const struct nfips_flow *flow, const struct nfips_stream *st)
{
	if (nfips_engine_packet(r->engine, pkt, flow, st, on_alert, r) == -ENOMEM)
		r->enomem++;
}

/* Which end of the flow's key is the client. */
static int cli_end(const struct nfips_flowrec *f)
{
	return memcmp(f->key.addr[0], f->cli, 16) || f->key.port[0] != f->cli_port;
}

/*
 * A TCP flow ends: stream data still waiting behind a hole is inspected
 * with pseudo packets (pcap_cnt 0), as Suricata does at flow end.
 */
static void on_flow_end(void *arg, struct nfips_flowrec *f,
			enum nfips_flow_end why, uint64_t now)
{
	struct replay *r = arg;
	struct nfips_flowstate *fs = f->user;
	struct nfips_stream st;
	struct nfips_pkt pkt;
	struct nfips_flow flow;
	int dir;

	(void)why;
	if (f->key.proto == IPPROTO_TCP && fs) {
		for (dir = 0; dir < 2; dir++) {
			while (nfips_tcp_flush(nfips_flowtab_stream(r->flows),
					       &f->tcp, dir, &st)) {
				/* The key's end that sends in this direction. */
				int from = cli_end(f) ^ dir;

				memset(&pkt, 0, sizeof(pkt));
				pkt.family = f->key.family;
				pkt.proto = IPPROTO_TCP;
				memcpy(pkt.src, f->key.addr[from], 16);
				memcpy(pkt.dst, f->key.addr[!from], 16);
				pkt.sport = f->key.port[from];
				pkt.dport = f->key.port[!from];
				pkt.ts_usec = now;
				flow = (struct nfips_flow){
					.state = fs,
					.to_server = dir == 0,
					.established = f->tcp.established,
				};
				r->dec = NULL;
				r->flow = f;
				evaluate(r, &pkt, &flow, &st);
			}
		}
	}
	nfips_flowstate_free(fs);
	f->user = NULL;
}

/* ---- packets -------------------------------------------------------- */

static void count_reason(struct replay *r, const char *why)
{
	size_t i;

	for (i = 0; i < r->nreasons; i++) {
		if (r->reasons[i].why == why || !strcmp(r->reasons[i].why, why)) {
			r->reasons[i].n++;
			return;
		}
	}
	if (r->nreasons < MAX_REASONS) {
		r->reasons[r->nreasons].why = why;
		r->reasons[r->nreasons].n = 1;
		r->reasons[r->nreasons++].first = r->packets;
	}
}

/*
 * A fragment: when it completes its datagram, @d becomes the decoded
 * datagram (with the fragment's VLAN ids) and its status is returned;
 * otherwise NFIPS_DEC_FRAGMENT.
 */
static enum nfips_decode_status reassemble(struct replay *r,
					   struct nfips_decoded *d, uint64_t ts)
{
	uint16_t vlan[NFIPS_MAX_VLAN];
	uint8_t nvlan = d->nvlan;
	enum nfips_decode_status s;
	const uint8_t *dg;
	uint32_t len;

	r->fragments++;
	if (nfips_defrag_add(r->defrag, d, ts, &dg, &len) != NFIPS_DEFRAG_DONE)
		return NFIPS_DEC_FRAGMENT;
	memcpy(vlan, d->vlan, sizeof(vlan));
	s = nfips_decode_ip(dg, len, d);
	d->nvlan = nvlan;
	memcpy(d->vlan, vlan, sizeof(vlan));
	return s;
}

static void packet(struct replay *r, int link, const struct nfips_pcap_pkt *cap)
{
	uint64_t ts = (uint64_t)cap->sec * 1000000 + cap->usec;
	struct nfips_decoded d;
	struct nfips_flow_update up;
	struct nfips_flowrec *f;
	struct nfips_flow flow;
	enum nfips_decode_status s;
	bool created;
	int dir;

	s = nfips_decode(link, cap->data, cap->caplen, &d);
	if (s == NFIPS_DEC_FRAGMENT)
		s = reassemble(r, &d, ts);
	switch (s) {
	case NFIPS_DEC_OK:
		break;
	case NFIPS_DEC_NOT_IP:
		r->not_ip++;
		return;
	case NFIPS_DEC_FRAGMENT:
		return;		/* waits for the rest of its datagram */
	case NFIPS_DEC_MALFORMED:
		r->malformed++;
		count_reason(r, d.why);
		return;
	}
	r->decoded++;
	d.pkt.ts_usec = ts;
	d.pkt.pcap_cnt = r->packets;

	f = nfips_flowtab_get(r->flows, &d, d.pkt.ts_usec, &dir, &created);
	if (!f) {
		r->enomem++;
		r->dec = &d;
		r->flow = NULL;
		evaluate(r, &d.pkt, NULL, NULL);
		return;
	}
	if (created && !(f->user = nfips_flowstate_new(r->engine)))
		r->enomem++;
	nfips_flow_update(r->flows, f, dir, &d.pkt, cap->caplen, &up);
	flow = (struct nfips_flow){
		.state = f->user,
		.to_server = dir == 0,
		.established = up.established,
		.stream_add = up.tcp.stream_add,
	};
	r->dec = &d;
	r->flow = f;
	evaluate(r, &d.pkt, f->user ? &flow : NULL,
		 up.tcp.inspect ? &up.tcp.st : NULL);
}

/* ---- command -------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl replay --rules FILE [--rules FILE]... [--var NAME=VALUE]...\n"
		"                       [--classification FILE] [--sensor NAME]\n"
		"                       [--max-flows N] [--stream-depth BYTES]\n"
		"                       [--stream-window BYTES] [--stream-memcap BYTES]\n"
		"                       [--midstream]\n"
		"                       [--timing] --pcap FILE\n"
		"\n"
		"Evaluates the rules on every packet of a capture (pcap or pcapng) and\n"
		"writes one EVE JSON alert record per alert to stdout, a summary to stderr.\n"
		"\n"
		"  -r, --rules FILE          rule file (Snort/Suricata rule language)\n"
		"  -V, --var NAME=VALUE      address or port variable ($NAME); suricata.yaml's\n"
		"                            defaults apply otherwise\n"
		"  -c, --classification F    classtypes (default " DEFAULT_CLASSIFICATION ")\n"
		"  -p, --pcap FILE           the capture ('-': standard input)\n"
		"  -s, --sensor NAME         sensor name in the records (default: host name)\n"
		"      --max-flows N         flow table size (default %u)\n"
		"      --stream-depth B      bytes reassembled per direction (default %u)\n"
		"      --stream-window B     out-of-order window per direction (default %u)\n"
		"      --stream-memcap B     all reassembly buffers (default %llu)\n"
		"      --midstream           track TCP sessions seen without their handshake\n"
		"                            (Suricata's stream.midstream; default off)\n"
		"      --timing              say how long loading the rules and the replay took\n",
		NFIPS_FLOW_MAX, NFIPS_STREAM_DEPTH, NFIPS_STREAM_OOO_MAX,
		(unsigned long long)NFIPS_STREAM_MEMCAP);
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

static void summary(const struct replay *r, const struct nfips_engine_stats *es)
{
	struct nfips_flowtab_stats fs;
	struct nfips_defrag_stats ds;
	const struct nfips_stream_stats *ss = &nfips_flowtab_stream(r->flows)->st;
	size_t i;

	nfips_flowtab_get_stats(r->flows, &fs);
	for (i = 0; i < r->nreasons; i++)
		fprintf(stderr, "replay: malformed: %" PRIu64 " %s (first: packet %"
			PRIu64 ")\n", r->reasons[i].n, r->reasons[i].why,
			r->reasons[i].first);
	if (r->enomem)
		fprintf(stderr, "replay: %" PRIu64 " packets evaluated without "
			"memory for all their state\n", r->enomem);
	nfips_defrag_get_stats(r->defrag, &ds);
	if (ds.invalid || ds.timeouts || ds.evicted)
		fprintf(stderr, "replay: fragments: %" PRIu64 " invalid, %" PRIu64
			" datagrams incomplete after %us, %" PRIu64
			" dropped for room\n", ds.invalid, ds.timeouts,
			NFIPS_DEFRAG_TIMEOUT, ds.evicted);
	fprintf(stderr,
		"packets=%" PRIu64 " decoded=%" PRIu64 " malformed=%" PRIu64
		" not_ip=%" PRIu64 " fragments=%" PRIu64 " flows=%" PRIu64
		" alerts=%" PRIu64 " rules=%zu loaded=%u skipped=%u errors=%lu"
		" retransmits=%" PRIu64 " overlaps=%" PRIu64 " gaps=%" PRIu64 "\n",
		r->packets, r->decoded, r->malformed, r->not_ip, r->fragments,
		fs.created, r->alerts, r->nrules + r->rule_errors, es->rules,
		es->skipped + es->duplicates, r->rule_errors, ss->retransmits,
		ss->overlaps, ss->gaps);
}

struct opts {
	const char **rules;
	size_t nrules;
	const char *pcap, *cpath;
	struct nfips_flowtab_cfg ft;
	bool timing;
};

static int parse_args(int argc, char **argv, struct opts *o,
		      struct nfips_vars *vars, struct replay *r)
{
	static const struct option lopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "var", required_argument, NULL, 'V' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "classification", required_argument, NULL, 'c' },
		{ "sensor", required_argument, NULL, 's' },
		{ "max-flows", required_argument, NULL, 'F' },
		{ "stream-depth", required_argument, NULL, 'D' },
		{ "stream-window", required_argument, NULL, 'W' },
		{ "stream-memcap", required_argument, NULL, 'M' },
		{ "timing", no_argument, NULL, 'T' },
		{ "midstream", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:V:p:c:s:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			o->rules[o->nrules++] = optarg;
			break;
		case 'V':
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
			r->sensor = optarg;
			break;
		case 'F':
			if (parse_num("--max-flows", optarg, 1u << 24, &v))
				return 1;
			o->ft.max_flows = (uint32_t)v;
			break;
		case 'D':
			if (parse_num("--stream-depth", optarg, NFIPS_STREAM_MAX, &v))
				return 1;
			o->ft.stream.depth = (uint32_t)v;
			break;
		case 'W':
			if (parse_num("--stream-window", optarg, NFIPS_STREAM_MAX, &v))
				return 1;
			o->ft.stream.ooo_max = (uint32_t)v;
			break;
		case 'M':
			if (parse_num("--stream-memcap", optarg, UINT64_MAX, &v))
				return 1;
			o->ft.stream.memcap = v;
			break;
		case 'T':
			o->timing = true;
			break;
		case 'm':
			o->ft.stream.midstream = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc || !o->nrules || !o->pcap) {
		if (optind < argc)
			fprintf(stderr, "nfipsctl: unexpected argument '%s'\n", argv[optind]);
		else
			fprintf(stderr, "nfipsctl: replay needs --rules and --pcap\n");
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

static int run(struct replay *r, const struct opts *o)
{
	struct nfips_pcap_pkt cap;
	struct nfips_pcap *pc;
	char err[512];
	int link, n, ret = 0;

	pc = nfips_pcap_open(o->pcap, err, sizeof(err));
	if (!pc) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		return 1;
	}
	link = nfips_pcap_link(pc);
	while ((n = nfips_pcap_next(pc, &cap, err, sizeof(err))) == 1) {
		r->packets++;
		packet(r, link, &cap);
	}
	if (n < 0) {
		fprintf(stderr, "nfipsctl: %s (after packet %" PRIu64 ")\n", err,
			r->packets);
		ret = 1;
	}
	nfips_flowtab_flush(r->flows);
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
	char host[256];
	double t0, t1 = 0, t2, c0, c1 = 0, c2;
	size_t i;
	int ret = 1;

	o.rules = calloc((size_t)argc, sizeof(*o.rules));
	if (!o.rules || nfips_vars_defaults(&vars)) {
		fprintf(stderr, "nfipsctl: out of memory\n");
		goto out;
	}
	ret = parse_args(argc, argv, &o, &vars, &r);
	if (ret) {
		ret = ret < 0 ? 0 : 1;
		goto out;
	}
	ret = 1;
	if (!o.cpath && !access(DEFAULT_CLASSIFICATION, R_OK))
		o.cpath = DEFAULT_CLASSIFICATION;
	if (!r.sensor && !gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		r.sensor = host;
	}
	t0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	if (load_rules(&r, &o, &vars))
		goto out;
	t1 = now_s(CLOCK_MONOTONIC);
	c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	r.flows = nfips_flowtab_new(&o.ft, on_flow_end, &r);
	r.defrag = nfips_defrag_new(NULL);
	if (!r.flows || !r.defrag) {
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
	summary(&r, &es);
	if (r.rule_errors)
		ret = 1;
out:
	nfips_flowtab_free(r.flows);
	nfips_defrag_free(r.defrag);
	nfips_engine_free(r.engine);
	for (i = 0; i < r.nrules; i++)
		nfips_rule_free(r.rules[i]);
	free(r.rules);
	free(o.rules);
	nfips_buf_free(&r.out);
	nfips_classes_free(&r.classes);
	nfips_vars_free(&vars);
	return ret;
}
