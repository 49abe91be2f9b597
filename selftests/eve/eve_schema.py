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


def schema(nfips=True):
    """The schema with the additions above (@nfips: the nfips object too)."""
    with open(SCHEMA) as f:
        s = json.load(f)
    s = copy.deepcopy(s)
    top = s["properties"]
    if nfips:
        top["nfips"] = NFIPS
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
