// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl push --block ADDR|CIDR [--for DURATION] --reason TEXT --by NAME
 *                [--inventory FILE] [--parallel N] [--ssh-config FILE]
 *                [--timeout SEC] [HOST...]
 * nfipsctl push --unblock ADDR|CIDR [--reason TEXT] [--by NAME] [...]
 *
 * A temporary block (nfipsctl block) on many gateways at once during an
 * incident (Documentation/push.rst, "Blocks"): the same ssh as a policy
 * push, the request "block" to each gateway's nfipsctl gateway, its
 * arguments as key=value lines on the request's input (a reason has
 * spaces; the forced command splits $SSH_ORIGINAL_COMMAND at them). Each
 * gateway blocks in its kernel and records it in its own store. Nothing
 * to roll back: a block is not a policy, and one gateway failing does not
 * undo the others (they are safer blocked). The table has one line per
 * gateway; exit status 1 when any failed.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nfipsctl.h"
#include "kernel/nl.h"
#include "util/util.h"

struct bjob {
	struct ctl_host *h;
	char result[32];
	struct nfips_sbuf detail;
	double secs;
};

struct bpush {
	struct ctl_ssh_opts ssh;
	const char *request;		/* "block" or "unblock" */
	struct nfips_sbuf in;		/* its input */
	struct bjob *jobs;
	size_t njobs;
	_Atomic size_t next;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The last non-empty line of @b, or @none. */
static void last_line(struct nfips_sbuf *d, const struct nfips_sbuf *b, const char *none)
{
	size_t n = b->len, e;

	while (n && (b->s[n - 1] == '\n' || b->s[n - 1] == '\r'))
		n--;
	e = n;
	while (n && b->s[n - 1] != '\n')
		n--;
	if (e > n)
		nfips_sbuf_add(d, b->s + n, e - n);
	else
		nfips_sbuf_puts(d, none);
}

static void one(struct bpush *p, struct bjob *j)
{
	struct nfips_sbuf out = { 0 }, err = { 0 };
	double t0 = now_s();
	char res[32];
	int rc;

	rc = ctl_ssh(&p->ssh, j->h, p->request, p->in.s, p->in.len, &out, &err);
	if (!rc && ctl_kv(out.s, "result", res, sizeof(res)) &&
	    !strcmp(res, p->request[0] == 'u' ? "unblocked" : "blocked")) {
		snprintf(j->result, sizeof(j->result), "%s", res);
	} else {
		/* 255: ssh itself (connection, host key); 2: the gateway refused */
		snprintf(j->result, sizeof(j->result), "%s", rc == 255 || rc < 0 ?
			 "unreachable" : rc == 2 ? "refused" : "failed");
		last_line(&j->detail, &err, "no output");
	}
	j->secs = now_s() - t0;
	nfips_sbuf_free(&out);
	nfips_sbuf_free(&err);
}

static void *worker(void *arg)
{
	struct bpush *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->njobs)
		one(p, &p->jobs[i]);
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl push --block ADDR|CIDR [--for DURATION] --reason TEXT --by NAME\n"
		"                     [options] [HOST...]\n"
		"       nfipsctl push --unblock ADDR|CIDR [--reason TEXT] [--by NAME] [options]\n"
		"                     [HOST...]\n"
		"  -i, --inventory FILE   gateways (HOSTs: some of them)\n"
		"  -j, --parallel N       gateways at a time (default 10)\n"
		"  -F, --ssh-config FILE  ssh -F FILE\n"
		"  -t, --timeout SEC      one ssh request at most (default 120)\n");
}

/* The inventory's gateways, or those named (some of the inventory's). */
static int hosts_of(const char *inventory, int n, char **names, struct ctl_host **out,
		    size_t *nout)
{
	struct ctl_host *all = NULL, *sel;
	size_t nall = 0, i, k;

	if (!inventory) {
		sel = calloc((size_t)n, sizeof(*sel));
		for (k = 0; sel && k < (size_t)n; k++)
			sel[k].name = strdup(names[k]);
		*out = sel;
		*nout = (size_t)n;
		return sel ? 0 : -1;
	}
	if (ctl_inventory_load(inventory, &all, &nall))
		return -1;
	if (!n) {
		*out = all;
		*nout = nall;
		return 0;
	}
	sel = calloc((size_t)n, sizeof(*sel));
	for (k = 0; sel && k < (size_t)n; k++) {
		for (i = 0; i < nall && (!all[i].name || strcmp(all[i].name, names[k])); i++)
			;
		if (i == nall) {
			fprintf(stderr, "nfipsctl push: %s: no gateway '%s' (or named twice)\n",
				inventory, names[k]);
			ctl_hosts_free(sel, k, true);
			ctl_hosts_free(all, nall, true);
			return -1;
		}
		sel[k] = all[i];
		memset(&all[i], 0, sizeof(all[i]));
	}
	ctl_hosts_free(all, nall, true);
	*out = sel;
	*nout = (size_t)n;
	return sel ? 0 : -1;
}

/* A value for one key=value line: no line breaks or control characters. */
static int line_ok(const char *what, const char *v)
{
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			fprintf(stderr, "nfipsctl push: --%s: no control characters or line "
				"breaks\n", what);
			return -1;
		}
	return 0;
}

