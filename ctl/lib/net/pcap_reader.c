// SPDX-License-Identifier: GPL-2.0
/* Capture files through libpcap; see pcap_reader.h. */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "pcap_reader.h"

struct nfips_pcap {
	pcap_t *p;
	char *path;
	char *buf;	/* the FILE's buffer, freed after pcap_close */
	int link;
};

/*
 * libpcap reads each record with fread(): with stdio's default buffer
 * (st_blksize, 4 KiB) that is a read() per 4 KiB of capture, 16,000
 * system calls for a 66 MB file, a few percent of a replay's CPU. The
 * file is opened here with a 1 MiB buffer of ours (glibc ignores the
 * size unless given the buffer) and handed to libpcap, which closes it.
 */
#define PCAP_READ_BUF	(1u << 20)

static FILE *open_capture(struct nfips_pcap *pc)
{
	FILE *f;

	/* stdin outlives us (libpcap leaves it open): its own buffer stays */
	if (!strcmp(pc->path, "-"))
		return stdin;
	f = fopen(pc->path, "rb");
	if (!f)
		return NULL;
	pc->buf = malloc(PCAP_READ_BUF);
	if (!pc->buf || setvbuf(f, pc->buf, _IOFBF, PCAP_READ_BUF)) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	return f;
}

/*
 * libpcap reports DLT_ values, which differ from the file's LINKTYPE_
 * value for a few types (DLT_RAW is 12 or 14, LINKTYPE_RAW 101).
 */
static int dlt_to_link(int dlt)
{
	switch (dlt) {
	case DLT_NULL:
		return NFIPS_LINK_NULL;
	case DLT_EN10MB:
		return NFIPS_LINK_ETHERNET;
	case DLT_RAW:
		return NFIPS_LINK_RAW;
	case DLT_LINUX_SLL:
		return NFIPS_LINK_SLL;
#ifdef DLT_IPV4
	case DLT_IPV4:
		return NFIPS_LINK_IPV4;
	case DLT_IPV6:
		return NFIPS_LINK_IPV6;
#endif
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		return NFIPS_LINK_SLL2;
#endif
	}
	return -1;
}

struct nfips_pcap *nfips_pcap_open(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct nfips_pcap *pc;
	const char *name;
	FILE *f;
	int dlt;

	pc = calloc(1, sizeof(*pc));
	if (!pc || !(pc->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(pc);
		return NULL;
	}
	f = open_capture(pc);
	if (!f) {
		snprintf(err, errlen, "%s: cannot read capture: %s", path, strerror(errno));
		goto fail;
	}
	pc->p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO,
							 ebuf);
	if (!pc->p) {
		if (f != stdin)
			fclose(f);
		snprintf(err, errlen, "%s: cannot read capture: %s", path,
			 ebuf[0] ? ebuf : "unknown error");
		goto fail;
	}
	dlt = pcap_datalink(pc->p);
	pc->link = dlt_to_link(dlt);
	if (pc->link < 0) {
		name = pcap_datalink_val_to_name(dlt);
		snprintf(err, errlen,
			 "%s: unsupported link type %d (%s); supported: Ethernet, "
			 "Linux cooked (SLL, SLL2), raw IP, BSD loopback",
			 path, dlt, name ? name : "unknown");
		pcap_close(pc->p);
		goto fail;
	}
	return pc;
fail:
	free(pc->buf);
	free(pc->path);
	free(pc);
	return NULL;
}

int nfips_pcap_link(const struct nfips_pcap *pc)
{
	return pc->link;
}

int nfips_pcap_next(struct nfips_pcap *pc, struct nfips_pcap_pkt *pkt,
		    char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r = pcap_next_ex(pc->p, &h, &data);

	if (r == 1) {
		pkt->sec = h->ts.tv_sec;
		pkt->usec = (uint32_t)h->ts.tv_usec;
		pkt->caplen = h->caplen;
		pkt->len = h->len;
		pkt->data = data;
		return 1;
	}
	if (r == PCAP_ERROR_BREAK)
		return 0;
	snprintf(err, errlen, "%s: damaged capture: %s", pc->path,
		 pcap_geterr(pc->p));
	return -1;
}

void nfips_pcap_close(struct nfips_pcap *pc)
{
	if (!pc)
		return;
	pcap_close(pc->p);
	free(pc->buf);
	free(pc->path);
	free(pc);
}
