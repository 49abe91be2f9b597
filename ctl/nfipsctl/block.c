// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl block ADDR|CIDR [--for DURATION] --reason TEXT --by NAME
 *                [--store PATH]
 * nfipsctl block --list [--json] [--utc] [--store PATH]
 * nfipsctl unblock ADDR|CIDR [--reason TEXT] [--by NAME] [--store PATH]
 *
 * Temporary network control during an incident: every packet from or to
 * the address or prefix is dropped by the kernel at once, in learn mode
 * too, until --for runs out (the kernel enforces it, daemon or not) or
 * unblock. The kernel keeps address, prefix and expiry; who, why, when
 * and until go to the store (Documentation/store.rst, "blocks"), created
 * if nfipsd has not made it yet. The kernel first: a block must not wait
 * for a disk; a record that fails is said and exits 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nfipsctl.h"
#include "kernel/nl.h"
#include "util/util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl block ADDR|CIDR [--for DURATION] --reason TEXT --by NAME [--store PATH]\n"
		"       nfipsctl block --list [--json] [--utc] [--store PATH]\n"
		"       nfipsctl unblock ADDR|CIDR [--reason TEXT] [--by NAME] [--store PATH]\n"
		"DURATION: 90s, 15m, 2h, 1h30m, 7d, 2w (a bare number is seconds);\n"
		"without --for the block stays until unblock.\n");
}

struct opts {
	const char *addr, *forstr, *reason, *by, *store;
	bool list, json, utc;
	struct nfips_nl_block b;
};

