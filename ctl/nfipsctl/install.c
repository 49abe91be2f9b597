// SPDX-License-Identifier: GPL-2.0
/*
 * The gateway's side of nfipsctl push (Documentation/push.rst):
 *
 *   nfipsctl policy stage [--config NFIPSD.CONF] [--check-only |
 *                         --install [--rollback]] <BUNDLE
 *   nfipsctl policy install [--config NFIPSD.CONF] [--rollback] STAGING
 *   nfipsctl policy restore [--config NFIPSD.CONF]
 *
 * stage reads a policy and its rule files (the bundle, below) into a new
 * staging directory beside nfipsd's state file (STATE_DIR/push/staging/ID)
 * and validates them there as policy check does; install puts a staged
 * version in place of the one nfipsd.conf names, keeping every file it
 * replaces (STATE_DIR/push/previous), applies it to the kernel (when the
 * module is loaded) and nfipsd, confirms the gateway runs it and is
 * healthy (health.c), and on any failure puts the previous files back and
 * applies them again. stage --install does both in one run (push: one
 * ssh session per gateway). restore does that last part on request (a
 * canary that failed later). Each prints "key=value" lines push reads.
 *
 * Bundle: "nfips-bundle 1\n", then per file "file NAME SIZE\n" and SIZE
 * bytes, then "end\n"; the first file is the policy. NAME is relative
 * (letters, digits, "._-" in components that do not start with '.').
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "kernel/nl.h"
#include "policy/policy.h"
#include "util/util.h"

#define BUNDLE_MAX_FILES	256
#define BUNDLE_MAX_BYTES	(64u << 20)
#define RELOAD_WAIT_SEC		30

struct gwdirs {
	char push[4096], staging[4096], previous[4096], policy_dir[4096];
	int lock, pdir;
};

/* snprintf that refuses to cut a path short: -1 (and "") when it would. */
static int pathf(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int pathf(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, mode) && errno != EEXIST ? -1 : 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* STATE_DIR/push, locked: one push at a time on a gateway. */
static int dirs_open(const struct ctl_gw *g, struct gwdirs *d)
{
	const char *slash = strrchr(g->state, '/');
	const char *pslash = strrchr(g->policy, '/');
	char lock[4200];

	snprintf(d->push, sizeof(d->push), "%.*s/push", slash ? (int)(slash - g->state) : 1,
		 slash ? g->state : ".");
	pathf(d->staging, sizeof(d->staging), "%s/staging", d->push);
	pathf(d->previous, sizeof(d->previous), "%s/previous", d->push);
	snprintf(d->policy_dir, sizeof(d->policy_dir), "%.*s",
		 pslash ? (int)(pslash - g->policy) : 1, pslash ? g->policy : ".");
	if (mkdir_p(d->staging, 0700)) {
		printf("result=error\nreason=%s: %s\n", d->staging, strerror(errno));
		return -1;
	}
	pathf(lock, sizeof(lock), "%s/lock", d->push);
	d->lock = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lock < 0 || flock(d->lock, LOCK_EX)) {
		printf("result=error\nreason=%s: %s\n", lock, strerror(errno));
		if (d->lock >= 0)
			close(d->lock);
		return -1;
	}
	/* The lock nfipsctl's policy edits take: no edit in the middle of a push. */
	d->pdir = open(d->policy_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->pdir < 0 || flock(d->pdir, LOCK_EX)) {
		printf("result=error\nreason=%s: lock: %s\n", d->policy_dir, strerror(errno));
		if (d->pdir >= 0)
			close(d->pdir);
		close(d->lock);
		return -1;
	}
	return 0;
}

static void dirs_close(struct gwdirs *d)
{
	close(d->pdir);
	close(d->lock);
}

static bool name_ok(const char *n)
{
	const char *c = n;
	int depth = 0;

	if (!*n || strlen(n) > 200)
		return false;
	for (;;) {
		if (*c == '.' || *c == '/' || !*c)
			return false;	/* hidden, "..", empty component */
		while (*c && *c != '/') {
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '-'))
				return false;
			c++;
		}
		if (!*c)
			return true;
		if (++depth > 4)
			return false;
		c++;
	}
}

