// SPDX-License-Identifier: GPL-2.0
/*
 * ctl/lib/util: SipHash-2-4 against the reference vectors of its
 * authors' implementation, random table keys, and the JSON writer's
 * nesting, commas and escaping of keys and values.
 */
#include <string.h>

#include "util/util.h"
#include "tap.h"

static struct tap T;

static void siphash_vectors(void)
{
	/* Key 00..0f; message 00..(n-1): vectors from SipHash's vectors.h. */
	static const uint64_t want[] = {
		0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL,
		0x85676696d7fb7e2dULL, 0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
		0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL, 0x93f5f5799a932462ULL,
		0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
		0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL,
		0xa129ca6149be45e5ULL, 0x3f2acc7f57c29bdbULL,
	};
	struct nfips_hkey k = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL };
	uint8_t msg[17];
	size_t n, bad = 0;

	for (n = 0; n < sizeof(msg); n++)
		msg[n] = (uint8_t)n;
	for (n = 0; n < sizeof(want) / sizeof(want[0]); n++)
		if (nfips_siphash(&k, msg, n) != want[n]) {
			tap_diag("length %zu: got %016llx", n,
				 (unsigned long long)nfips_siphash(&k, msg, n));
			bad++;
		}
	tap_ok(&T, !bad, "siphash-2-4: reference vectors for lengths 0..16");
}

static void random_keys(void)
{
	struct nfips_hkey a = { 0 }, b = { 0 };

	nfips_hkey_random(&a);
	nfips_hkey_random(&b);
	tap_ok(&T, memcmp(&a, &b, sizeof(a)) && (a.k0 || a.k1),
	       "two tables get different random keys");
	tap_ok(&T, nfips_siphash(&a, "flow", 4) != nfips_siphash(&b, "flow", 4),
	       "the same key data hashes differently under two keys");
}

static void writer(void)
{
	struct nfips_sbuf b = { 0 };
	struct nfips_json j;
	const char *want = "{\"a\":1,\"b\":[true,null,-2,{\"c\\\"\":\"\\u00ff\"}],"
			   "\"d\":{},\"e\":[]}";

	nfips_json_init(&j, &b);
	nfips_json_obj(&j, NULL);
	nfips_json_kuint(&j, "a", 1);
	nfips_json_arr(&j, "b");
	nfips_json_kbool(&j, NULL, true);
	nfips_json_knull(&j, NULL);
	nfips_json_kint(&j, NULL, -2);
	nfips_json_obj(&j, NULL);
	nfips_json_kstrn(&j, "c\"", "\xff", 1);
	nfips_json_obj_end(&j);
	nfips_json_arr_end(&j);
	nfips_json_obj(&j, "d");
	nfips_json_obj_end(&j);
	nfips_json_arr(&j, "e");
	nfips_json_arr_end(&j);
	nfips_json_obj_end(&j);
	if (!tap_ok(&T, b.s && !strcmp(b.s, want) && !b.oom,
		    "json writer: nesting, commas, escaped keys and bytes"))
		tap_diag("got %s", b.s ? b.s : "(null)");
	nfips_sbuf_reset(&b);
	nfips_json_init(&j, &b);
	for (int i = 0; i < NFIPS_JSON_MAX_DEPTH + 2; i++)
		nfips_json_arr(&j, NULL);
	tap_ok(&T, b.oom, "json writer: nesting past the limit is refused");
	nfips_sbuf_reset(&b);
	nfips_json_init(&j, &b);
	nfips_json_arr(&j, NULL);
	nfips_json_kuint(&j, NULL, 0);
	nfips_json_kuint(&j, NULL, UINT64_MAX);
	nfips_json_kint(&j, NULL, 0);
	nfips_json_kint(&j, NULL, INT64_MAX);
	nfips_json_kint(&j, NULL, INT64_MIN);
	nfips_json_kint(&j, NULL, -10);
	nfips_json_arr_end(&j);
	if (!tap_ok(&T, b.s && !strcmp(b.s, "[0,18446744073709551615,0,9223372036854775807,"
					  "-9223372036854775808,-10]") && !b.oom,
		    "json writer: integers at their limits"))
		tap_diag("got %s", b.s ? b.s : "(null)");
	nfips_sbuf_free(&b);
}

int main(void)
{
	siphash_vectors();
	random_keys();
	writer();
	printf("1..%d\n", T.n);
	return T.failed ? 1 : 0;
}
