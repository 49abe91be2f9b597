// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl fleet status [--parallel N] [--ssh-config FILE] [INVENTORY]
 *
 * The table a SOC engineer checks each morning: per gateway of the
 * inventory (default /etc/nfips/inventory), whether ssh reached it, the
 * nfips and module versions, the policy serial (the file's; nfipsd's if
 * it runs another), the mode (the kernel's, else the policy's), nfipsd's
 * health, the alert backlog towards the SOC's collectors and the time of
 * the last alert, from "gateway status" (status --json, health.c) over
 * the same ssh as push. Exit status 1 when a gateway is unreachable or
 * unhealthy; what is wrong follows the table.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nfipsctl.h"
#include "util/util.h"

#define FLEET_COLS 9

struct row {
	struct ctl_host *h;
	char cell[FLEET_COLS][64];
	char problem[600];
	bool bad;
};

struct fleet {
	struct ctl_ssh_opts ssh;
	struct row *rows;
	size_t n;
	_Atomic size_t next;
};

static const char *jstr(struct json_object *o, const char *a, const char *b)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, a, &x) || (b && !json_object_object_get_ex(x, b, &x)))
		return NULL;
	return json_object_get_string(x);
}

static int64_t jint(struct json_object *o, const char *a, const char *b)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, a, &x) || (b && !json_object_object_get_ex(x, b, &x)))
		return 0;
	return json_object_get_int64(x);
}

static bool jbool(struct json_object *o, const char *a, const char *b)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, a, &x) || (b && !json_object_object_get_ex(x, b, &x)))
		return false;
	return json_object_get_boolean(x);
}

