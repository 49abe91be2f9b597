// SPDX-License-Identifier: GPL-2.0
/*
 * The registered application-layer protocols (proto.h), in the order
 * detection tries them: one line per protocol.
 */
#include "proto.h"

const struct app_proto_ops *const app_protos[] = {
	/* patterns before the probing parsers, as Suricata's detection */
	&app_http_ops,
	&app_tls_ops,
	&app_ssh_ops,
	&app_ftp_ops,
	&app_smtp_ops,
	&app_dns_ops,
	&app_tls443_ops,
};

const unsigned int app_nprotos = sizeof(app_protos) / sizeof(app_protos[0]);
