/* SPDX-License-Identifier: GPL-2.0 */
/* nfipsctl subcommands: one source file each, dispatched by nfipsctl.c. */
#ifndef NFIPSCTL_H
#define NFIPSCTL_H

/* argv[0] is the subcommand's name; returns the process exit status. */
int cmd_rules(int argc, char **argv);
int cmd_replay(int argc, char **argv);

#endif /* NFIPSCTL_H */
