// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsctl push: a policy to many gateways over ssh (Documentation/push.rst).
 *
 *   nfipsctl push [--parallel N] [--dry-run] [--canary K] [--wait SEC]
 *                 [--rollback] [--inventory FILE] [--ssh-config FILE]
 *                 [--timeout SEC] POLICY [HOST...]
 *
 * The policy is checked here first (nothing is sent if it fails). Then
 * per gateway: the policy (with the inventory's variables for that
 * gateway) and its rule files go to a staging directory there and are
 * checked there ("gateway stage"); "gateway install" puts them in place,
 * applies them, confirms the new serial runs and the gateway is healthy,
 * and puts the previous version back on any failure. A serial not newer
 * than the gateway's is refused there unless --rollback. With --canary K
 * the first K gateways go first and must stay healthy for --wait seconds
 * (a canary that fails is restored); the rollout stops at the first
 * failure. The table at the end has one line per gateway; the exit status
 * is 1 when any failed.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "policy/policy.h"
#include "util/util.h"

struct job {
	struct ctl_host *h;
	char old[32], new_[32], result[64];
	struct nfips_sbuf detail;
	double secs;
	bool done, ok;
};

struct push {
	struct ctl_ssh_opts ssh;
	const char *policy_name;	/* the policy's file name in the bundle */
	long long serial;		/* its serial */
	char *policy_text;
	size_t policy_len;
	struct nfips_sbuf files;	/* the rule files' part of the bundle */
	bool dry_run, rollback, stop_on_failure;
	struct job *jobs;
	size_t njobs, parallel;
	_Atomic size_t next;
	size_t end;
	_Atomic bool failed;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(struct job *j, const char *result, const char *fmt, const char *arg)
{
	snprintf(j->result, sizeof(j->result), "%s", result);
	nfips_sbuf_printf(&j->detail, fmt, arg);
	j->ok = false;
}

/* The last non-empty line of ssh's stderr: why it failed. */
static const char *last_line(struct nfips_sbuf *b)
{
	char *s = b->s ? b->s : (char *)"";
	size_t n = b->len;

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	while (n && s[n - 1] != '\n')
		n--;
	return *(s + n) ? s + n : "no output";
}

/* One request; 0 with the gateway's key=value lines in @out. */
static int request(struct push *p, struct job *j, const char *req, const char *in,
		   size_t inlen, struct nfips_sbuf *out)
{
	struct nfips_sbuf err = { 0 };
	char res[64];
	int rc;

	nfips_sbuf_reset(out);
	rc = ctl_ssh(&p->ssh, j->h, req, in, inlen, out, &err);
	if (rc == 255 || rc < 0 || (rc && !ctl_kv(out->s, "result", res, sizeof(res)))) {
		fail(j, rc == 255 ? "unreachable" : "error", "%s", last_line(&err));
		nfips_sbuf_free(&err);
		return -1;
	}
	nfips_sbuf_free(&err);
	return 0;
}

/* The bundle for @h: its policy text (its variables set), then the rule files. */
static int bundle(struct push *p, struct job *j, struct nfips_sbuf *b)
{
	char *text = p->policy_text, *next;
	size_t len = p->policy_len, nlen, i;
	struct nfips_diags d = { 0 };
	int ret = 0;

	for (i = 0; i < j->h->nvars && !ret; i++) {
		ret = nfips_policy_set_var(p->policy_name, text, len, j->h->vars[i].name,
					   j->h->vars[i].value, &next, &nlen, &d);
		if (text != p->policy_text)
			free(text);
		text = ret ? NULL : next;
		len = nlen;
	}
	if (ret) {
		char buf[512];

		fail(j, "invalid", "%s", d.n ? nfips_diag_str(&d.v[0], buf, sizeof(buf)) :
		     "variables");
		nfips_diags_free(&d);
		return -1;
	}
	nfips_sbuf_printf(b, "nfips-bundle 1\nfile %s %zu\n", p->policy_name, len);
	nfips_sbuf_add(b, text, len);
	nfips_sbuf_add(b, p->files.s, p->files.len);
	nfips_sbuf_puts(b, "end\n");
	if (text != p->policy_text)
		free(text);
	return b->oom ? -1 : 0;
}

static void push_one(struct push *p, struct job *j)
{
	struct nfips_sbuf b = { 0 }, out = { 0 };
	double t0 = now_s();
	char res[64], reason[1024];

	j->ok = true;
	snprintf(j->old, sizeof(j->old), "-");
	snprintf(j->new_, sizeof(j->new_), "%lld", p->serial);
	if (bundle(p, j, &b))
		goto out;
	/* staged, checked and installed in one session (install.c) */
	if (request(p, j, p->dry_run ? "stage --check-only" : p->rollback ?
		    "stage --install --rollback" : "stage --install", b.s, b.len, &out))
		goto out;
	ctl_kv(out.s, "old_serial", j->old, sizeof(j->old));
	ctl_kv(out.s, "new_serial", j->new_, sizeof(j->new_));
	ctl_kv(out.s, "result", res, sizeof(res));
	if (strcmp(res, "valid") && strcmp(res, "installed") && strcmp(res, "rolled-back") &&
	    strcmp(res, "rollback-failed") && strcmp(res, "refused")) {
		const char *s = out.s;

		fail(j, res, "%s", ctl_kv(out.s, "reason", reason, sizeof(reason)) ?
		     reason : "");
		for (; (s = strstr(s, "diag=")); s += 5)	/* what policy check said */
			nfips_sbuf_printf(&j->detail, "\n    %.*s", (int)strcspn(s + 5, "\n"),
					  s + 5);
		goto out;
	}
	if (p->dry_run) {
		bool newer = atoll(j->new_) > atoll(j->old);

		snprintf(j->result, sizeof(j->result), "%s", newer || p->rollback ?
			 "valid (dry run)" : "refused (dry run)");
		if (!newer && !p->rollback) {
			nfips_sbuf_printf(&j->detail, "serial %s is not newer than the "
					  "running %s (--rollback to go back)", j->new_, j->old);
			j->ok = false;
		}
		goto out;
	}
	snprintf(j->result, sizeof(j->result), "%s", res);
	if (strcmp(res, "installed")) {
		char serial[32];

		j->ok = false;
		if (ctl_kv(out.s, "reason", reason, sizeof(reason)))
			nfips_sbuf_puts(&j->detail, reason);
		if (!strcmp(res, "rolled-back") && ctl_kv(out.s, "serial", serial, sizeof(serial)))
			nfips_sbuf_printf(&j->detail, "; running serial %s again", serial);
	}
out:
	j->secs = now_s() - t0;
	j->done = true;
	if (!j->ok)
		atomic_store(&p->failed, true);
	nfips_sbuf_free(&b);
	nfips_sbuf_free(&out);
}

static void *worker(void *arg)
{
	struct push *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->end) {
		if (p->stop_on_failure && atomic_load(&p->failed))
			break;
		push_one(p, &p->jobs[i]);
	}
	return NULL;
}

