#!/usr/bin/env python3
"""MTA pipe: deliver the raw message read on stdin to Odoo's mail gateway.

Postfix example (/etc/aliases):
    sales: "|/path/to/mail_gateway_pipe.py --url https://erp.example.com --db prod --secret-file /etc/odoo/mg"

Exit codes follow sysexits.h, which MTAs understand:
    0   stored (or already received before: no double)
    75  EX_TEMPFAIL: Odoo unreachable, busy or in error; the MTA keeps the message and retries
    77  EX_NOPERM: wrong secret (the MTA keeps the message too: fix the configuration)
    69  EX_UNAVAILABLE: message refused for good (too large): the MTA bounces it
    64  EX_USAGE: bad command line
"""
import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

EX_OK, EX_USAGE, EX_UNAVAILABLE, EX_TEMPFAIL, EX_NOPERM = 0, 64, 69, 75, 77


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("MAIL_GATEWAY_URL", "http://localhost:8069"))
    parser.add_argument("--db", default=os.environ.get("MAIL_GATEWAY_DB"))
    parser.add_argument("--secret", default=os.environ.get("MAIL_GATEWAY_SECRET"))
    parser.add_argument("--secret-file")
    parser.add_argument("--timeout", type=float, default=60)
    try:
        args = parser.parse_args(argv)
    except SystemExit:
        return EX_USAGE
    secret = args.secret
    if args.secret_file:
        try:
            with open(args.secret_file) as handle:
                secret = handle.read().strip()
        except OSError as exc:
            sys.stderr.write("mail_gateway_pipe: cannot read secret: %s\n" % exc)
            return EX_TEMPFAIL
    if not secret:
        sys.stderr.write("mail_gateway_pipe: no secret given\n")
        return EX_USAGE
    raw = sys.stdin.buffer.read()
    if not raw.strip():
        sys.stderr.write("mail_gateway_pipe: empty message\n")
        return EX_UNAVAILABLE
    url = args.url.rstrip("/") + "/mail_gateway/inbound"
    if args.db:
        url += "?" + urllib.parse.urlencode({"db": args.db})
    request = urllib.request.Request(url, data=raw, method="POST", headers={
        "Content-Type": "message/rfc822", "X-Mail-Gateway-Secret": secret, "X-Mail-Gateway-Channel": "mta"})
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            sys.stdout.write(response.read().decode("utf-8", "replace") + "\n")
            return EX_OK
    except urllib.error.HTTPError as exc:
        sys.stderr.write("mail_gateway_pipe: HTTP %s %s\n" % (exc.code, exc.read()[:200]))
        if exc.code == 403:
            return EX_NOPERM
        if exc.code in (400, 413):
            return EX_UNAVAILABLE
        return EX_TEMPFAIL
    except (urllib.error.URLError, OSError) as exc:
        sys.stderr.write("mail_gateway_pipe: Odoo unreachable: %s\n" % exc)
        return EX_TEMPFAIL


if __name__ == "__main__":
    sys.exit(main())
