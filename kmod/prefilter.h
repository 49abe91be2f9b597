/* SPDX-License-Identifier: GPL-2.0 */
/* prefilter.c: which of the matcher's prefilters the kernel scans with. */
#ifndef _NFIPS_PREFILTER_H
#define _NFIPS_PREFILTER_H

#include "ac.h"

/* Times each prefilter the CPU has and keeps the fastest (at load). */
void nfips_prefilter_calibrate(void);

/*
 * The prefilter for a scan of @len bytes, with the vector registers held
 * when it is a vector one; nfips_prefilter_end() releases them.
 */
int nfips_prefilter_begin(u32 len);
void nfips_prefilter_end(int simd);

#endif /* _NFIPS_PREFILTER_H */
