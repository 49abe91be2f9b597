/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 and IPv6 fragment reassembly, so that the engine sees a fragmented
 * datagram as one packet (as Suricata's defrag does).
 *
 * Fragments are kept per datagram (addresses, identification, protocol
 * for IPv4, VLAN ids) until the datagram is complete, 60 s after its
 * first fragment (Suricata's defrag timeout), or until room is needed:
 * at most max_datagrams datagrams and memcap bytes are held, the oldest
 * datagram is dropped first. Overlapping fragments are resolved
 * first-wins, in 8-byte blocks, like the TCP stream. A datagram that
 * would exceed 65535 bytes of data, or a fragment other than the last
 * whose length is not a multiple of 8, is invalid.
 */
#ifndef NFIPS_DEFRAG_H
#define NFIPS_DEFRAG_H

#include <stdint.h>

#include "decode.h"

#define NFIPS_DEFRAG_MAX	4096
#define NFIPS_DEFRAG_TIMEOUT	60
#define NFIPS_DEFRAG_MEMCAP	(32u << 20)

struct nfips_defrag_cfg {
	uint32_t max_datagrams;	/* 0: NFIPS_DEFRAG_MAX */
	uint32_t timeout;	/* seconds; 0: NFIPS_DEFRAG_TIMEOUT */
	uint32_t memcap;	/* 0: NFIPS_DEFRAG_MEMCAP */
};

struct nfips_defrag_stats {
	uint64_t fragments;	/* taken */
	uint64_t reassembled;	/* datagrams completed */
	uint64_t overlaps;	/* fragments that overlapped others */
	uint64_t invalid;	/* fragments refused (see above) */
	uint64_t timeouts;	/* datagrams never completed in time */
	uint64_t evicted;	/* datagrams dropped for room */
};

struct nfips_defrag;

struct nfips_defrag *nfips_defrag_new(const struct nfips_defrag_cfg *cfg);
void nfips_defrag_free(struct nfips_defrag *df);
void nfips_defrag_get_stats(const struct nfips_defrag *df,
			    struct nfips_defrag_stats *st);

enum nfips_defrag_result {
	NFIPS_DEFRAG_WAIT,	/* kept; the datagram is not complete */
	NFIPS_DEFRAG_DONE,	/* *out holds the whole IP datagram */
	NFIPS_DEFRAG_INVALID,	/* refused (counted); or out of memory */
};

/*
 * Takes a fragment (@d as nfips_decode() returned it with
 * NFIPS_DEC_FRAGMENT) at capture time @now_usec. On NFIPS_DEFRAG_DONE,
 * @out/@outlen hold the reassembled datagram, header fields fixed, no
 * fragment header: decode it with nfips_decode_ip(). It stays valid until
 * the next call.
 */
enum nfips_defrag_result nfips_defrag_add(struct nfips_defrag *df,
					  const struct nfips_decoded *d,
					  uint64_t now_usec,
					  const uint8_t **out, uint32_t *outlen);

#endif /* NFIPS_DEFRAG_H */
