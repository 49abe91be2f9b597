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

#endif /* NFIPSCTL_H */
