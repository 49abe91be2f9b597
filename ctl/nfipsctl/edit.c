// SPDX-License-Identifier: GPL-2.0
/*
 * The policy edits SOC engineers make all day:
 *
 *   nfipsctl disable [GID:]SID [options]
 *   nfipsctl enable  [GID:]SID [options]
 *   nfipsctl approve [GID:]SID --by NAME [--until DATE] [--ticket T] [options]
 *   nfipsctl revoke  [GID:]SID [options]
 *   nfipsctl mode learn|enforce --policy FILE [options]
 *   nfipsctl grade [GID:]SID GRADE|default [options]
 *   nfipsctl suppress [GID:]SID --dst ADDR[,ADDR...] [options]
 *
 * Each reads the policy file (default /etc/nfips/policy.conf), edits the
 * text of the affected setting in place (comments survive), bumps the
 * serial, appends a history comment line (who, when, what), validates the
 * result as `policy check` does, writes it to a temporary file in the same
 * directory (fsync), applies it to the kernel, and only then renames it
 * over the file (previous version kept as FILE.1, ... FILE.N) and fsyncs
 * the directory. Any failure leaves the file and the running policy as
 * they were. --no-apply edits the file only.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfipsctl.h"
#include "policy/policy.h"

#define DEFAULT_POLICY "/etc/nfips/policy.conf"

static const char *const op_names[] = {
	[NFIPS_EDIT_DISABLE] = "disable",
	[NFIPS_EDIT_ENABLE] = "enable",
	[NFIPS_EDIT_APPROVE] = "approve",
	[NFIPS_EDIT_REVOKE] = "revoke",
	[NFIPS_EDIT_MODE] = "mode",
	[NFIPS_EDIT_GRADE] = "grade",
	[NFIPS_EDIT_SUPPRESS] = "suppress",
};

static void usage(FILE *f, int op)
{
	if (op == NFIPS_EDIT_MODE)
		fprintf(f, "Usage: nfipsctl mode learn|enforce [--policy FILE [options]]\n"
			"  without --policy: the kernel's mode only, the file unchanged\n");
	else if (op == NFIPS_EDIT_APPROVE)
		fprintf(f, "Usage: nfipsctl approve [GID:]SID --by NAME [--until DATE] "
			"[--ticket ID] [options]\n"
			"  DATE: ISO 8601, 2027-03-31 (through that day, UTC) or "
			"2027-03-31T18:00:00+09:00\n");
	else if (op == NFIPS_EDIT_SUPPRESS)
		fprintf(f, "Usage: nfipsctl suppress [GID:]SID --dst ADDR[/N][,ADDR...] [options]\n"
			"  the sid's alerts to these destinations are not raised (a suppression\n"
			"  by_dst); the rule still runs\n");
	else if (op == NFIPS_EDIT_GRADE)
		fprintf(f, "Usage: nfipsctl grade [GID:]SID emergency|high|medium|low|ignore|"
			"default [options]\n"
			"  the grade of the sid's alerts over default grading; default: "
			"graded as usual again\n");
	else
		fprintf(f, "Usage: nfipsctl %s [GID:]SID [options]\n", op_names[op]);
	fprintf(f,
		"Options:\n"
		"  -p, --policy FILE   the policy file (default " DEFAULT_POLICY ")\n"
		"  -b, --by NAME       who makes the edit (default $SUDO_USER, $USER)\n"
		"  -m, --comment TEXT  why, recorded in the history line\n"
		"  -n, --no-apply      edit the file only; apply it later with\n"
		"                      nfipsctl policy apply FILE\n"
		"  -k, --keep N        previous versions kept as FILE.1..FILE.N "
		"(default: the file's keep_versions, else %d)\n", NFIPS_POLICY_KEEP_DEFAULT);
}

static int parse_sid(const char *s, uint32_t *gid, uint32_t *sid)
{
	unsigned long a, b;
	char *end;

	errno = 0;
	a = strtoul(s, &end, 10);
	if (end == s || errno || a == 0 || a > UINT32_MAX)
		return -1;
	if (*end == ':') {
		const char *t = end + 1;

		b = strtoul(t, &end, 10);
		if (end == t || *end || errno || b == 0 || b > UINT32_MAX)
			return -1;
		*gid = (uint32_t)a;
		*sid = (uint32_t)b;
		return 0;
	}
	if (*end)
		return -1;
	*gid = 1;
	*sid = (uint32_t)a;
	return 0;
}

static const char *default_by(void)
{
	const char *s = getenv("SUDO_USER");
	struct passwd *pw;

	if (s && *s)
		return s;
	s = getenv("USER");
	if (s && *s)
		return s;
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : NULL;
}

int ctl_policy_edit(int argc, char **argv, int op)
{
	static const struct option lopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "by", required_argument, NULL, 'b' },
		{ "comment", required_argument, NULL, 'm' },
		{ "no-apply", no_argument, NULL, 'n' },
		{ "keep", required_argument, NULL, 'k' },
		{ "until", required_argument, NULL, 'u' },
		{ "ticket", required_argument, NULL, 't' },
		{ "dst", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nfips_edit e = { .op = (enum nfips_edit_op)op };
	const char *path = DEFAULT_POLICY, *until = NULL;
	struct nfips_policy *old = NULL, *neu = NULL;
	struct nfips_policy_txn *t = NULL;
	struct nfips_diags d = { 0 };
	bool no_apply = false, by_given = false;
	long keep = -1;
	char err[512], *text = NULL, *end;
	const char *cur;
	size_t len, newlen;
	int opt, ret = 2;

	while ((opt = getopt_long(argc, argv, "p:b:m:nk:u:t:d:h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			path = optarg;
			break;
		case 'b':
			e.by = optarg;
			by_given = true;
			break;
		case 'm':
			e.comment = optarg;
			break;
		case 'n':
			no_apply = true;
			break;
		case 'k':
			errno = 0;
			keep = strtol(optarg, &end, 10);
			if (*end || errno || keep < 0 || keep > NFIPS_POLICY_KEEP_MAX) {
				fprintf(stderr, "nfipsctl: --keep: 0 to %d\n",
					NFIPS_POLICY_KEEP_MAX);
				return 2;
			}
			break;
		case 'u':
			if (op != NFIPS_EDIT_APPROVE)
				goto usage;
			until = optarg;
			break;
		case 't':
			if (op != NFIPS_EDIT_APPROVE)
				goto usage;
			e.ticket = optarg;
			break;
		case 'd':
			if (op != NFIPS_EDIT_SUPPRESS)
				goto usage;
			e.dst = optarg;
			break;
		case 'h':
			usage(stdout, op);
			return 0;
		default:
			goto usage;
		}
	}
	if (optind + 1 + (op == NFIPS_EDIT_GRADE) != argc)
		goto usage;
	if (op == NFIPS_EDIT_GRADE && strcmp(argv[optind + 1], "default") &&
	    (nfips_grade_parse(argv[optind + 1], &e.grade) || e.grade == NFIPS_GRADE_UNSET)) {
		fprintf(stderr, "nfipsctl grade: '%s' is not emergency, high, medium, low, "
			"ignore or default\n", argv[optind + 1]);
		return 2;
	}
	if (op == NFIPS_EDIT_MODE) {
		if (!strcmp(argv[optind], "learn"))
			e.mode = NFIPS_POLICY_LEARN;
		else if (!strcmp(argv[optind], "enforce"))
			e.mode = NFIPS_POLICY_ENFORCE;
		else
			goto usage;
	} else if (parse_sid(argv[optind], &e.gid, &e.sid)) {
		fprintf(stderr, "nfipsctl: '%s' is not a sid (SID or GID:SID)\n", argv[optind]);
		return 2;
	}
	if (op == NFIPS_EDIT_SUPPRESS && !e.dst) {
		fprintf(stderr, "nfipsctl suppress: --dst ADDR[,ADDR...] is required\n");
		return 2;
	}
	if (op == NFIPS_EDIT_APPROVE && !by_given) {
		fprintf(stderr, "nfipsctl: approve: --by NAME is required (who approved Block)\n");
		return 2;
	}
	if (!e.by)
		e.by = default_by();
	if (!e.by) {
		fprintf(stderr, "nfipsctl: who makes the edit? (--by NAME)\n");
		return 2;
	}
	e.now = time(NULL);
	if (until) {
		if (nfips_time_parse(until, true, &e.until)) {
			fprintf(stderr, "nfipsctl: --until '%s' is not an ISO 8601 date "
				"(2027-03-31 or 2027-03-31T18:00:00Z)\n", until);
			return 2;
		}
		e.has_until = true;
		e.until_text = until;
	}

	ret = 1;
	if (nfips_policy_txn_begin(path, &t, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		goto out;
	}
	cur = nfips_policy_txn_text(t, &len);
	if (nfips_policy_load_buf(path, NULL, cur, len, NULL, &old, &d)) {
		nfips_diags_print(&d, stderr);
		fprintf(stderr, "nfipsctl: %s is invalid; fix it first "
			"(nfipsctl policy check %s)\n", path, path);
		goto out;
	}
	nfips_diags_free(&d);
	switch (nfips_policy_edit(old, cur, len, &e, &text, &newlen, &d)) {
	case 0:
		printf("%s: nothing to change (%s %s%s%s)\n", path, op_names[op], argv[optind],
		       op == NFIPS_EDIT_GRADE ? " " : "",
		       op == NFIPS_EDIT_GRADE ? argv[optind + 1] : "");
		ret = 0;
		goto out;
	case 1:
		break;
	default:
		nfips_diags_print(&d, stderr);
		fprintf(stderr, "nfipsctl: %s unchanged\n", path);
		goto out;
	}
	nfips_diags_free(&d);
	/* The new text must be a valid policy, as policy check says. */
	if (nfips_policy_load_buf(path, NULL, text, newlen, NULL, &neu, &d)) {
		nfips_diags_print(&d, stderr);
		fprintf(stderr, "nfipsctl: the edited policy is invalid; %s unchanged\n", path);
		goto out;
	}
	nfips_diags_print(&d, stderr);
	if (!nfips_policy_edit_done(old, neu, &e)) {
		fprintf(stderr, "nfipsctl: internal error: the edit did not take effect; "
			"%s unchanged\n", path);
		goto out;
	}
	if (nfips_policy_txn_stage(t, text, newlen, err, sizeof(err))) {
		fprintf(stderr, "nfipsctl: %s; %s unchanged\n", err, path);
		goto out;
	}
	if (nfips_policy_txn_warning(t))
		fprintf(stderr, "nfipsctl: warning: %s\n", nfips_policy_txn_warning(t));
	if (!no_apply && ctl_policy_apply(neu, false)) {
		fprintf(stderr, "nfipsctl: not applied; %s and the running policy "
			"are unchanged\n", path);
		goto out;
	}
	if (nfips_policy_txn_commit(t, keep >= 0 ? (unsigned)keep : neu->keep_versions,
				    err, sizeof(err))) {
		fprintf(stderr, "nfipsctl: %s\n", err);
		if (!no_apply)
			fprintf(stderr, "nfipsctl: the kernel runs serial %lld but %s "
				"may still hold the previous version\n",
				(long long)neu->serial, path);
		goto out;
	}
	printf("%s: serial %lld: %s %s%s%s%s\n", path, (long long)neu->serial, op_names[op],
	       argv[optind], op == NFIPS_EDIT_GRADE ? " " : "",
	       op == NFIPS_EDIT_GRADE ? argv[optind + 1] : "",
	       no_apply ? " (not applied: --no-apply)" : ", applied");
	ret = 0;
out:
	nfips_policy_txn_end(t);
	nfips_policy_free(old);
	nfips_policy_free(neu);
	nfips_diags_free(&d);
	free(text);
	return ret;
usage:
	usage(stderr, op);
	return 2;
}

int cmd_disable(int argc, char **argv)
{
	return ctl_policy_edit(argc, argv, NFIPS_EDIT_DISABLE);
}

int cmd_enable(int argc, char **argv)
{
	return ctl_policy_edit(argc, argv, NFIPS_EDIT_ENABLE);
}

int cmd_approve(int argc, char **argv)
{
	return ctl_policy_edit(argc, argv, NFIPS_EDIT_APPROVE);
}

int cmd_revoke(int argc, char **argv)
{
	return ctl_policy_edit(argc, argv, NFIPS_EDIT_REVOKE);
}

int cmd_suppress(int argc, char **argv)
{
	return ctl_policy_edit(argc, argv, NFIPS_EDIT_SUPPRESS);
}

int cmd_grade(int argc, char **argv)
{
	return ctl_policy_edit(argc, argv, NFIPS_EDIT_GRADE);
}
