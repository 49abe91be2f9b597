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
int cmd_alerts(int argc, char **argv);
int cmd_incidents(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_block(int argc, char **argv);
int cmd_unblock(int argc, char **argv);

/* Opens the control socket or prints why not (module, permission). */
struct nfips_nl *ctl_open(void);

/* policy.c: a loaded policy's rules and mode into the kernel (exit status). */
struct nfips_policy;
int ctl_policy_apply(const struct nfips_policy *p, bool test);

/*
 * edit.c: the policy-file edits (disable, enable, approve, revoke, and
 * mode with --policy); @op is an enum nfips_edit_op.
 */
int ctl_policy_edit(int argc, char **argv, int op);

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
