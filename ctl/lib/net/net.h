/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packets as the slow path sees them: the packet model (packet.h),
 * link and IP decoding (decode.h), IP defragmentation (defrag.h), the
 * flow table (flow.h), TCP reassembly (stream.h) and capture files
 * (pcap_reader.h). The one header other parts of ctl/lib include; the
 * pieces are split by concern only to keep each readable.
 */
#ifndef NFIPS_NET_H
#define NFIPS_NET_H

#include "packet.h"
#include "decode.h"
#include "defrag.h"
#include "tunnel.h"
#include "stream.h"
#include "flow.h"
#include "pcap_reader.h"

#endif /* NFIPS_NET_H */
