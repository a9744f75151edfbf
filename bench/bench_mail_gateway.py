"""mail_gateway: cost per e-mail against stock message_process, and a mailbox fetched
from a real dovecot IMAP server with the connection cut and Odoo killed mid-run.

1. Five shapes of message (plain text with a signature and quoted history, HTML, with an
   attachment, a reply to an earlier message, an auto-reply), processed in-process, one
   commit per message: ours (store, deduplicate, classify, parse signature, rules,
   intake pipeline) against Odoo 11's ``mail.thread.message_process`` routing it to the
   crm.lead alias on a stock database (the template, none of our addons). The two
   paths alternate message by message, so a load change weighs on both alike.
2. N messages appended to a dovecot mailbox, fetched by a real Odoo server through the
   gateway; the IMAP server is killed once and the Odoo process is SIGKILLed once
   during the run, then both restarted; we count leads and stored messages: none lost,
   none doubled. Baseline: stock fetchmail on another min(N, 1000) messages (no
   interruption), its time scaled to N.
"""
import os
import sys
import threading
import time
import uuid

import harness
from common import Result

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "mail_gateway"))

import dovecot as dovecot_server  # noqa: E402

PER_MESSAGE = 150
DEFAULT_IMAP_COUNT = 10000
IMAP_COUNT = int(os.environ.get("BENCH_MAIL_IMAP") or DEFAULT_IMAP_COUNT)
# the stock baseline is timed on at most this many messages and scaled to IMAP_COUNT
# (a stock fetch of 10,000 messages would add some 45 minutes to learn a rate)
STOCK_COUNT = min(IMAP_COUNT, int(os.environ.get("BENCH_MAIL_IMAP_STOCK") or 1000))
# a run at the default size drops the rows that quicker runs at other sizes wrote before
RETIRED = tuple("mail_gateway: %d e-mails fetched from dovecot" % count for count in (1000, 2000)) \
    if IMAP_COUNT == DEFAULT_IMAP_COUNT else ()

# Each request signs with its own phone number, as distinct prospects do. With one number for
# all of them, every new lead of the run was a duplicate candidate of up to 200 earlier ones,
# and ours was timed on contact_dedup's worst case (a number shared by hundreds of open leads)
# rather than on the cost of an e-mail; the stock side has no such check to pay.
BODY = """Bonjour,

Nous souhaitons un devis pour %(n)d chaises de bureau, livraison avant mars.

Cordialement,
Claire Martin %(n)d
Responsable achats
Atelier Durand SARL
Tel: +33 1 45 %(n)06d

Le lun. 2 nov. 2026 a 10:00, Sales <sales@example.com> a ecrit :
> Merci pour votre message.
"""


def _raw(tag, n):
    return ("From: Claire %(n)d <claire%(n)d@%(tag)s.example>\r\nTo: sales@example.com\r\n"
            "Subject: Devis chaises %(n)d\r\nMessage-Id: <%(tag)s-%(n)d@bench.example>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" % {"tag": tag, "n": n}
            + BODY.replace("\n", "\r\n") % {"n": n}).encode("utf-8")


def _headers(tag, n, shape, extra=""):
    return ("From: Claire %(n)d <claire%(n)d@%(tag)s.example>\r\nTo: sales@example.com\r\n"
            "Subject: %(subject)s\r\nMessage-Id: <%(tag)s-%(shape)s-%(n)d@bench.example>\r\n"
            "MIME-Version: 1.0\r\n%(extra)s" % {
                "tag": tag, "n": n, "shape": shape, "extra": extra,
                "subject": {"reply": "Re: Devis chaises %d" % n,
                            "autoreply": "Absence du bureau : Devis chaises %d" % n}.get(
                                shape, "Devis chaises %d" % n)})


ATTACHMENT = ("%PDF-1.4\n" + "0123456789abcdef" * 3000).encode()


