/* SPDX-License-Identifier: GPL-2.0 */
/*
 * X.509 certificates decoded as Suricata 7.0.10 decodes them (its
 * rust/src/x509 over the x509-parser crate): which it accepts, and the
 * subject, issuer and serial strings it gives (x509.c, x509_name.c);
 * not a public API.
 */
#ifndef NFIPS_APP_X509_H
#define NFIPS_APP_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

/* The strings of a certificate, in struct tls_chain's order. */
enum { X509_SUBJECT, X509_ISSUER, X509_SERIAL, X509_NSTR };

enum x509_result {
	X509_OK,		/* every string set */
	X509_REFUSED,		/* x509-parser refuses it: no string */
	X509_BAD_SUBJECT,	/* decoded, but its subject cannot be a C string */
	X509_BAD_ISSUER,	/* likewise its issuer: the subject alone set */
};

/*
 * Decodes the @n bytes at @der into @out (each emptied first): an enum
 * x509_result, -1 out of memory.
 */
int x509_decode(const uint8_t *der, size_t n, struct bytes out[X509_NSTR]);

/* One DER (or BER, where asked) element, as x509-parser's asn1-rs reads it. */
struct x509_tlv {
	uint32_t tag;		/* the tag number, whatever its class */
	uint8_t cls;		/* 0 universal, 1 application, 2 context, 3 private */
	bool cons;		/* constructed */
	bool indef;		/* indefinite length (BER only) */
	const uint8_t *v;	/* the contents */
	size_t len;
	const uint8_t *next;	/* the byte after the element */
};

/*
 * The element at @p, ending by @end: 0, -1 malformed, indefinite or
 * longer than what is left. With @hdr_only, only its header is read (v
 * is the byte after it; len, 0 if indefinite, is not checked against @end).
 */
int x509_tlv(const uint8_t *p, const uint8_t *end, struct x509_tlv *t, bool hdr_only);

/*
 * x509_name.c: the contents of a Name (its RDNs) rendered as
 * X509Name's Display: 0, 1 the string holds a NUL byte (Suricata's
 * CString cannot hold it), -1 out of memory.
 */
int x509_name(struct bytes *b, const uint8_t *p, size_t n);

#endif /* NFIPS_APP_X509_H */
