// SPDX-License-Identifier: GPL-2.0
/*
 * Suricata keywords the engine does not evaluate. They are listed (rather
 * than "anything unknown is skipped") so that a misspelt keyword is a
 * parse error instead of a silently skipped rule.
 *
 * "buffer": selects or names an inspection buffer other than the raw
 * packet/stream payload (app-layer fields, decoded data, headers).
 * "keyword": any other test the evaluator does not implement.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_int.h"

static const char *const buffers[] = {
	/* HTTP buffers rule_buf.c does not evaluate (HTTP/2) */
	"http.request_header", "http.response_header", "http2.header",
	"http2.header_name",
	/* files and decoded data */
	"file.name", "file.magic",
	/* DNS, TLS, SSH, SMB, DCERPC, Kerberos */
	"dns.query.name", "dns.answer.name",
	"dns.queries.rrname", "dns.answers.rrname", "dns.authorities.rrname",
	"dns.additionals.rrname",
	"tls.random", "tls.random_time", "tls.random_bytes",
	"tls.alpn", "tls.subjectaltname",
	"ssh.hassh",
	"ssh.hassh.string", "ssh.hassh.server", "ssh.hassh.server.string",
	"smb.named_pipe", "smb.share", "smb.ntlmssp_user",
	"smb.ntlmssp_domain", "dce_stub_data", "dcerpc.stub_data",
	"krb5_cname", "krb5.cname", "krb5_sname", "krb5.sname",
	/* SIP, SNMP, QUIC, MQTT, RFB, IKE, SMTP, LDAP, DNP3, FTP */
	"sip.method", "sip.uri", "sip.request_line", "sip.stat_code",
	"sip.stat_msg", "sip.response_line", "sip.protocol", "sip.from",
	"sip.to", "sip.via", "sip.user_agent", "sip.content_type",
	"sip.content_length", "snmp.community", "snmp.usm", "quic.sni",
	"quic.ua", "quic.version", "quic.cyu.hash", "quic.cyu.string",
	"mqtt.connect.clientid", "mqtt.connect.username",
	"mqtt.connect.password", "mqtt.connect.willtopic",
	"mqtt.connect.willmessage", "mqtt.publish.topic",
	"mqtt.publish.message", "mqtt.subscribe.topic",
	"mqtt.unsubscribe.topic", "rfb.name", "ike.vendor",
	"ike.key_exchange_payload", "ike.nonce_payload", "ike.init_spi",
	"ike.resp_spi", "smtp.helo", "smtp.mail_from", "smtp.rcpt_to",
	"email.from", "email.subject", "email.to", "email.cc",
	"ldap.request.dn", "ldap.responses.dn", "dnp3_data", "dnp3.data",
	"ftp.command", "ftp.command_data",
	/* packet headers as buffers */
	"ipv4.hdr", "ipv6.hdr", "tcp.hdr", "udp.hdr", "icmpv4.hdr",
	"icmpv6.hdr",
};

static const char *const keywords[] = {
	/* payload tests not implemented */
	"byte_math", "asn1", "lua", "luajit", "replace",
	"ftpbounce", "ftpdata_command",
	/* transforms Suricata 7.0.10 does not have (rule_xform.c has the others) */
	"from_base64",
	/* state and reputation */
	"flowvar", "pktvar", "hostbits",
	"iprep", "geoip", "datarep", "dataset", "bypass",
	/* packet header tests */
	"ipopts", "fragoffset", "tcp.mss", "icmpv6.mtu", "rpc", "sameip",
	"l3_proto", "ipv4-csum", "tcpv4-csum", "tcpv6-csum", "udpv4-csum",
	"udpv6-csum", "icmpv4-csum", "icmpv6-csum",
	/* events, app-layer state and metadata */
	"engine-event", "decode-event", "stream-event",
	"app-layer-protocol", "app-layer-state", "frame", "requires",
	"prefilter", "config", "transform",
	"filestore", "filename", "fileext", "filemagic", "filemd5", "filesha1",
	"filesha256", "filesize",
	"tls_version", "tls.subject", "tls.issuerdn",
	"tls.fingerprint", "tls.store", "tls_cert_notbefore",
	"tls_cert_notafter", "tls_cert_expired", "tls_cert_valid",
	"tls.cert_chain_len", "ssl_version", "ssl_state",
	"ssh.protoversion", "ssh_protoversion", "ssh.softwareversion",
	"ssh_softwareversion", "enip_command", "cip_service", "dnp3_func",
	"dnp3_ind", "dnp3_obj", "modbus", "nfs_procedure", "nfs.version",
	"dcerpc.iface", "dce_iface", "dcerpc.opnum", "dce_opnum",
	"krb5_msg_type", "krb5_err_code", "krb5.weak_encryption",
	"snmp.version", "snmp.pdu_type", "rfb.sectype", "rfb.secresult",
	"mqtt.protocol_version", "mqtt.type", "mqtt.flags", "mqtt.qos",
	"mqtt.reason_code", "mqtt.connack.session_present",
	"mqtt.connect.flags", "http2.frametype", "http2.errorcode",
	"http2.priority", "http2.window", "http2.size_update",
	"http2.settings", "ike.exchtype", "ike.chosen_sa_attribute",
	"ike.key_exchange_payload_length", "ike.nonce_payload_length",
	"dns.rcode", "dns.rrtype", "template", "template2",
};

/* Application-layer protocols Suricata accepts in a rule header. */
static const char *const app_protos[] = {
	"http", "http1", "http2", "ftp", "ftp-data", "smtp", "tls", "ssl",
	"ssh", "imap", "pop3", "msn", "smb", "dcerpc", "dns", "modbus", "enip",
	"dnp3", "nfs", "ntp", "tftp", "ikev2", "ike", "krb5", "dhcp", "snmp",
	"sip", "rfb", "mqtt", "rdp", "pgsql", "telnet", "websocket", "ldap",
	"doh2", "quic", "bittorrent-dht", "template", "irc", "jabber",
	"failed",
	/* not application layers, but not evaluated either */
	"ipv4", "ipv6", "ip4", "ip6", "icmpv4", "icmpv6", "sctp", "pkthdr",
};

static bool in(const char *const *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(list[i], name))
			return true;
	return false;
}

#define IN(list, name) in(list, sizeof(list) / sizeof(list[0]), name)

const char *kw_unsupported(const char *name)
{
	if (IN(buffers, name))
		return "buffer";
	if (IN(keywords, name))
		return "keyword";
	return NULL;
}

bool kw_app_proto(const char *name)
{
	return IN(app_protos, name);
}
