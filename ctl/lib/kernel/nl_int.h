/* SPDX-License-Identifier: GPL-2.0 */
/* What nl.c lends the other files of lib/kernel/ (nl.h is the public side). */
#ifndef NFIPS_NL_INT_H
#define NFIPS_NL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct nl_msg;

/* A request of @cmd (NLM_F_* @flags); NULL: out of memory. */
struct nl_msg *nfips_nl_new_msg(struct nfips_nl *nl, uint8_t cmd, int flags);
/*
 * Sends @msg (freed) and reads until the ack, error or end of dump,
 * calling @fn per reply; *@intr: a dump was NLM_F_DUMP_INTR. An error
 * leaves what went wrong for nfips_nl_error(), @what first.
 */
int nfips_nl_request(struct nfips_nl *nl, struct nl_msg *msg, const char *what,
		     int (*fn)(struct nl_msg *, void *), void *arg, bool *intr);
int nfips_nl_seterr(struct nfips_nl *nl, int err, const char *msg);

#endif /* NFIPS_NL_INT_H */
