/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a capture file (pcap or pcapng) through libpcap, packet by
 * packet, with microsecond timestamps. Errors name the file.
 */
#ifndef NFIPS_PCAP_READER_H
#define NFIPS_PCAP_READER_H

#include <stdint.h>

struct nfips_pcap;

struct nfips_pcap_pkt {
	int64_t sec;
	uint32_t usec;
	uint32_t caplen;	/* bytes in data */
	uint32_t len;		/* on the wire */
	const uint8_t *data;	/* valid until the next read */
};

/*
 * Opens @path ("-" is stdin). NULL with a message naming the file in
 * @err on failure (not found, not a capture, unsupported link type).
 */
struct nfips_pcap *nfips_pcap_open(const char *path, char *err, size_t errlen);

/* The capture's link type as a LINKTYPE_ value (enum nfips_link). */
int nfips_pcap_link(const struct nfips_pcap *pc);

/*
 * 1 and the next packet in @pkt, 0 at the end of the file, -1 if the
 * file is damaged (truncated record, bad block) with the reason in @err.
 */
int nfips_pcap_next(struct nfips_pcap *pc, struct nfips_pcap_pkt *pkt,
		    char *err, size_t errlen);

void nfips_pcap_close(struct nfips_pcap *pc);

#endif /* NFIPS_PCAP_READER_H */