static int write_file(const char *path, const char *buf, size_t len)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
		if (mkdir_p(dir, 0755))
			return -errno;
	}
	return nfips_file_replace(path, buf, len);
}

/* The bundle on stdin into @dir; its files' names in @names. */
static int read_bundle(const char *dir, char **names, size_t *n, char *why, size_t wlen)
{
	char line[512], name[256], path[4400];
	unsigned long long size, total = 0;
	char *buf;

	*n = 0;
	if (!fgets(line, sizeof(line), stdin) || strcmp(line, "nfips-bundle 1\n")) {
		snprintf(why, wlen, "bundle: not an nfips bundle (version 1)");
		return -1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, "end\n"))
			return *n ? 0 : (snprintf(why, wlen, "bundle: no file"), -1);
		if (sscanf(line, "file %255s %llu\n", name, &size) != 2 || !name_ok(name)) {
			snprintf(why, wlen, "bundle: file %zu: bad header", *n + 1);
			return -1;
		}
		total += size;
		if (*n >= BUNDLE_MAX_FILES || total > BUNDLE_MAX_BYTES) {
			snprintf(why, wlen, "bundle: over %u files or %u bytes",
				 BUNDLE_MAX_FILES, BUNDLE_MAX_BYTES);
			return -1;
		}
		buf = malloc(size ? size : 1);
		if (!buf || fread(buf, 1, size, stdin) != size) {
			snprintf(why, wlen, "bundle: %s: %s", name, buf ? "cut short" : "out of memory");
			free(buf);
			return -1;
		}
		pathf(path, sizeof(path), "%s/%s", dir, name);
		names[*n] = strdup(name);
		if (!names[*n] || write_file(path, buf, size)) {
			snprintf(why, wlen, "bundle: %s: cannot write", name);
			free(buf);
			return -1;
		}
		(*n)++;
		free(buf);
	}
	snprintf(why, wlen, "bundle: no end line (cut short)");
	return -1;
}

/* The current policy file's serial, -1 when it is missing or invalid. */
static int64_t current_serial(const struct ctl_gw *g)
{
	struct nfips_policy_opts o = { .flags = NFIPS_POLICY_NO_RULES };
	struct nfips_diags d = { 0 };
	struct nfips_policy *p;
	int64_t s = -1;

	if (!nfips_policy_load(g->policy, &o, &p, &d)) {
		s = p->serial;
		nfips_policy_free(p);
	}
	nfips_diags_free(&d);
	return s;
}

static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && path[n] == '/';
}

/*
 * A file the staged policy names may only be a staged regular file (no
 * "..", no symbolic link out), and is installed beside the gateway's
 * policy: rule files must be named *.rules and the classification
 * *.config, so that a push cannot replace nfipsd.conf or anything else
 * of /etc/nfips. The relative name into @rel. 0 fine, else said.
 */
static int staged_name(const char *dir, const char *pol, const char *path, bool rules,
		       char *rel, size_t rlen)
{
	const char *ext = rules ? ".rules" : ".config";
	char real[PATH_MAX], rdir[PATH_MAX];
	size_t n = strlen(path), e = strlen(ext);
	struct stat sb;

	if (!realpath(dir, rdir) || !realpath(path, real) || !inside(real, rdir) ||
	    lstat(path, &sb) || !S_ISREG(sb.st_mode)) {
		printf("diag=%s: %s is not part of the push\n", pol + strlen(dir) + 1, path);
		return -1;
	}
	if (n <= e || strcmp(path + n - e, ext)) {
		printf("diag=%s: %s: a pushed %s file must be named *%s\n",
		       pol + strlen(dir) + 1, path + strlen(dir) + 1,
		       rules ? "rule" : "classification", ext);
		return -1;
	}
	return pathf(rel, rlen, "%s", real + strlen(rdir) + 1);
}

