#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A real SMTP server for the mail tests (Debian python3-aiosmtpd).

smtpsink.py HOST PORT OUT [--cert PEM --key PEM]

Every message accepted is appended to OUT as one JSON line: the time it
was accepted (time.time()), the envelope sender and recipients, and the
message as sent (base64, byte-exact). With --cert/--key the server offers
STARTTLS and refuses MAIL before it (auth_require_tls, require_starttls).
Runs until killed; prints "ready" once it listens.
"""
import argparse
import base64
import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        rec = {
            "time": time.time(),
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "data": base64.b64encode(envelope.original_content or envelope.content).decode(),
        }
        with open(self.out, "a") as f:
            f.write(json.dumps(rec) + "\n")
        return "250 OK queued"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("out")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    kw = {}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kw = {"tls_context": ctx, "require_starttls": True}
    c = Controller(Sink(a.out), hostname=a.host, port=a.port, **kw)
    c.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        c.stop()


if __name__ == "__main__":
    sys.exit(main())