def _shaped(tag, n, shape):
    """One message of a shape; a reply answers the plain message of the same n."""
    import base64
    body = BODY.replace("\n", "\r\n") % {"n": n}
    if shape == "plain":
        return _raw(tag + "-plain", n)
    if shape == "html":
        html = "<html><body>%s</body></html>" % "".join("<p>%s</p>" % line for line in body.split("\r\n"))
        return (_headers(tag, n, shape, 'Content-Type: multipart/alternative; boundary="b1"\r\n') +
                "\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
                "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n%s\r\n--b1--\r\n" % (body, html)).encode()
    if shape == "attachment":
        data = base64.encodebytes(ATTACHMENT).decode().replace("\n", "\r\n")
        return (_headers(tag, n, shape, 'Content-Type: multipart/mixed; boundary="b2"\r\n') +
                "\r\n--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
                "--b2\r\nContent-Type: application/pdf; name=\"cahier-des-charges.pdf\"\r\n"
                "Content-Disposition: attachment; filename=\"cahier-des-charges.pdf\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--b2--\r\n" % (body, data)).encode()
    if shape == "reply":
        parent = "<%s-plain-%d@bench.example>" % (tag, n)
        return (_headers(tag, n, shape, "In-Reply-To: %s\r\nReferences: %s\r\n"
                         "Content-Type: text/plain; charset=utf-8\r\n" % (parent, parent)) +
                "\r\nMerci, pouvez-vous ajouter 2 tables ?\r\n\r\n> " + body.replace("\r\n", "\r\n> ")).encode()
    if shape == "autoreply":
        return (_headers(tag, n, shape, "Auto-Submitted: auto-replied\r\n"
                                        "Content-Type: text/plain; charset=utf-8\r\n") +
                "\r\nJe suis absente jusqu'au 3 janvier.\r\n").encode()
    raise ValueError(shape)


SHAPES = ("plain", "html", "attachment", "reply", "autoreply")


def _per_message(ctx, db, stock_db):
    """Mean time per message of each path and each shape, and the leads each made."""
    with ctx.env(db) as env, ctx.env(stock_db) as stock_env:
        env["ir.config_parameter"].set_param("mail_gateway.throttle_limit", "0")
        env.cr.commit()
        gateway, thread = env["mail.gateway.message"], stock_env["mail.thread"]
        # warm-up of both paths
        gateway.receive(_raw("warm-ours", 0))
        thread.message_process("crm.lead", _raw("warm-stock", 0))
        env.cr.commit()
        stock_env.cr.commit()
        paths = {"stock": (stock_env, lambda raw: thread.message_process("crm.lead", raw)),
                 "ours": (env, gateway.receive)}
        tags = {name: "pm-%s-%s" % (name, uuid.uuid4().hex[:6]) for name in paths}
        timings = {(name, shape): 0.0 for name in paths for shape in SHAPES}
        for shape in SHAPES:
            for n in range(1, PER_MESSAGE + 1):
                for name in ("ours", "stock") if n % 2 else ("stock", "ours"):
                    path_env, process = paths[name]
                    raw = _shaped(tags[name], n, shape)
                    start = time.perf_counter()
                    process(raw)
                    path_env.cr.commit()
                    timings[name, shape] += time.perf_counter() - start
        leads = {}
        for name, (path_env, _process) in paths.items():
            leads[name] = path_env["crm.lead"].search_count([("email_from", "ilike", "@%s" % tags[name])])
        for key in timings:
            timings[key] /= PER_MESSAGE
    return timings, leads


def _fetch_server(rpc, imap, name, use_gateway):
    model_id = rpc.call("ir.model", "search", [("model", "=", "crm.lead")])[0]
    values = {"name": name, "server": "127.0.0.1", "port": imap.port, "type": "imap", "is_ssl": False,
              "user": imap.user, "password": imap.password, "object_id": model_id, "state": "done"}
    if use_gateway:
        values["use_gateway"] = True
    return rpc.call("fetchmail.server", "create", values)


def _fetch_in_thread(server, server_id):
    def target():
        try:
            server.rpc().call("fetchmail.server", "fetch_mail", [server_id])
        except Exception:  # noqa: B902 - the server is killed on purpose
            pass
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def _leads(rpc, tag):
    return rpc.call("crm.lead", "search_count", [("email_from", "ilike", "@%s.example" % tag)])