int ctl_push_block(int argc, char **argv)
{
	enum { O_BLOCK = 0x200, O_UNBLOCK, O_FOR, O_REASON, O_BY };
	static const struct option lopts[] = {
		{ "block", required_argument, NULL, O_BLOCK },
		{ "unblock", required_argument, NULL, O_UNBLOCK },
		{ "for", required_argument, NULL, O_FOR },
		{ "reason", required_argument, NULL, O_REASON },
		{ "by", required_argument, NULL, O_BY },
		{ "inventory", required_argument, NULL, 'i' },
		{ "parallel", required_argument, NULL, 'j' },
		{ "ssh-config", required_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const head[] = { "GATEWAY", "RESULT", "TIME" };
	struct bpush p = { .ssh = { .timeout = 120 } };
	const char *addr = NULL, *forstr = NULL, *reason = NULL, *by = NULL;
	const char *inventory = NULL;
	struct ctl_table t = { .ncols = 3 };
	struct ctl_host *hosts = NULL;
	size_t nhosts = 0, parallel = 10, i, started = 0;
	struct nfips_nl_block b;
	pthread_t th[64];
	char err[256], canon[NFIPS_BLOCK_STR];
	int opt, ret = 1;
	bool unblock = false;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:j:F:t:h", lopts, NULL)) != -1) {
		char *end;
		long v = 0;

		if (opt == 'j' || opt == 't') {
			v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || v > 100000) {
				fprintf(stderr, "nfipsctl push: -%c '%s': not a number\n", opt,
					optarg);
				return 2;
			}
		}
		switch (opt) {
		case O_BLOCK:
		case O_UNBLOCK:
			if (addr) {
				fprintf(stderr, "nfipsctl push: one --block or --unblock\n");
				return 2;
			}
			addr = optarg;
			unblock = opt == O_UNBLOCK;
			break;
		case O_FOR: forstr = optarg; break;
		case O_REASON: reason = optarg; break;
		case O_BY: by = optarg; break;
		case 'i': inventory = optarg; break;
		case 'j': parallel = v ? (size_t)v : 1; break;
		case 'F': p.ssh.config = optarg; break;
		case 't': p.ssh.timeout = v ? (unsigned)v : 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!addr || (!inventory && optind >= argc)) {
		usage(stderr);
		return 2;
	}
	/* checked here as the gateways will: nothing is sent when it fails */
	if (nfips_block_parse(addr, &b, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl push: --%s: %s\n", unblock ? "unblock" : "block", err);
		return 2;
	}
	if (forstr && (unblock || nfips_duration_parse(forstr, &b.timeout, err, sizeof(err)))) {
		fprintf(stderr, "nfipsctl push: --for %s\n", unblock ? "is for --block" : err);
		return 2;
	}
	if (!by && unblock)
		by = getenv("SUDO_USER") ? getenv("SUDO_USER") : getenv("USER");
	if (!unblock && (!reason || !*reason || !by || !*by)) {
		fprintf(stderr, "nfipsctl push: --block needs --reason and --by (who blocked "
			"it, and why: each gateway records them)\n");
		return 2;
	}
	if ((reason && line_ok("reason", reason)) || (by && line_ok("by", by)))
		return 2;
	nfips_block_str(&b, canon, sizeof(canon));
	p.request = unblock ? "unblock" : "block";
	nfips_sbuf_printf(&p.in, "addr=%s\n", canon);
	if (forstr)
		nfips_sbuf_printf(&p.in, "for=%s\n", forstr);
	if (reason)
		nfips_sbuf_printf(&p.in, "reason=%s\n", reason);
	if (by)
		nfips_sbuf_printf(&p.in, "by=%s\n", by);
	if (p.in.oom || hosts_of(inventory, argc - optind, argv + optind, &hosts, &nhosts))
		goto out;
	p.jobs = calloc(nhosts ? nhosts : 1, sizeof(*p.jobs));
	if (!p.jobs)
		goto out;
	for (i = 0; i < nhosts; i++)
		p.jobs[i].h = &hosts[i];
	p.njobs = nhosts;
	for (i = 0; i < parallel && i < nhosts && i < 64; i++)
		started += !pthread_create(&th[started], NULL, worker, &p);
	if (!started)
		worker(&p);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	ret = 0;
	for (i = 0; i < nhosts; i++) {
		struct bjob *j = &p.jobs[i];
		char secs[32];
		const char *row[3] = { j->h->name, j->result, secs };

		snprintf(secs, sizeof(secs), "%.1fs", j->secs);
		ctl_table_add(&t, row);
		if (j->detail.len)
			ret = 1;
	}
	ctl_table_print(&t, head);
	for (i = 0; i < nhosts; i++)
		if (p.jobs[i].detail.len)
			printf("%s: %.*s\n", p.jobs[i].h->name, (int)p.jobs[i].detail.len,
			       p.jobs[i].detail.s);
out:
	for (i = 0; p.jobs && i < nhosts; i++)
		nfips_sbuf_free(&p.jobs[i].detail);
	free(p.jobs);
	nfips_sbuf_free(&p.in);
	ctl_hosts_free(hosts, nhosts, true);
	return ret;
}