/* Jobs [from, to) with p->parallel at a time. */
static void run_phase(struct push *p, size_t from, size_t to)
{
	pthread_t t[64];
	size_t n = p->parallel < to - from ? p->parallel : to - from, i, started = 0;

	atomic_store(&p->next, from);
	p->end = to;
	for (i = 0; i < n && i < 64; i++)
		started += !pthread_create(&t[started], NULL, worker, p);
	if (!started)
		worker(p);
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
}

/*
 * The canaries [0, k) stay healthy on the new serial for @wait seconds;
 * the first that does not is restored. 0 all stayed healthy.
 */
static int watch_canaries(struct push *p, size_t k, unsigned wait)
{
	double end = now_s() + wait;
	struct nfips_sbuf out = { 0 };
	size_t i;

	fprintf(stderr, "nfipsctl push: %zu canar%s on the new policy: watching them for "
		"%u s\n", k, k == 1 ? "y" : "ies", wait);
	for (;;) {
		for (i = 0; i < k; i++) {
			struct job *j = &p->jobs[i];
			struct json_object *o = NULL, *h, *d, *s, *pr;
			bool ok = false;
			char why[600] = "unreadable status";

			if (!request(p, j, "status", NULL, 0, &out) &&
			    (o = json_tokener_parse(out.s)) &&
			    json_object_object_get_ex(o, "healthy", &h) &&
			    json_object_object_get_ex(o, "daemon", &d) &&
			    json_object_object_get_ex(d, "policy_serial", &s)) {
				ok = json_object_get_boolean(h) &&
				     json_object_get_int64(s) == atoll(j->new_);
				if (json_object_object_get_ex(o, "problem", &pr))
					snprintf(why, sizeof(why), "%s", json_object_get_string(pr));
				if (!why[0])
					snprintf(why, sizeof(why), "runs serial %lld",
						 (long long)json_object_get_int64(s));
			} else if (!j->ok) {
				snprintf(why, sizeof(why), "%s", j->detail.s ? j->detail.s : "");
			}
			json_object_put(o);
			if (ok)
				continue;
			nfips_sbuf_reset(&j->detail);
			nfips_sbuf_printf(&j->detail, "canary unhealthy: %s", why);
			j->ok = false;
			snprintf(j->result, sizeof(j->result), "rollback-failed");
			if (!request(p, j, "restore", NULL, 0, &out) &&
			    ctl_kv(out.s, "result", why, sizeof(why)) && !strcmp(why, "restored")) {
				snprintf(j->result, sizeof(j->result), "rolled-back");
				if (ctl_kv(out.s, "serial", why, sizeof(why)))
					nfips_sbuf_printf(&j->detail, "; running serial %s again", why);
			}
			nfips_sbuf_free(&out);
			return -1;
		}
		if (now_s() >= end)
			break;
		usleep((useconds_t)((end - now_s() < 2 ? end - now_s() : 2) * 1e6));
	}
	nfips_sbuf_free(&out);
	return 0;
}