/* 0 parsed, else the exit status (usage or message said). */
static int parse_args(int argc, char **argv, bool unblock, struct opts *o)
{
	static const struct option lopts[] = {
		{ "for", required_argument, NULL, CTL_OPT_FOR },
		{ "reason", required_argument, NULL, CTL_OPT_REASON },
		{ "by", required_argument, NULL, CTL_OPT_BY },
		{ "store", required_argument, NULL, CTL_OPT_STORE },
		{ "list", no_argument, NULL, CTL_OPT_LIST },
		{ "json", no_argument, NULL, CTL_OPT_JSON },
		{ "utc", no_argument, NULL, CTL_OPT_UTC },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = unblock ? "unblock" : "block";
	char err[256];
	int opt;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (opt) {
		case CTL_OPT_FOR: o->forstr = optarg; break;
		case CTL_OPT_REASON: o->reason = optarg; break;
		case CTL_OPT_BY: o->by = optarg; break;
		case CTL_OPT_STORE: o->store = optarg; break;
		case CTL_OPT_LIST: o->list = true; break;
		case CTL_OPT_JSON: o->json = true; break;
		case CTL_OPT_UTC: o->utc = true; break;
		case 'h': usage(stdout); return -1;
		default: usage(stderr); return 2;
		}
	}
	if (unblock && (o->list || o->forstr || o->json || o->utc)) {
		fprintf(stderr, "nfipsctl unblock: takes an address, --reason, --by and --store only\n");
		return 2;
	}
	if (o->list) {
		if (optind != argc || o->forstr || o->reason || o->by) {
			fprintf(stderr, "nfipsctl block --list: no address, --for, --reason or --by\n");
			return 2;
		}
		return 0;
	}
	if (o->json || o->utc) {
		fprintf(stderr, "nfipsctl block: --json and --utc go with --list\n");
		return 2;
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	o->addr = argv[optind];
	if (nfips_block_parse(o->addr, &o->b, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl %s: %s\n", cmd, err);
		return 2;
	}
	if (o->forstr &&
	    nfips_duration_parse(o->forstr, &o->b.timeout, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl block: --for %s\n", err);
		return 2;
	}
	if (!unblock && (!o->reason || !*o->reason || !o->by || !*o->by)) {
		fprintf(stderr, "nfipsctl block: --reason and --by are required (who blocked it, and why)\n");
		return 2;
	}
	if (!o->by)
		o->by = getenv("SUDO_USER") ? getenv("SUDO_USER") : getenv("USER");
	return 0;
}

static int64_t now_usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int record(const struct opts *o, bool unblock, const char *addr)
{
	struct nfips_store_block r = {
		.unblock = unblock, .addr = addr, .reason = o->reason, .by = o->by,
	};
	struct nfips_store *s;
	char err[1024];
	int rc;

	r.ts = now_usec();
	if (!unblock && o->b.timeout)
		r.until = r.ts + (int64_t)o->b.timeout * 1000000;
	s = ctl_store_open_create(o->store);
	if (!s) {
		fprintf(stderr, "nfipsctl: %s %s in effect, but not recorded in the store\n",
			unblock ? "unblock" : "block", addr);
		return 1;
	}
	rc = nfips_store_block_put(s, &r, err, sizeof(err));
	nfips_store_close(s);
	if (rc) {
		fprintf(stderr, "nfipsctl: %s %s in effect, but not recorded: %s\n",
			unblock ? "unblock" : "block", addr, err);
		return 1;
	}
	return 0;
}

struct row {
	char addr[NFIPS_BLOCK_STR];
	struct nfips_nl_block b;
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static int collect(void *arg, const struct nfips_nl_block *b)
{
	struct rows *r = arg;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct row *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n].b = *b;
	nfips_block_str(b, r->v[r->n].addr, sizeof(r->v[r->n].addr));
	r->n++;
	return 0;
}

/* The record of the block in effect: the address's latest block. */
struct meta {
	char reason[256], by[128];
	bool found;
};

static int take_meta(void *arg, const struct nfips_store_block *b)
{
	struct meta *m = arg;

	if (b->unblock)
		return 0;
	snprintf(m->reason, sizeof(m->reason), "%s", b->reason ? b->reason : "");
	snprintf(m->by, sizeof(m->by), "%s", b->by ? b->by : "");
	m->found = true;
	return 1;
}

static void find_meta(struct nfips_store *s, const char *addr, struct meta *m)
{
	struct nfips_store_block_filter f = {
		.addr = addr, .newest_first = true,
	};
	char err[512];

	memset(m, 0, sizeof(*m));
	if (s && nfips_store_blocks(s, &f, take_meta, m, err, sizeof(err)))
		fprintf(stderr, "nfipsctl: store: %s\n", err);
}

static void print_list(const struct rows *r, struct nfips_store *s, bool json,
		       bool utc)
{
	struct nfips_sbuf buf = { 0 };
	struct ctl_table t = { .ncols = 6 };
	static const char *const head[] = {
		"ADDRESS", "EXPIRES", "REMAINING", "REASON", "BY", "HITS",
	};
	int64_t now = now_usec();
	struct nfips_json j;
	size_t i;

	if (json) {
		nfips_json_init(&j, &buf);
		nfips_json_arr(&j, NULL);
	}
	for (i = 0; i < r->n; i++) {
		const struct nfips_nl_block *b = &r->v[i].b;
		char exp[64] = "never", rem[32] = "-", hits[32];
		int64_t until = b->expires ? now + (int64_t)b->remaining_ms * 1000 : 0;
		struct meta m;

		find_meta(s, r->v[i].addr, &m);
		if (b->expires) {
			ctl_fmt_time(exp, sizeof(exp), until, utc);
			nfips_duration_str((b->remaining_ms + 999) / 1000, rem,
					   sizeof(rem));
		}
		snprintf(hits, sizeof(hits), "%llu", (unsigned long long)b->hits);
		if (json) {
			nfips_json_obj(&j, NULL);
			nfips_json_kstr(&j, "address", r->v[i].addr);
			if (b->expires) {
				nfips_json_kint(&j, "expires", until / 1000000);
				nfips_json_kuint(&j, "remaining_ms", b->remaining_ms);
			} else {
				nfips_json_knull(&j, "expires");
				nfips_json_knull(&j, "remaining_ms");
			}
			if (m.found) {
				nfips_json_kstr(&j, "reason", m.reason);
				nfips_json_kstr(&j, "by", m.by);
			} else {
				nfips_json_knull(&j, "reason");
				nfips_json_knull(&j, "by");
			}
			nfips_json_kuint(&j, "hits", b->hits);
			nfips_json_obj_end(&j);
		} else {
			const char *cells[] = {
				r->v[i].addr, exp, rem, m.found ? m.reason : "-",
				m.found ? m.by : "-", hits,
			};

			ctl_table_add(&t, cells);
		}
	}
	if (json) {
		nfips_json_arr_end(&j);
		nfips_sbuf_add(&buf, "\n", 1);
		fwrite(buf.s, 1, buf.len, stdout);
		nfips_sbuf_free(&buf);
	} else if (r->n) {
		ctl_table_print(&t, head);
	} else {
		printf("no blocks\n");
	}
}

static int list(const struct opts *o)
{
	struct rows r = { 0 };
	struct nfips_nl *nl;
	struct nfips_store *s;
	int ret;

	nl = ctl_open();
	if (!nl)
		return 1;
	ret = nfips_nl_block_list(nl, collect, &r);
	if (ret) {
		fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
		nfips_nl_close(nl);
		free(r.v);
		return 1;
	}
	nfips_nl_close(nl);
	/* Reason and by from the store; the list stands without them. */
	s = r.n ? ctl_store_open(o->store, false) : NULL;
	print_list(&r, s, o->json, o->utc);
	nfips_store_close(s);
	free(r.v);
	return 0;
}

static int change(int argc, char **argv, bool unblock)
{
	char addr[NFIPS_BLOCK_STR], left[32];
	struct nfips_nl *nl;
	struct opts o;
	int ret;

	ret = parse_args(argc, argv, unblock, &o);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (o.list)
		return list(&o);
	nfips_block_str(&o.b, addr, sizeof(addr));
	nl = ctl_open();
	if (!nl)
		return 1;
	ret = unblock ? nfips_nl_block_del(nl, &o.b) : nfips_nl_block_add(nl, &o.b);
	if (ret) {
		fprintf(stderr, "nfipsctl: %s\n", nfips_nl_error(nl));
		nfips_nl_close(nl);
		return 1;
	}
	nfips_nl_close(nl);
	if (unblock) {
		printf("unblocked %s\n", addr);
	} else if (o.b.timeout) {
		nfips_duration_str(o.b.timeout, left, sizeof(left));
		printf("blocked %s for %s\n", addr, left);
	} else {
		printf("blocked %s until unblocked\n", addr);
	}
	return record(&o, unblock, addr);
}

int cmd_block(int argc, char **argv)
{
	return change(argc, argv, false);
}

int cmd_unblock(int argc, char **argv)
{
	return change(argc, argv, true);
}