static void when(char *out, size_t len, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!t) {
		snprintf(out, len, "never");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void one(struct fleet *f, struct row *r)
{
	struct nfips_sbuf out = { 0 }, err = { 0 };
	struct json_object *o;
	int rc, i;

	for (i = 1; i < FLEET_COLS; i++)
		snprintf(r->cell[i], sizeof(r->cell[i]), "-");
	snprintf(r->cell[0], sizeof(r->cell[0]), "%s", r->h->name);
	rc = ctl_ssh(&f->ssh, r->h, "status", NULL, 0, &out, &err);
	o = rc ? NULL : json_tokener_parse(out.s ? out.s : "");
	if (!o) {
		char *e = err.s ? err.s : (char *)"";
		size_t n = err.len;

		while (n && e[n - 1] == '\n')
			e[--n] = '\0';
		while (n && e[n - 1] != '\n')
			n--;
		snprintf(r->cell[1], sizeof(r->cell[1]), "no");
		snprintf(r->problem, sizeof(r->problem), "%s", rc ? e + n : "no status");
		r->bad = true;
		goto out;
	}
	snprintf(r->cell[1], sizeof(r->cell[1]), "yes");
	snprintf(r->cell[2], sizeof(r->cell[2]), "%s", jstr(o, "version", NULL) ?: "-");
	snprintf(r->cell[3], sizeof(r->cell[3]), "%s",
		 jstr(o, "kernel", "module_version") ?: "-");
	if (jbool(o, "daemon", "running") &&
	    jint(o, "daemon", "policy_serial") != jint(o, "policy", "serial"))
		snprintf(r->cell[4], sizeof(r->cell[4]), "%lld (nfipsd: %lld)",
			 (long long)jint(o, "policy", "serial"),
			 (long long)jint(o, "daemon", "policy_serial"));
	else
		snprintf(r->cell[4], sizeof(r->cell[4]), "%lld",
			 (long long)jint(o, "policy", "serial"));
	snprintf(r->cell[5], sizeof(r->cell[5]), "%s", jbool(o, "kernel", "loaded") ?
		 (jstr(o, "kernel", "mode") ?: "?") : (jstr(o, "policy", "mode") ?: "-"));
	snprintf(r->cell[6], sizeof(r->cell[6]), "%s", jbool(o, "daemon", "running") ?
		 "up" : "down");
	if (jint(o, "delivery", "collectors"))
		snprintf(r->cell[7], sizeof(r->cell[7]), "%lld%s",
			 (long long)jint(o, "delivery", "backlog"),
			 jint(o, "delivery", "connected") < jint(o, "delivery", "collectors") ?
			 " (disconnected)" : "");
	else
		snprintf(r->cell[7], sizeof(r->cell[7]), "no collector");
	when(r->cell[8], sizeof(r->cell[8]), jint(o, "last_alert", NULL));
	if (!jbool(o, "healthy", NULL)) {
		r->bad = true;
		snprintf(r->problem, sizeof(r->problem), "%s", jstr(o, "problem", NULL) ?: "");
	}
	json_object_put(o);
out:
	nfips_sbuf_free(&out);
	nfips_sbuf_free(&err);
}

static void *worker(void *arg)
{
	struct fleet *f = arg;
	size_t i;

	while ((i = atomic_fetch_add(&f->next, 1)) < f->n)
		one(f, &f->rows[i]);
	return NULL;
}

static int status(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "parallel", required_argument, NULL, 'j' },
		{ "ssh-config", required_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const head[FLEET_COLS] = {
		"GATEWAY", "REACHABLE", "NFIPS", "MODULE", "SERIAL", "MODE", "DAEMON",
		"BACKLOG", "LAST ALERT",
	};
	struct fleet f = { .ssh = { .timeout = 30 } };
	struct ctl_table t = { .ncols = FLEET_COLS };
	const char *inv = "/etc/nfips/inventory";
	struct ctl_host *hosts;
	size_t nhosts, par = 10, i, started = 0;
	pthread_t th[64];
	int opt, ret = 0;
	long v;
	char *end;

	while ((opt = getopt_long(argc, argv, "j:F:t:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
		case 't':
			v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 1 || v > 100000) {
				fprintf(stderr, "nfipsctl fleet: -%c '%s': not a number\n", opt, optarg);
				return 2;
			}
			if (opt == 'j')
				par = v > 64 ? 64 : (size_t)v;
			else
				f.ssh.timeout = (unsigned)v;
			break;
		case 'F':
			f.ssh.config = optarg;
			break;
		default:
			fprintf(opt == 'h' ? stdout : stderr, "Usage: nfipsctl fleet status "
				"[--parallel N] [--ssh-config FILE] [--timeout SEC] [INVENTORY]\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind < argc)
		inv = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "nfipsctl fleet status: one inventory\n");
		return 2;
	}
	if (ctl_inventory_load(inv, &hosts, &nhosts))
		return 1;
	f.rows = calloc(nhosts, sizeof(*f.rows));
	if (!f.rows) {
		ctl_hosts_free(hosts, nhosts, true);
		return 1;
	}
	for (i = 0; i < nhosts; i++)
		f.rows[i].h = &hosts[i];
	f.n = nhosts;
	for (i = 0; i < par && i < nhosts; i++)
		started += !pthread_create(&th[started], NULL, worker, &f);
	if (!started)
		worker(&f);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < nhosts; i++) {
		const char *cells[FLEET_COLS];
		int c;

		for (c = 0; c < FLEET_COLS; c++)
			cells[c] = f.rows[i].cell[c];
		ctl_table_add(&t, cells);
	}
	ctl_table_print(&t, head);
	for (i = 0; i < nhosts; i++)
		if (f.rows[i].bad) {
			printf("%s: %s\n", f.rows[i].h->name, f.rows[i].problem);
			ret = 1;
		}
	free(f.rows);
	ctl_hosts_free(hosts, nhosts, true);
	return ret;
}

int cmd_fleet(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "status"))
		return status(argc - 1, argv + 1);
	fprintf(stderr, "Usage: nfipsctl fleet status [--parallel N] [--ssh-config FILE] "
		"[INVENTORY]\n");
	return 2;
}