/* The rule files and classification into the bundle, named as the policy names them. */
static int load_policy(struct push *p, const char *path)
{
	struct nfips_diags d = { 0 };
	struct nfips_policy *pol;
	size_t i, dl, len;
	int ret = -1;

	if (nfips_policy_load(path, NULL, &pol, &d)) {
		nfips_diags_print(&d, stderr);
		nfips_diags_free(&d);
		fprintf(stderr, "nfipsctl push: %s does not pass policy check: nothing sent\n", path);
		return -1;
	}
	nfips_diags_free(&d);
	dl = strlen(pol->dir);
	p->serial = (long long)pol->serial;
	for (i = 0; i <= pol->nrule_files; i++) {
		const char *f = i < pol->nrule_files ? pol->rule_files[i] : pol->classification;
		char *text;

		if (!f)
			continue;
		if (strncmp(f, pol->dir, dl) || f[dl] != '/' || strstr(f, "/../") ||
		    strstr(f, "/./")) {
			fprintf(stderr, "%s:%u: %s is not under the policy's directory %s: push "
				"sends the policy and the files it names relative to it\n", path,
				i < pol->nrule_files ? pol->rule_file_lines[i] : 0, f, pol->dir);
			goto out;
		}
		text = ctl_read_file(f, &len);
		if (!text) {
			fprintf(stderr, "nfipsctl push: %s: cannot read\n", f);
			goto out;
		}
		nfips_sbuf_printf(&p->files, "file %s %zu\n", f + dl + 1, len);
		nfips_sbuf_add(&p->files, text, len);
		free(text);
	}
	p->policy_text = ctl_read_file(path, &p->policy_len);
	p->policy_name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	ret = p->policy_text && !p->files.oom ? 0 : -1;
out:
	nfips_policy_free(pol);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: nfipsctl push [options] POLICY [HOST...]\n"
		"       nfipsctl push --block ADDR [--for D] --reason TEXT --by NAME [options] "
		"[HOST...]\n"
		"       nfipsctl push --unblock ADDR [--reason TEXT] [--by NAME] [options] "
		"[HOST...]\n"
		"\n"
		"  -i, --inventory FILE   gateways and their variables (HOSTs: some of them)\n"
		"  -j, --parallel N       gateways at a time (default 10)\n"
		"  -n, --dry-run          stage and check on each gateway; install nothing\n"
		"  -c, --canary K         the first K gateways first, then the rest\n"
		"  -w, --wait SEC         how long the canaries must stay healthy (default 60)\n"
		"  -r, --rollback         allow a serial not newer than the running one\n"
		"  -F, --ssh-config FILE  ssh -F FILE\n"
		"  -t, --timeout SEC      one ssh request at most (default 120)\n");
}