/*
 * Validates the staged policy @pol (inside @dir) as policy check does;
 * the files it names must be staged ones (checked before any is read).
 * Prints diag= lines (names relative to the staging directory). 0 valid,
 * with its serial and, when @rels is not NULL, the names of the files it
 * needs (policy first; *n, malloc'd).
 */
static int check_staged(const char *dir, const char *pol, int64_t *serial,
			char **rels, size_t *n)
{
	struct nfips_policy_opts o = { .flags = NFIPS_POLICY_NO_RULES };
	struct nfips_diags d = { 0 };
	struct nfips_policy *p;
	char buf[1024];
	size_t i, skip = strlen(dir) + 1;
	int ret;

	ret = nfips_policy_load(pol, &o, &p, &d);
	for (i = 0; !ret && i <= p->nrule_files; i++) {
		const char *f = i < p->nrule_files ? p->rule_files[i] : p->classification;

		if (f && staged_name(dir, pol, f, i < p->nrule_files, buf, sizeof(buf)))
			ret = -1;
	}
	if (!ret) {
		nfips_policy_free(p);
		ret = nfips_policy_load(pol, NULL, &p, &d);
	}
	for (i = 0; i < d.n; i++) {
		const char *s = nfips_diag_str(&d.v[i], buf, sizeof(buf));

		printf("diag=%s\n", inside(s, dir) ? s + skip : s);
	}
	nfips_diags_free(&d);
	if (ret) {
		nfips_policy_free(p);
		return -1;
	}
	*serial = p->serial;
	if (rels) {
		rels[(*n)++] = strdup(pol + skip);
		for (i = 0; i <= p->nrule_files && *n < BUNDLE_MAX_FILES; i++) {
			const char *f = i < p->nrule_files ? p->rule_files[i] : p->classification;

			if (f && !staged_name(dir, pol, f, i < p->nrule_files, buf, sizeof(buf)))
				rels[(*n)++] = strdup(buf);
		}
	}
	nfips_policy_free(p);
	return 0;
}

/*
 * Staging directories a push left (stage without install, a push killed
 * halfway) go after a day; one a push is using is minutes old.
 */
static void remove_stale(const char *staging)
{
	DIR *dp = opendir(staging);
	time_t now = time(NULL);
	struct dirent *e;
	struct stat sb;
	char path[4400];

	while (dp && (e = readdir(dp))) {
		if (e->d_name[0] == '.' ||
		    pathf(path, sizeof(path), "%s/%s", staging, e->d_name) ||
		    lstat(path, &sb) || !S_ISDIR(sb.st_mode) || sb.st_mtime > now - 86400)
			continue;
		rm_rf(path);
	}
	if (dp)
		closedir(dp);
}

