#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
Validates EVE JSON records against Suricata's schema (suricata-schema.json
here, see README) with python3-jsonschema, as SOC tooling built for
Suricata expects them.

The schema as published is checked with these additions, and only these:

  nfips            the one top-level object nfips adds: its own fields
                   (grade, grade_reason, incident_id, alerts_discarded,
                   path, sequence, policy_serial), nothing else, all of
                   them typed.
  host, in_iface   top-level strings Suricata 7 itself writes (the
                   sensor-name; the capture interface when live) that
                   this version of the schema does not list.
  alert.metadata   any key, each an array of strings: Suricata writes
                   every key of the rule's metadata option (the schema
                   lists only ten common ET keys).
  alert.source/.target "port": Suricata's AlertJsonSourceTarget writes it.
  http, tls, dns, ssh, tx_guessed
                   the app-layer objects of an alert record (the excerpt
                   in suricata-schema.json left Suricata's definitions
                   out): each as Suricata 7.0's alert writes it, the
                   names and types of upstream's definitions, every
                   object closed (additionalProperties false), so a field
                   Suricata does not write fails the check.

The additions other than "nfips" are what Suricata 7.0's own records need
to validate: replay_test.py validates Suricata's records of the same
captures with them too.

Usage: eve_schema.py FILE...   (one JSON record per line; exit 1 on any error)
"""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "suricata-schema.json")

NFIPS = {
    "type": "object",
    "properties": {
        "grade": {"type": "string",
                  "enum": ["emergency", "high", "medium", "low", "ignore"]},
        "grade_reason": {"type": "string"},
        "incident_id": {"type": "integer", "minimum": 1},
        "alerts_discarded": {"type": "integer", "minimum": 1},
        "path": {"type": "string", "enum": ["kernel", "daemon"]},
        "sequence": {"type": "integer", "minimum": 0},
        "policy_serial": {"type": "integer", "minimum": 0},
    },
    "required": ["path", "sequence", "policy_serial"],
    "additionalProperties": False,
}


def _obj(props, **more):
    d = {"type": "object", "properties": props, "additionalProperties": False}
    d.update(more)
    return d


S, I, B = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
CERT = {"subject": S, "issuerdn": S, "serial": S, "fingerprint": S, "notbefore": S,
        "notafter": S}
HASH = _obj({"hash": S, "string": S})
APP = {
    # output-json-http.c EveHttpLogJSONBasic + EveHttpLogJSONExtended
    "http": _obj({"hostname": S, "http_port": I, "url": S, "http_user_agent": S, "xff": S,
                  "http_content_type": S,
                  "content_range": _obj({"raw": S, "start": I, "end": I, "size": I}),
                  "http_refer": S, "http_method": S, "protocol": S, "status": I,
                  "status_string": S, "redirect": S, "length": I}),
    # output-json-tls.c JsonTlsLogJSONExtended
    "tls": _obj(dict(CERT, session_resumed=B, sni=S, version=S, ja3=HASH, ja3s=HASH, ja4=S,
                     client=_obj(dict(CERT)))),
    # rust/src/dns/log.rs, the alert's query list and answer (header, authorities)
    "dns": _obj({"version": I,
                 "query": {"type": "array", "items": _obj(
                     {"type": S, "id": I, "rrname": S, "rrname_truncated": B, "rrtype": S,
                      "tx_id": I, "z": B, "opcode": I})},
                 "answer": _obj({"version": I, "type": S, "id": I, "flags": S, "qr": B,
                                 "aa": B, "tc": B, "rd": B, "ra": B, "z": B, "opcode": I,
                                 "rrname": S, "rrname_truncated": B, "rrtype": S,
                                 "rcode": S,
                                 "authorities": {"type": "array", "items": _obj(
                                     {"rrname": S, "rrtype": S, "ttl": I, "rdata": S,
                                      "soa": _obj({k: S if k.endswith("name") else I for k in
                                                   ("mname", "rname", "serial", "refresh",
                                                    "retry", "expire", "minimum")}),
                                      "srv": _obj({"priority": I, "weight": I, "port": I,
                                                   "name": S}),
                                      "sshfp": _obj({"fingerprint": S, "algo": I,
                                                     "type": I})})}})}),
    # rust/src/ssh/logger.rs (hassh off)
    "ssh": _obj({end: _obj({"proto_version": S, "software_version": S})
                 for end in ("client", "server")}),
    "tx_guessed": B,
}


def schema(nfips=True):
    """The schema with the additions above (@nfips: the nfips object too)."""
    with open(SCHEMA) as f:
        s = json.load(f)
    s = copy.deepcopy(s)
    top = s["properties"]
    if nfips:
        top["nfips"] = NFIPS
    top.update(copy.deepcopy(APP))
    top["host"] = {"type": "string"}
    top["in_iface"] = {"type": "string"}
    alert = top["alert"]["properties"]
    alert["metadata"]["additionalProperties"] = {"type": "array",
                                                 "items": {"type": "string"}}
    for end in ("source", "target"):
        alert[end]["properties"]["port"] = {"type": "integer"}
    return s


def validator(nfips=True):
    import jsonschema
    cls = getattr(jsonschema, "Draft202012Validator", jsonschema.Draft7Validator)
    return cls(schema(nfips))


def errors(v, record):
    """Readable errors of one decoded record (empty: valid)."""
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
            for e in v.iter_errors(record)]


def main(paths):
    v = validator()
    bad = n = 0
    for path in paths:
        with open(path) as f:
            for ln, line in enumerate(f, 1):
                if not line.strip():
                    continue
                n += 1
                try:
                    rec = json.loads(line)
                except ValueError as e:
                    print("%s:%d: not JSON: %s" % (path, ln, e))
                    bad += 1
                    continue
                for e in errors(v, rec):
                    print("%s:%d: %s" % (path, ln, e))
                    bad += 1
    print("records=%d errors=%d" % (n, bad))
    return 1 if bad or not n else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
