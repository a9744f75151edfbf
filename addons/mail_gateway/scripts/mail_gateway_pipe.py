#!/usr/bin/env python3
"""MTA pipe: deliver the raw message read on stdin to Odoo's mail gateway.

Postfix example (/etc/aliases):
    sales: "|/path/to/mail_gateway_pipe.py --url https://erp.example.com --db prod --secret-file /etc/odoo/mg"

Exit codes follow sysexits.h, which MTAs understand. Only a message refused for good
makes the MTA bounce it to its sender; every configuration or availability problem
is temporary, so the MTA keeps the message in its queue until it is fixed:
    0   stored (or already received before: no double)
    75  EX_TEMPFAIL: Odoo unreachable, busy or in error, wrong or missing secret,
        unknown database, bad command line or --url, any unexpected error (logged loudly on stderr and to syslog)
    69  EX_UNAVAILABLE: message refused for good (larger than the gateway's maximum size)
"""
import argparse
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

try:
    import syslog
except ImportError:  # pragma: no cover - not on POSIX
    syslog = None

EX_OK, EX_UNAVAILABLE, EX_TEMPFAIL = 0, 69, 75


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def log(message, loud=False):
    """stderr (the MTA writes it to its log next to the deferral) and, for configuration
    errors, syslog's mail facility at error level."""
    text = "mail_gateway_pipe: %s%s" % ("CONFIGURATION ERROR, message kept in the MTA queue: " if loud else "",
                                        message)
    sys.stderr.write(text + "\n")
    if loud and syslog is not None:
        syslog.openlog("mail_gateway_pipe", 0, syslog.LOG_MAIL)
        syslog.syslog(syslog.LOG_ERR, text)


def main(argv=None):
    parser = _Parser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("MAIL_GATEWAY_URL", "http://localhost:8069"))
    parser.add_argument("--db", default=os.environ.get("MAIL_GATEWAY_DB"))
    parser.add_argument("--secret", default=os.environ.get("MAIL_GATEWAY_SECRET"))
    parser.add_argument("--secret-file")
    parser.add_argument("--timeout", type=float, default=60)
    try:
        args = parser.parse_args(argv)
    except ValueError as exc:
        log("bad command line: %s" % exc, loud=True)
        return EX_TEMPFAIL
    secret = args.secret
    if args.secret_file:
        try:
            with open(args.secret_file) as handle:
                secret = handle.read().strip()
        except OSError as exc:
            log("cannot read the secret file: %s" % exc, loud=True)
            return EX_TEMPFAIL
    if not secret:
        log("no secret given (--secret, --secret-file or MAIL_GATEWAY_SECRET)", loud=True)
        return EX_TEMPFAIL
    return send(args, secret, sys.stdin.buffer.read())


def send(args, secret, raw):
    """Deliver ``raw``; the sysexits code."""
    if not raw:
        log("nothing read on standard input (is the pipe command right?)", loud=True)
        return EX_TEMPFAIL
    url = args.url.rstrip("/") + "/mail_gateway/inbound"
    if args.db:
        url += "?" + urllib.parse.urlencode({"db": args.db})
    try:
        request = urllib.request.Request(url, data=raw, method="POST", headers={
            "Content-Type": "message/rfc822", "X-Mail-Gateway-Secret": secret, "X-Mail-Gateway-Channel": "mta"})
    except ValueError as exc:  # unknown url type, invalid IPv6 URL...
        log("bad --url %r: %s" % (args.url, exc), loud=True)
        return EX_TEMPFAIL
    try:
        return deliver(request, args)
    except ValueError as exc:
        log("bad --url %r: %s" % (args.url, exc), loud=True)
        return EX_TEMPFAIL
    except Exception as exc:  # pylint: disable=broad-except
        # anything unexpected before the message is stored is temporary: the MTA keeps it
        log("unexpected error, %s: %s" % (type(exc).__name__, exc), loud=True)
        return EX_TEMPFAIL


def deliver(request, args):
    """POST the message; the exit code of its answer."""
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            sys.stdout.write(response.read().decode("utf-8", "replace") + "\n")
            return EX_OK
    except urllib.error.HTTPError as exc:
        detail = "HTTP %s %s" % (exc.code, exc.read()[:200])
        if exc.code == 413:
            log("message refused for good: %s" % detail)
            return EX_UNAVAILABLE
        if exc.code in (403, 404):
            log("%s (%s)" % (detail, "wrong secret" if exc.code == 403 else "unknown database"), loud=True)
        else:
            log(detail)
        return EX_TEMPFAIL
    except (urllib.error.URLError, OSError) as exc:
        log("Odoo unreachable at %s: %s" % (args.url, exc), loud=True)
        return EX_TEMPFAIL


if __name__ == "__main__":
    sys.exit(main())