static int stage(const struct ctl_gw *g, bool check_only, char *id, size_t idlen)
{
	char *names[BUNDLE_MAX_FILES] = { 0 }, why[512], dir[4200], pol[4600];
	struct gwdirs d;
	int64_t serial = -1;
	size_t n = 0, i;
	int ret = 1;

	if (dirs_open(g, &d))
		return 1;
	remove_stale(d.staging);
	pathf(dir, sizeof(dir), "%s/XXXXXX", d.staging);
	if (!mkdtemp(dir)) {
		printf("result=error\nreason=%s: %s\n", dir, strerror(errno));
		goto out;
	}
	printf("old_serial=%lld\n", (long long)current_serial(g));
	if (read_bundle(dir, names, &n, why, sizeof(why))) {
		printf("result=error\nreason=%s\n", why);
		rm_rf(dir);
		goto out;
	}
	pathf(pol, sizeof(pol), "%s/%s", dir, names[0]);
	/* install finds the policy by this name */
	snprintf(why, sizeof(why), "%s\n", names[0]);
	if (check_staged(dir, pol, &serial, NULL, NULL)) {
		printf("result=invalid\nreason=the policy does not pass policy check on the gateway\n");
		rm_rf(dir);
		goto out;
	}
	{
		char meta[4300];

		pathf(meta, sizeof(meta), "%s/.policy", dir);
		if (write_file(meta, why, strlen(why))) {
			printf("result=error\nreason=%s: cannot write\n", meta);
			rm_rf(dir);
			goto out;
		}
	}
	printf("new_serial=%lld\n", (long long)serial);
	if (check_only) {
		rm_rf(dir);
		printf("result=valid\n");
	} else {
		printf("staging=%s\nresult=valid\n", strrchr(dir, '/') + 1);
		snprintf(id, idlen, "%s", strrchr(dir, '/') + 1);
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	dirs_close(&d);
	return ret;
}

/* ---- installing and restoring ----------------------------------------- */

/*
 * Saves every file the install will write (@targets, @n) into
 * STATE/push/previous: "K INDEX PATH" kept (copy in INDEX), "N - PATH"
 * did not exist. The previous snapshot is replaced only once this one is
 * complete.
 */
static int snapshot(const struct gwdirs *d, char **targets, size_t n, int64_t serial)
{
	char tmp[4200], old[4200], path[4300];
	struct nfips_sbuf m = { 0 };
	size_t i, len;
	char *buf;

	pathf(tmp, sizeof(tmp), "%s.new", d->previous);
	pathf(old, sizeof(old), "%s.old", d->previous);
	rm_rf(tmp);
	rm_rf(old);
	if (mkdir(tmp, 0700))
		return -1;
	nfips_sbuf_printf(&m, "serial %lld\n", (long long)serial);
	for (i = 0; i < n; i++) {
		buf = ctl_read_file(targets[i], &len);
		if (!buf && errno == ENOENT) {
			nfips_sbuf_printf(&m, "N - %s\n", targets[i]);
			continue;
		}
		pathf(path, sizeof(path), "%s/%zu", tmp, i);
		if (!buf || write_file(path, buf, len)) {
			free(buf);
			nfips_sbuf_free(&m);
			return -1;
		}
		free(buf);
		nfips_sbuf_printf(&m, "K %zu %s\n", i, targets[i]);
	}
	pathf(path, sizeof(path), "%s/manifest", tmp);
	if (m.oom || write_file(path, m.s, m.len)) {
		nfips_sbuf_free(&m);
		return -1;
	}
	nfips_sbuf_free(&m);
	if (rename(d->previous, old) && errno != ENOENT)
		return -1;
	if (rename(tmp, d->previous))
		return -1;
	rm_rf(old);
	return 0;
}

/* Puts the snapshot's files back; -1 when there is none or one failed. */
static int put_back(const struct gwdirs *d, int64_t *serial)
{
	char path[4300], line[4400], kind, idx[32], target[4200];
	long long s = -1;
	int ret = 0;
	FILE *f;

	pathf(path, sizeof(path), "%s/manifest", d->previous);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t len;
		char *buf;

		if (sscanf(line, "serial %lld", &s) == 1)
			continue;
		if (sscanf(line, "%c %31s %4199[^\n]", &kind, idx, target) != 3)
			continue;
		if (kind == 'N') {
			if (unlink(target) && errno != ENOENT)
				ret = -1;
			continue;
		}
		pathf(path, sizeof(path), "%s/%s", d->previous, idx);
		buf = ctl_read_file(path, &len);
		if (!buf || write_file(target, buf, len))
			ret = -1;
		free(buf);
	}
	fclose(f);
	*serial = s;
	return ret;
}

/*
 * The installed policy into the kernel (when the module is loaded) and
 * nfipsd, then the health check: 0 when the gateway runs serial @want and
 * is healthy, else -1 with @why.
 */
