// SPDX-License-Identifier: GPL-2.0
/*
 * base64 as Suricata's base64_decode keyword decodes it (util-base64.c,
 * RFC 4648 mode, not strict): 4 characters give 3 bytes less one per
 * '=', decoding stops at the first byte that is neither in the alphabet
 * nor '=', and a last incomplete block of 2 or 3 characters gives 1 or 2
 * bytes (of 1 character: 1 byte).
 */
#include "eval.h"

static int value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static void block(uint8_t *out, const uint8_t b[4])
{
	out[0] = (uint8_t)(b[0] << 2 | b[1] >> 4);
	out[1] = (uint8_t)(b[1] << 4 | b[2] >> 2);
	out[2] = (uint8_t)(b[2] << 6 | b[3]);
}

uint32_t nfips_b64_decode(const uint8_t *in, uint32_t n, uint8_t *out)
{
	uint8_t b[4] = { 0 }, tmp[3];
	uint32_t i, k = 0, pad = 0, o = 0, blk;
	int v;

	for (i = 0; i < n; i++) {
		v = value(in[i]);
		if (v < 0) {
			if (in[i] != '=')
				break;
			pad++;
		}
		b[k++] = (uint8_t)(v > 0 ? v : 0);
		if (k == 4) {
			blk = 3 - (pad < 4 ? pad : 3);
			block(tmp, b);
			for (v = 0; v < (int)blk; v++)
				out[o++] = tmp[v];
			k = pad = 0;
			b[0] = b[1] = b[2] = b[3] = 0;
		}
	}
	if (k) {
		pad = k > 1 ? 4 - k : 2;
		blk = 3 - pad;
		block(tmp, b);
		for (v = 0; v < (int)blk; v++)
			out[o++] = tmp[v];
	}
	return o;
}
