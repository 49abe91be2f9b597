/* SPDX-License-Identifier: GPL-2.0 */
/* nfipsctl subcommands: one source file each, dispatched by nfipsctl.c. */
#ifndef NFIPSCTL_H
#define NFIPSCTL_H

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

/* Opens the control socket or prints why not (module, permission). */
struct nfips_nl *ctl_open(void);

#endif /* NFIPSCTL_H */