static int activate(const struct ctl_gw *g, int64_t want, char *why, size_t wlen)
{
	int64_t t, serial, deadline;
	uint64_t reloads, refused, r, f;
	struct nfips_diags dg = { 0 };
	struct nfips_policy *p;
	struct ctl_health h;
	struct nfips_nl *nl;
	char err[512];
	long pid, spid;
	int ret;

	ret = nfips_nl_open(&nl, err, sizeof(err));
	if (ret && ret != -ENOENT) {
		snprintf(why, wlen, "kernel: %s", err);
		return -1;
	}
	if (!ret) {
		uint64_t kserial;

		if (nfips_policy_load(g->policy, NULL, &p, &dg)) {
			snprintf(why, wlen, "%s does not load", g->policy);
			nfips_diags_free(&dg);
			nfips_nl_close(nl);
			return -1;
		}
		nfips_diags_free(&dg);
		ret = nfips_policy_kernel_apply(p, nl, false, &kserial, err, sizeof(err));
		nfips_policy_free(p);
		nfips_nl_close(nl);
		if (ret) {
			snprintf(why, wlen, "kernel refused the policy: %s", err);
			return -1;
		}
	}
	/* nfipsd: signalled, and its state file says when the reload ended. */
	ctl_health_read(g, &h);
	if (!h.daemon) {
		snprintf(why, wlen, "%s", h.problem);
		return -1;
	}
	pid = h.pid;
	ctl_daemon_state(g, &t, &serial, &reloads, &refused, &spid);
	if (kill((pid_t)pid, SIGHUP)) {
		snprintf(why, wlen, "nfipsd (pid %ld): %s", pid, strerror(errno));
		return -1;
	}
	deadline = time(NULL) + RELOAD_WAIT_SEC;
	for (;;) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (!ctl_daemon_state(g, &t, &serial, &r, &f, &spid) && r > reloads)
			break;
		if (time(NULL) >= deadline || kill((pid_t)pid, 0)) {
			snprintf(why, wlen, "nfipsd (pid %ld) %s", pid, kill((pid_t)pid, 0) ?
				 "died during the reload" : "did not finish the reload in time");
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	/* Refused, but running what we want (a rollback it never left): fine. */
	if (f > refused && serial != want) {
		snprintf(why, wlen, "nfipsd refused the policy (its log says why) and "
			 "runs serial %lld", (long long)serial);
		return -1;
	}
	ctl_health_read(g, &h);
	if (!h.healthy) {
		snprintf(why, wlen, "%s", h.problem);
		return -1;
	}
	if (h.daemon_serial != want) {
		snprintf(why, wlen, "nfipsd runs serial %lld, not %lld",
			 (long long)h.daemon_serial, (long long)want);
		return -1;
	}
	return 0;
}

/*
 * After a failure (or on request): the previous files back and running;
 * prints the result (@done when it worked). 0 when the gateway runs the
 * previous version again.
 */
static int roll_back(const struct ctl_gw *g, const struct gwdirs *d, const char *reason,
		     const char *done)
{
	char why[1024];
	int64_t serial;

	if (put_back(d, &serial)) {
		printf("result=rollback-failed\nreason=%s; the previous files could not "
		       "be put back\n", reason);
		return 1;
	}
	if (activate(g, serial, why, sizeof(why))) {
		printf("result=rollback-failed\nreason=%s; after putting serial %lld "
		       "back: %s\n", reason, (long long)serial, why);
		return 1;
	}
	printf("serial=%lld\nresult=%s\nreason=%s\n", (long long)serial, done, reason);
	return 0;
}

static int install(const struct ctl_gw *g, const char *id, bool rollback)
{
	char dir[4200], path[4400], why[1024], *targets[BUNDLE_MAX_FILES + 1] = { 0 };
	char *rels[BUNDLE_MAX_FILES + 1] = { 0 }, line[512], *buf = NULL;
	int64_t old, serial;
	size_t n = 0, i, len;
	struct gwdirs d;
	FILE *f = NULL;
	int ret = 1;

	if (!name_ok(id) || strchr(id, '/')) {
		printf("result=error\nreason=bad staging name '%s'\n", id);
		return 1;
	}
	if (dirs_open(g, &d))
		return 1;
	pathf(dir, sizeof(dir), "%s/%s", d.staging, id);
	pathf(path, sizeof(path), "%s/.policy", dir);
	f = fopen(path, "re");
	if (!f || !fgets(line, sizeof(line), f) || !name_ok(strtok(line, "\n"))) {
		printf("result=error\nreason=no staged version %s\n", id);
		goto out;
	}
	fclose(f);
	f = NULL;
	pathf(path, sizeof(path), "%s/%s", dir, line);
	old = current_serial(g);
	printf("old_serial=%lld\n", (long long)old);
	/* the policy first, then the files it names */
	if (check_staged(dir, path, &serial, rels, &n)) {
		printf("result=invalid\nreason=the staged policy does not pass policy check\n");
		goto out;
	}
	printf("new_serial=%lld\n", (long long)serial);
	if (serial <= old && !rollback) {
		printf("result=refused\nreason=serial %lld is not newer than the running %lld "
		       "(--rollback to go back)\n", (long long)serial, (long long)old);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!rels[i]) {
			printf("result=error\nreason=out of memory\n");
			goto out;
		}
		if (!i)
			targets[i] = strdup(g->policy);
		else if (asprintf(&targets[i], "%s/%s", d.policy_dir, rels[i]) < 0)
			targets[i] = NULL;
		if (!targets[i]) {
			printf("result=error\nreason=out of memory\n");
			goto out;
		}
	}
	if (snapshot(&d, targets, n, old)) {
		printf("result=error\nreason=cannot keep the previous version in %s: %s\n",
		       d.previous, strerror(errno));
		goto out;
	}
	/* The policy last: it names rule files that are all in place by then. */
	for (i = n; i-- > 0; ) {
		pathf(path, sizeof(path), "%s/%s", dir, rels[i]);
		buf = ctl_read_file(path, &len);
		if (!buf || write_file(targets[i], buf, len)) {
			snprintf(why, sizeof(why), "cannot write %s", targets[i]);
			roll_back(g, &d, why, "rolled-back");
			goto out;
		}
		free(buf);
		buf = NULL;
	}
	if (activate(g, serial, why, sizeof(why))) {
		roll_back(g, &d, why, "rolled-back");
		goto out;
	}
	printf("serial=%lld\nresult=installed\n", (long long)serial);
	ret = 0;
out:
	if (f)
		fclose(f);
	free(buf);
	for (i = 0; i < n; i++) {
		free(rels[i]);
		free(targets[i]);
	}
	rm_rf(dir);
	dirs_close(&d);
	return ret;
}