def _imap(ctx, db, stock_db):
    imap = dovecot_server.Dovecot()
    server = None
    try:
        tag_ours, tag_stock = "imap-ours-%s" % uuid.uuid4().hex[:6], "imap-stock-%s" % uuid.uuid4().hex[:6]
        imap.append(*[_raw(tag_ours, n) for n in range(1, IMAP_COUNT + 1)])
        server = harness.OdooServer(db)
        rpc = server.rpc()
        ours_id = _fetch_server(rpc, imap, "bench ours", True)
        start = time.perf_counter()
        # cut the IMAP connection mid-run
        thread = _fetch_in_thread(server, ours_id)
        while _leads(rpc, tag_ours) < IMAP_COUNT // 4 and thread.is_alive():
            time.sleep(0.5)
        imap.kill()
        thread.join(60)
        imap.start()
        # kill the Odoo process mid-run
        thread = _fetch_in_thread(server, ours_id)
        while _leads(rpc, tag_ours) < IMAP_COUNT // 2 and thread.is_alive():
            time.sleep(0.5)
        server.process.kill()
        server.process.wait(20)
        thread.join(60)
        server = harness.OdooServer(db)
        rpc = server.rpc()
        interrupted_at = _leads(rpc, tag_ours)
        rpc.call("fetchmail.server", "fetch_mail", [ours_id])
        ours_time = time.perf_counter() - start
        leads = _leads(rpc, tag_ours)
        stored = rpc.call("mail.gateway.message", "search_count", [("email_from", "ilike", "@%s.example" % tag_ours)])
        # where each stored message ended, so that a count that differs says why
        states = {group["state"]: group["state_count"] for group in rpc.call(
            "mail.gateway.message", "read_group", [("email_from", "ilike", "@%s.example" % tag_ours)],
            ["state"], ["state"])}
        unseen = [k for k, seen in imap.flags().items() if not seen]
        lost_or_doubled = abs(IMAP_COUNT - leads) + abs(IMAP_COUNT - stored)
        server.stop()

        # baseline: stock fetchmail on a stock database, another mailbox content, no interruption
        # an INBOX of its own: stock fetchmail takes every unread message, ours stay unread
        imap.recreate_inbox(*[_raw(tag_stock, n) for n in range(1, STOCK_COUNT + 1)])
        server = harness.OdooServer(stock_db)
        rpc = server.rpc()
        stock_id = _fetch_server(rpc, imap, "bench stock", False)
        start = time.perf_counter()
        rpc.call("fetchmail.server", "fetch_mail", [stock_id])
        stock_time = (time.perf_counter() - start) * IMAP_COUNT / STOCK_COUNT
        stock_leads = _leads(rpc, tag_stock)
    finally:
        if server:
            server.stop()
        imap.stop()
    return {"ours": ours_time, "stock": stock_time, "leads": leads, "stored": stored, "unseen": len(unseen),
            "lost_or_doubled": lost_or_doubled, "interrupted_at": interrupted_at, "stock_leads": stock_leads,
            "states": states}


def run(ctx):
    db = ctx.clone(ctx.db, "bench_mail_gateway_scratch")
    stock_db = ctx.clone(ctx.stock(), "bench_mail_gateway_stock")
    per, leads = _per_message(ctx, db, stock_db)
    imap = _imap(ctx, db, stock_db)
    ours = sum(per["ours", shape] for shape in SHAPES) / len(SHAPES)
    stock = sum(per["stock", shape] for shape in SHAPES) / len(SHAPES)
    # ours: a lead per new request (plain, html, attachment), the reply on its lead,
    # the auto-reply ignored; stock makes a lead of the auto-reply too
    expected = 3 * PER_MESSAGE
    failure = "" if leads["ours"] == expected else "ours made %d leads from %d new requests, %d replies and %d " \
        "auto-replies (expected %d)" % (leads["ours"], 3 * PER_MESSAGE, PER_MESSAGE, PER_MESSAGE, expected)
    imap_failure = "" if imap["lost_or_doubled"] == 0 else "%d e-mails lost or doubled" % imap["lost_or_doubled"]
    if imap["stock_leads"] != STOCK_COUNT:
        # the baseline must have fetched exactly its own messages, or its time means nothing
        imap_failure += "%sstock fetch made %d leads from %d messages" % (
            "; " if imap_failure else "", imap["stock_leads"], STOCK_COUNT)
    return [
        Result("mail_gateway: cost per e-mail (store, dedup, parse, rules, intake) vs stock message_process",
               ours * 1000, stock * 1000, unit="ms", better="lower", target="<= 1.2x stock", failure=failure,
               baseline_name="stock message_process to the crm.lead alias, stock database",
               note="%d messages of each of 5 shapes, alternating ours and stock, one commit per message; "
                    "ours/stock = %.2fx; per shape (ms, ours/stock): %s; leads ours %d, stock %d" % (
                        PER_MESSAGE, ours / stock, ", ".join(
                            "%s %.0f/%.0f" % (shape, per["ours", shape] * 1000, per["stock", shape] * 1000)
                            for shape in SHAPES), leads["ours"], leads["stock"])),
        Result("mail_gateway: %d e-mails fetched from dovecot, IMAP killed and Odoo SIGKILLed mid-run" % IMAP_COUNT,
               imap["ours"], imap["stock"], unit="s", better="lower", target="none lost, none doubled",
               failure=imap_failure,
               baseline_name="stock fetchmail, no interruption%s" % (
                   "" if STOCK_COUNT == IMAP_COUNT else ", timed on %d messages and scaled" % STOCK_COUNT),
               note="leads %d, stored %d (%s), unseen %d, "
                    "lost or doubled %d (Odoo killed after %d leads); stock fetch made %d leads of %d" % (
                        imap["leads"], imap["stored"],
                        ", ".join("%s %d" % item for item in sorted(imap["states"].items())),
                        imap["unseen"], imap["lost_or_doubled"],
                        imap["interrupted_at"], imap["stock_leads"], STOCK_COUNT)),
    ]
