#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A real SMTP server for the mail tests (Debian python3-aiosmtpd).

smtpsink.py HOST PORT OUT [--cert PEM --key PEM [--smtps]]
                          [--auth USER:PASSWORD [--mech PLAIN|LOGIN]]

Every message accepted is appended to OUT as one JSON line: the time it
was accepted (time.time()), the envelope sender and recipients, the user
it authenticated as, and the message as sent (base64, byte-exact). With
--cert/--key the server offers STARTTLS and refuses MAIL before it
(auth_require_tls, require_starttls); with --smtps as well it speaks TLS
from the first byte instead (implicit TLS, port 465's way). With --auth
it requires AUTH before MAIL and takes only that user and password
(--mech: only that mechanism offered); each refusal is one "auth-refused"
line in OUT. Runs until killed; prints "ready" once it listens.
"""
import argparse
import base64
import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, out, implicit_tls=False):
        self.out = out
        self.implicit_tls = implicit_tls

    async def handle_DATA(self, server, session, envelope):
        rec = {
            "time": time.time(),
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            # aiosmtpd sets session.ssl on STARTTLS only; an smtps
            # listener takes nothing but TLS
            "tls": self.implicit_tls or session.ssl is not None,
            "auth": session.auth_data.login.decode() if session.authenticated else None,
            "data": base64.b64encode(envelope.original_content or envelope.content).decode(),
        }
        with open(self.out, "a") as f:
            f.write(json.dumps(rec) + "\n")
        return "250 OK queued"


class Auth:
    def __init__(self, out, user, password):
        self.out, self.user, self.password = out, user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        if auth_data.login == self.user and auth_data.password == self.password:
            return AuthResult(success=True, auth_data=auth_data)
        with open(self.out, "a") as f:
            f.write(json.dumps({"auth-refused": auth_data.login.decode(),
                                "mechanism": mechanism}) + "\n")
        return AuthResult(success=False, handled=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("out")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--smtps", action="store_true")
    ap.add_argument("--auth")
    ap.add_argument("--mech", choices=("PLAIN", "LOGIN"))
    a = ap.parse_args()
    kw = {}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        if a.smtps:
            kw = {"ssl_context": ctx}
        else:
            kw = {"tls_context": ctx, "require_starttls": True}
    if a.auth:
        user, password = a.auth.split(":", 1)
        kw["authenticator"] = Auth(a.out, user, password)
        kw["auth_required"] = True
        # aiosmtpd knows of STARTTLS only: over smtps the channel is TLS
        # from the start, and AUTH must be offered there too
        kw["auth_require_tls"] = a.cert is not None and not a.smtps
        if a.mech:
            kw["auth_exclude_mechanism"] = [m for m in ("PLAIN", "LOGIN") if m != a.mech]
    c = Controller(Sink(a.out, bool(a.cert and a.smtps)), hostname=a.host, port=a.port, **kw)
    c.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        c.stop()


if __name__ == "__main__":
    sys.exit(main())
