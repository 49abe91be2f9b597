/* SPDX-License-Identifier: GPL-2.0 */
/* nfipsctl subcommands: one source file each, dispatched by nfipsctl.c. */
#ifndef NFIPSCTL_H
#define NFIPSCTL_H

#include <stdbool.h>

struct nfips_nl;

/* argv[0] is the subcommand's name; returns the process exit status. */
int cmd_rules(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_mode(int argc, char **argv);
int cmd_flush(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_suppress(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_incidents(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_fleet(int argc, char **argv);
int cmd_gateway(int argc, char **argv);
int cmd_block(int argc, char **argv);
int cmd_unblock(int argc, char **argv);
int cmd_tune(int argc, char **argv);

/* Opens the control socket or prints why not (module, permission). */
struct nfips_nl *ctl_open(void);

/* policy.c: a loaded policy's rules and mode into the kernel (exit status). */
struct nfips_policy;
int ctl_policy_apply(const struct nfips_policy *p, bool test);

/* push_block.c: push --block / --unblock (push.c hands them over). */
int ctl_push_block(int argc, char **argv);

/* install.c: policy stage, install and restore (push's gateway side). */
int ctl_policy_gateway(int argc, char **argv);

/*
 * edit.c: the policy-file edits (disable, enable, approve, revoke, and
 * mode with --policy); @op is an enum nfips_edit_op.
 */
int ctl_policy_edit(int argc, char **argv, int op);

/* ---- gwconf.c: a gateway's files, from its nfipsd.conf --------------- */

struct ctl_gw {
	char *conf, *policy, *state, *pidfile, *eve, *deliver_dir;
	unsigned interval;	/* state.interval: the state file's age limit */
};

/* @conf NULL: $NFIPSD_CONF, else /etc/nfips/nfipsd.conf. 0, or -1 said. */
int ctl_gw_load(struct ctl_gw *g, const char *conf);
void ctl_gw_free(struct ctl_gw *g);
/* The whole file, NUL terminated (not counted in *len); NULL: errno. */
char *ctl_read_file(const char *path, size_t *len);

/* ---- health.c: what status --json, install and fleet status judge ---- */

#include <stdint.h>

struct ctl_health {
	bool kernel;			/* nfips.ko loaded in this namespace */
	bool kernel_read;		/* and its status read */
	bool kernel_active;
	uint64_t kernel_serial, packets, alerts, drops;
	char kernel_mode[8], module_version[64], kernel_error[256];
	int64_t policy_serial;		/* the policy file's; -1: unreadable */
	char policy_mode[8];
	bool daemon;			/* pid alive and its state file fresh */
	long pid;
	int64_t daemon_serial, state_age;	/* -1: no state file */
	uint64_t reloads, reloads_refused;
	unsigned collectors, connected;
	uint64_t backlog;
	int64_t backlog_oldest;		/* epoch of the oldest unsent, 0 none */
	int64_t last_alert;		/* epoch of the last alert record, 0 none */
	bool healthy;
	char problem[512];		/* why not healthy */
};

/* Everything read now; never fails (what cannot be read says so). */
void ctl_health_read(const struct ctl_gw *g, struct ctl_health *h);
/* One JSON object, one line, on stdout. */
void ctl_health_json(const struct ctl_health *h);
/* The daemon's state file: 0 read, -1 none. */
int ctl_daemon_state(const struct ctl_gw *g, int64_t *time, int64_t *serial,
		     uint64_t *reloads, uint64_t *refused, long *pid);

/* ---- inventory.c, ssh.c: the gateways push and fleet status reach --- */

#define CTL_HOST_MAX_VARS 16
struct ctl_host {
	char *name, *dest, *user, *remote;	/* dest NULL: name */
	int port;				/* 0: ssh's */
	struct { char *name, *value; } vars[CTL_HOST_MAX_VARS];
	size_t nvars;
	unsigned line;
};

/* 0, or -1 with every error said on stderr as FILE:LINE: what. */
int ctl_inventory_load(const char *path, struct ctl_host **out, size_t *n);
void ctl_hosts_free(struct ctl_host *v, size_t n, bool array);

struct ctl_ssh_opts {
	const char *ssh;	/* program, default "ssh" */
	const char *config;	/* ssh -F, NULL: the user's */
	unsigned timeout;	/* seconds for one request */
};

struct nfips_sbuf;
/*
 * Runs "REMOTE gateway @request" on @h with @in on its stdin; stdout and
 * stderr into @out and @err (NUL terminated). ssh's exit status (255:
 * ssh itself failed: unreachable, host key, authentication), -1 when it
 * could not run.
 */
int ctl_ssh(const struct ctl_ssh_opts *o, const struct ctl_host *h, const char *request,
	    const char *in, size_t inlen, struct nfips_sbuf *out, struct nfips_sbuf *err);
/* The value of the last "@key=" line of @text into @val, or NULL. */
const char *ctl_kv(const char *text, const char *key, char *val, size_t len);

/* ---- storeutil.c: what alerts, incidents and incident share --------- */

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The store named by @path, else by nfipsd.conf's store.path, else the
 * default; read-only unless @write. NULL: said on stderr. */
struct nfips_store *ctl_store_open(const char *path, bool write);
/* For writing; creates the store if there is none yet (blocks). */
struct nfips_store *ctl_store_open_create(const char *path);
int ctl_parse_time(const char *s, bool utc, int64_t *out);
/* mail.c: the mail queue's state (status), an incident with its mails. */
int ctl_print_mail_status(const char *store, bool quiet_if_none);
int ctl_show_incident(const char *store, uint64_t id);
void ctl_fmt_time(char *buf, size_t len, int64_t usec, bool utc);

enum {
	CTL_OPT_SINCE = 0x100, CTL_OPT_UNTIL, CTL_OPT_SID, CTL_OPT_GRADE,
	CTL_OPT_SRC, CTL_OPT_DST, CTL_OPT_ACTION, CTL_OPT_LIMIT, CTL_OPT_JSON,
	CTL_OPT_UTC, CTL_OPT_STORE, CTL_OPT_COUNT_BY, CTL_OPT_OPEN, CTL_OPT_NOTE,
	CTL_OPT_BY, CTL_OPT_FOR, CTL_OPT_REASON, CTL_OPT_LIST,
};

#define CTL_FILTER_OPTIONS \
	{ "since", required_argument, NULL, CTL_OPT_SINCE }, \
	{ "until", required_argument, NULL, CTL_OPT_UNTIL }, \
	{ "sid", required_argument, NULL, CTL_OPT_SID }, \
	{ "grade", required_argument, NULL, CTL_OPT_GRADE }, \
	{ "src", required_argument, NULL, CTL_OPT_SRC }, \
	{ "dst", required_argument, NULL, CTL_OPT_DST }, \
	{ "action", required_argument, NULL, CTL_OPT_ACTION }, \
	{ "limit", required_argument, NULL, CTL_OPT_LIMIT }, \
	{ "json", no_argument, NULL, CTL_OPT_JSON }, \
	{ "utc", no_argument, NULL, CTL_OPT_UTC }, \
	{ "store", required_argument, NULL, CTL_OPT_STORE }

struct ctl_query {
	struct nfips_store_filter f;
	const char *since, *until, *store;
	bool json, utc, limit_set;
};

/* 0 taken, 1 not a filter option, -1 bad (said on stderr). */
int ctl_filter_opt(int opt, const char *arg, struct ctl_query *q);
/* After the options: --since/--until parsed (--utc known). */
int ctl_filter_done(struct ctl_query *q);

#define CTL_TABLE_MAX	16
struct ctl_table {
	size_t ncols, n, cap;
	char **cells;
};

void ctl_table_add(struct ctl_table *t, const char *const *cells);
/* Columns as wide as their widest cell; frees the rows. */
void ctl_table_print(struct ctl_table *t, const char *const *head);

#endif /* NFIPSCTL_H */
