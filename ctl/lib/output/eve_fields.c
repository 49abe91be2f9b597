// SPDX-License-Identifier: GPL-2.0
/*
 * The EVE fields whose format is Suricata's own convention rather than
 * plain JSON: addresses, protocol names, alert.metadata, the printable
 * payload and base64. Each follows what Suricata 7 writes (compared
 * field by field in selftests/replay/), see eve.h.
 */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eve.h"

void nfips_eve_addr(char *out, size_t len, uint8_t family, const uint8_t *a)
{
	if (family != 6) {
		snprintf(out, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	snprintf(out, len, "%02x%02x:%02x%02x:%02x%02x:%02x%02x:"
		 "%02x%02x:%02x%02x:%02x%02x:%02x%02x",
		 a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9],
		 a[10], a[11], a[12], a[13], a[14], a[15]);
}

/*
 * Suricata's known_proto[]: the IANA keywords of protocols 0..143 as it
 * spells them ("IP-in-IP", "Any" for the unassigned "any ..." entries,
 * "Ethernet" for 143); numbers above have no name and are written as
 * decimal numbers.
 */
static const char *const proto_names[144] = {
	"HOPOPT", "ICMP", "IGMP", "GGP", "IP-in-IP", "ST", "TCP", "CBT",
	"EGP", "IGP", "BBN-RCC-MON", "NVP-II", "PUP", "ARGUS", "EMCON", "XNET",
	"CHAOS", "UDP", "MUX", "DCN-MEAS", "HMP", "PRM", "XNS-IDP", "TRUNK-1",
	"TRUNK-2", "LEAF-1", "LEAF-2", "RDP", "IRTP", "ISO-TP4", "NETBLT", "MFE-NSP",
	"MERIT-INP", "DCCP", "3PC", "IDPR", "XTP", "DDP", "IDPR-CMTP", "TP++",
	"IL", "IPv6", "SDRP", "IPv6-Route", "IPv6-Frag", "IDRP", "RSVP", "GRE",
	"DSR", "BNA", "ESP", "AH", "I-NLSP", "SwIPe", "NARP", "MOBILE",
	"TLSP", "SKIP", "IPv6-ICMP", "IPv6-NoNxt", "IPv6-Opts", "Any", "CFTP", "Any",
	"SAT-EXPAK", "KRYPTOLAN", "RVD", "IPPC", "Any", "SAT-MON", "VISA", "IPCU",
	"CPNX", "CPHB", "WSN", "PVP", "BR-SAT-MON", "SUN-ND", "WB-MON", "WB-EXPAK",
	"ISO-IP", "VMTP", "SECURE-VMTP", "VINES", "TTP", "NSFNET-IGP", "DGP", "TCF",
	"EIGRP", "OSPF", "Sprite-RPC", "LARP", "MTP", "AX.25", "OS", "MICP",
	"SCC-SP", "ETHERIP", "ENCAP", "Any", "GMTP", "IFMP", "PNNI", "PIM",
	"ARIS", "SCPS", "QNX", "A/N", "IPComp", "SNP", "Compaq-Peer", "IPX-in-IP",
	"VRRP", "PGM", "Any", "L2TP", "DDX", "IATP", "STP", "SRP",
	"UTI", "SMP", "SM", "PTP", "IS-IS", "FIRE", "CRTP", "CRUDP",
	"SSCOPMCE", "IPLT", "SPS", "PIPE", "SCTP", "FC", "RSVP-E2E-IGNORE", "Mobility",
	"UDPLite", "MPLS-in-IP", "manet", "HIP", "Shim6", "WESP", "ROHC", "Ethernet",
};

const char *nfips_eve_proto_name(uint8_t proto)
{
	return proto < sizeof(proto_names) / sizeof(proto_names[0]) ?
	       proto_names[proto] : NULL;
}

/* ---- alert.metadata ------------------------------------------------- */

struct md {
	const char *key, *val;
};

/*
 * One metadata option value, as Suricata's DetectMetadataParse reads it:
 * comma-separated "key value" pairs (empty items skipped), blanks before
 * the key and the value skipped, the key ending at the first space, the
 * value running to the comma (trailing blanks kept); an item without a
 * value is dropped. Pairs are put in front of @v (Suricata's list is
 * built that way), @s is cut in place.
 */
static size_t md_split(char *s, struct md *v, size_t n, size_t max)
{
	char *save = NULL, *item, *val;

	for (item = strtok_r(s, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		while (*item == ' ' || *item == '\t')
			item++;
		val = strchr(item, ' ');
		if (!val)
			continue;
		*val++ = '\0';
		while (*val == ' ' || *val == '\t')
			val++;
		if (!*item || !*val || n == max)
			continue;
		memmove(v + 1, v, n * sizeof(*v));
		v[0] = (struct md){ item, val };
		n++;
	}
	return n;
}

void nfips_eve_metadata(struct nfips_json *j, const char *const *values,
			uint32_t n)
{
	size_t total = 0, cnt = 0, i, k;
	struct md *v;
	char *buf, *p;

	for (i = 0; i < n; i++)
		total += strlen(values[i]) + 1;
	if (!total)
		return;
	/* At most one pair per two bytes ("k v," is the shortest). */
	buf = malloc(total);
	v = calloc(total / 2 + 1, sizeof(*v));
	if (!buf || !v) {
		j->b->oom = true;
		goto out;
	}
	/* Later options' pairs go in front, as later pairs of one option. */
	for (i = 0, p = buf; i < n; i++) {
		size_t len = strlen(values[i]);

		memcpy(p, values[i], len + 1);
		cnt = md_split(p, v, cnt, total / 2 + 1);
		p += len + 1;
	}
	if (!cnt)
		goto out;
	/* Sorted by key without case, stably (glibc's qsort is a merge sort). */
	for (i = 1; i < cnt; i++) {
		struct md t = v[i];

		for (k = i; k > 0 && strcasecmp(v[k - 1].key, t.key) > 0; k--)
			v[k] = v[k - 1];
		v[k] = t;
	}
	nfips_json_obj(j, "metadata");
	for (i = 0; i < cnt; i = k) {
		nfips_json_arr(j, v[i].key);
		for (k = i; k < cnt && !strcasecmp(v[k].key, v[i].key); k++)
			nfips_json_kstr(j, NULL, v[k].val);
		nfips_json_arr_end(j);
	}
	nfips_json_obj_end(j);
out:
	free(buf);
	free(v);
}

/* ---- payload -------------------------------------------------------- */

void nfips_eve_printable(char *out, const uint8_t *in, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) || in[i] == '\n' ||
			 in[i] == '\r' ? (char)in[i] : '.';
}

char *nfips_eve_base64(const uint8_t *in, size_t len)
{
	char *out;

	if (len > (size_t)INT32_MAX / 2)
		return NULL;
	out = malloc((len + 2) / 3 * 4 + 1);
	if (out)
		EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}