static int restore(const struct ctl_gw *g)
{
	struct gwdirs d;
	int64_t cur = current_serial(g);
	int ret;

	if (dirs_open(g, &d))
		return 1;
	printf("old_serial=%lld\n", (long long)cur);
	ret = roll_back(g, &d, "restore requested", "restored") ? 1 : 0;
	dirs_close(&d);
	return ret;
}

int ctl_policy_gateway(int argc, char **argv)
{
	const char *conf = NULL, *cmd = argv[0];
	bool rollback = false, check_only = false, and_install = false;
	char id[64] = "";
	struct ctl_gw g;
	int i, ret;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			conf = argv[++i];
		else if (!strcmp(argv[i], "--rollback") && strcmp(cmd, "restore"))
			rollback = true;
		else if (!strcmp(argv[i], "--install") && !strcmp(cmd, "stage"))
			and_install = true;
		else if (!strcmp(argv[i], "--check-only") && !strcmp(cmd, "stage"))
			check_only = true;
		else
			goto usage;
	}
	if (i != argc - !strcmp(cmd, "install") ||
	    (!strcmp(cmd, "stage") && (rollback > and_install || (check_only && and_install))))
		goto usage;
	if (ctl_gw_load(&g, conf))
		return 1;
	/* Files written here are for root only to change. */
	umask(022);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "stage")) {
		ret = stage(&g, check_only, id, sizeof(id));
		/* stage --install: one ssh session per gateway instead of two */
		if (!ret && and_install)
			ret = install(&g, id, rollback);
	} else if (!strcmp(cmd, "install")) {
		ret = install(&g, argv[i], rollback);
	} else {
		ret = restore(&g);
	}
	ctl_gw_free(&g);
	return ret;
usage:
	fprintf(stderr, "Usage: nfipsctl policy stage [--config FILE] [--check-only | --install "
		"[--rollback]] <BUNDLE\n"
		"       nfipsctl policy install [--config FILE] [--rollback] STAGING\n"
		"       nfipsctl policy restore [--config FILE]\n");
	return 2;
}