int cmd_push(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "inventory", required_argument, NULL, 'i' },
		{ "parallel", required_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "canary", required_argument, NULL, 'c' },
		{ "wait", required_argument, NULL, 'w' },
		{ "rollback", no_argument, NULL, 'r' },
		{ "ssh-config", required_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct push p = { .parallel = 10, .ssh = { .timeout = 120 } };
	const char *inventory = NULL;
	struct ctl_host *hosts = NULL, *sel;
	size_t nhosts = 0, canary = 0, i, k;
	unsigned wait = 60;
	struct ctl_table t = { .ncols = 5 };
	static const char *const head[] = { "GATEWAY", "OLD", "NEW", "RESULT", "TIME" };
	int opt, ret = 1;
	char *end;

	/* a block to the fleet, not a policy (push_block.c) */
	for (i = 1; i < (size_t)argc; i++)
		if (!strncmp(argv[i], "--block", 7) || !strncmp(argv[i], "--unblock", 9))
			return ctl_push_block(argc, argv);

	while ((opt = getopt_long(argc, argv, "i:j:nc:w:rF:t:h", lopts, NULL)) != -1) {
		long v = 0;

		if (strchr("jcwt", opt)) {
			v = strtol(optarg, &end, 10);
			if (!*optarg || *end || v < 0 || v > 100000) {
				fprintf(stderr, "nfipsctl push: -%c '%s': not a number\n", opt,
					optarg);
				return 2;
			}
		}
		switch (opt) {
		case 'i': inventory = optarg; break;
		case 'j': p.parallel = v ? (size_t)v : 1; break;
		case 'n': p.dry_run = true; break;
		case 'c': canary = (size_t)v; break;
		case 'w': wait = (unsigned)v; break;
		case 'r': p.rollback = true; break;
		case 'F': p.ssh.config = optarg; break;
		case 't': p.ssh.timeout = v ? (unsigned)v : 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc || (!inventory && optind + 1 >= argc)) {
		usage(stderr);
		return 2;
	}
	if (p.parallel > 64)
		p.parallel = 64;
	if (inventory && ctl_inventory_load(inventory, &hosts, &nhosts))
		return 1;
	if (!inventory) {
		nhosts = (size_t)(argc - optind - 1);
		hosts = calloc(nhosts, sizeof(*hosts));
		for (i = 0; hosts && i < nhosts; i++)
			hosts[i].name = strdup(argv[optind + 1 + i]);
	} else if (optind + 1 < argc) {	/* some of the inventory's, in that order */
		sel = calloc((size_t)(argc - optind - 1), sizeof(*sel));
		for (k = 0; sel && k < (size_t)(argc - optind - 1); k++) {
			/* a gateway already taken has no name any more */
			for (i = 0; i < nhosts && (!hosts[i].name ||
						   strcmp(hosts[i].name, argv[optind + 1 + k])); i++)
				;
			if (i == nhosts) {
				fprintf(stderr, "nfipsctl push: %s: no gateway '%s' (or named twice)\n",
					inventory, argv[optind + 1 + k]);
				free(sel);
				goto out;
			}
			sel[k] = hosts[i];
			memset(&hosts[i], 0, sizeof(hosts[i]));
		}
		ctl_hosts_free(hosts, nhosts, true);
		hosts = sel;
		nhosts = k;
	}
	if (!hosts)
		goto out;
	if (load_policy(&p, argv[optind]))
		goto out;
	p.jobs = calloc(nhosts, sizeof(*p.jobs));
	if (!p.jobs)
		goto out;
	for (i = 0; i < nhosts; i++)
		p.jobs[i].h = &hosts[i];
	p.njobs = nhosts;
	p.stop_on_failure = canary > 0;
	if (canary > nhosts)
		canary = nhosts;
	if (canary) {
		run_phase(&p, 0, canary);
		if (!atomic_load(&p.failed) && !p.dry_run && watch_canaries(&p, canary, wait))
			atomic_store(&p.failed, true);
		if (!atomic_load(&p.failed))
			run_phase(&p, canary, nhosts);
	} else {
		run_phase(&p, 0, nhosts);
	}
	for (i = 0; i < nhosts; i++) {
		struct job *j = &p.jobs[i];
		char secs[32];
		const char *row[5] = { j->h->name, j->old, j->new_, j->result, secs };

		if (!j->done) {
			snprintf(j->result, sizeof(j->result), "skipped");
			nfips_sbuf_puts(&j->detail, "not pushed: the rollout stopped at a failure");
			row[1] = row[2] = "-";
			atomic_store(&p.failed, true);
		}
		snprintf(secs, sizeof(secs), "%.1fs", j->secs);
		ctl_table_add(&t, row);
	}
	ctl_table_print(&t, head);
	for (i = 0; i < nhosts; i++)
		if (p.jobs[i].detail.len)
			printf("%s: %.*s\n", p.jobs[i].h->name, (int)p.jobs[i].detail.len,
			       p.jobs[i].detail.s);
	ret = atomic_load(&p.failed) ? 1 : 0;
out:
	for (i = 0; p.jobs && i < nhosts; i++)
		nfips_sbuf_free(&p.jobs[i].detail);
	free(p.jobs);
	free(p.policy_text);
	nfips_sbuf_free(&p.files);
	ctl_hosts_free(hosts, nhosts, true);
	return ret;
}
