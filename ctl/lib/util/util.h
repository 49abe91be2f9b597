/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small things every part of ctl/lib uses: a growable string, the one
 * JSON writer the project prints with (EVE records, stats --json,
 * events --json, the daemon's logs), and keyed hashing for tables whose
 * keys come from packets.
 */
#ifndef NFIPS_UTIL_H
#define NFIPS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- growable string ------------------------------------------------ */

/* .oom is set (and further output dropped) if realloc fails. */
struct nfips_sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

void nfips_sbuf_reset(struct nfips_sbuf *b);
void nfips_sbuf_free(struct nfips_sbuf *b);
void nfips_sbuf_add(struct nfips_sbuf *b, const void *p, size_t n);
void nfips_sbuf_puts(struct nfips_sbuf *b, const char *s);
void nfips_sbuf_printf(struct nfips_sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- JSON ----------------------------------------------------------- */

/*
 * Appends @n bytes of @s as a quoted JSON string. '"', '\\' and control
 * characters are escaped (\n \r \t \b \f, else \u00XX); valid UTF-8
 * passes through; every byte that is not part of a valid UTF-8 sequence
 * is written as \u00XX of its value (the byte read as Latin-1), so the
 * output is always valid UTF-8 JSON whatever the input.
 */
void nfips_json_str(struct nfips_sbuf *b, const char *s, size_t n);

#define NFIPS_JSON_MAX_DEPTH	16

/*
 * A writer of one JSON value into @b: objects and arrays nest, commas
 * are placed by the writer. Inside an object every value takes a key;
 * inside an array (or at the top) the key is NULL. Keys are written
 * escaped like values. Nesting deeper than NFIPS_JSON_MAX_DEPTH sets
 * b->oom (a programming error, never data-driven here).
 */
struct nfips_json {
	struct nfips_sbuf *b;
	uint32_t depth;
	uint32_t has_items;	/* bit d: level d already has an item */
};

void nfips_json_init(struct nfips_json *j, struct nfips_sbuf *b);
void nfips_json_obj(struct nfips_json *j, const char *key);
void nfips_json_obj_end(struct nfips_json *j);
void nfips_json_arr(struct nfips_json *j, const char *key);
void nfips_json_arr_end(struct nfips_json *j);
void nfips_json_kstr(struct nfips_json *j, const char *key, const char *val);
void nfips_json_kstrn(struct nfips_json *j, const char *key, const char *val,
		      size_t n);
void nfips_json_kuint(struct nfips_json *j, const char *key, uint64_t val);
void nfips_json_kint(struct nfips_json *j, const char *key, int64_t val);
void nfips_json_kbool(struct nfips_json *j, const char *key, bool val);
void nfips_json_knull(struct nfips_json *j, const char *key);

/* ---- hashing -------------------------------------------------------- */

/*
 * Tables keyed by packet data (flows, fragments, thresholds, xbits) hash
 * with SipHash-2-4 under a key drawn from getrandom() when the table is
 * made, so a sender cannot aim many keys at one bucket.
 */
struct nfips_hkey {
	uint64_t k0, k1;
};

/* A fresh random key (getrandom; the clock and address mix if it fails). */
void nfips_hkey_random(struct nfips_hkey *k);
uint64_t nfips_siphash(const struct nfips_hkey *k, const void *p, size_t n);

/*
 * Replaces @path with @len bytes of @buf: written to PATH.tmp, fsynced,
 * renamed over @path, the directory fsynced. 0 or -errno.
 */
int nfips_file_replace(const char *path, const char *buf, size_t len);

#endif /* NFIPS_UTIL_H */
