"""The hostile corpus: messages built to break an inbound mail path.

``python -m odoo.addons.mail_gateway.lib.tests.hostile_corpus`` (or running this file)
writes them to ``hostile/`` as ``NNN_name.eml``; the files are committed and read by the
parser tests, the Odoo tests and the end-to-end tests of tests/mail_gateway. Every
message has a key of its own (a Message-Id, or different bytes). Deterministic: the
random bytes come from a seeded generator.
"""
import base64
import os
import random
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile")
TO = "sales@example.com"


def _msg(index, headers, body, sender=None, message_id=True, ctype="text/plain; charset=utf-8", eol=b"\r\n"):
    lines = []
    if sender is not False:
        lines.append(b"From: " + (sender or ("Client %03d <c%03d@corpus.example>" % (index, index)).encode()))
    lines.append(b"To: " + TO.encode())
    if message_id is True:
        lines.append(("Message-Id: <hostile-%03d@corpus.example>" % index).encode())
    elif message_id:
        lines.append(b"Message-Id: " + message_id)
    for header in headers:
        lines.append(header if isinstance(header, bytes) else header.encode("utf-8"))
    if ctype:
        lines.append(b"Content-Type: " + ctype.encode())
    body = body if isinstance(body, bytes) else body.encode("utf-8")
    return eol.join(lines) + eol + eol + body


def _subject(text):
    return "Subject: %s" % text


def lying_charsets(add):
    latin = "Bonjour, il nous faut 12 chaises en chêne, livrées à Noël.\n".encode("latin-1")
    utf8 = "Bonjour, il nous faut 12 chaises en chêne, livrées à Noël.\n".encode("utf-8")
    add("utf8_declared_ascii", [_subject("Devis chaises")], utf8, ctype="text/plain; charset=us-ascii")
    add("latin1_declared_utf8", [_subject("Devis tables")], latin, ctype="text/plain; charset=utf-8")
    add("utf8_declared_latin1", [_subject("Devis bureaux")], utf8, ctype="text/plain; charset=iso-8859-1")
    add("unknown_charset", [_subject("Devis lampes")], latin, ctype="text/plain; charset=x-unknown-42")
    add("empty_charset", [_subject("Devis stores")], latin, ctype='text/plain; charset=""')
    add("utf7_charset", [_subject("Devis portes")], b"Bonjour +AOk-t+AOk-\n", ctype="text/plain; charset=utf-7")
    add("shiftjis_declared_gb2312", [_subject("Order")], "注文します".encode("shift_jis"),
        ctype="text/plain; charset=gb2312")
    add("encoded_word_wrong_charset", [b"Subject: =?utf-8?Q?Devis_ch=EAne?="], utf8)
    add("encoded_word_unknown_charset", [b"Subject: =?x-bogus?B?RGV2aXM=?="], utf8)
    add("encoded_word_broken_base64", [b"Subject: =?utf-8?B?RGV2a@@XM?="], utf8)
    add("charset_utf16_no_bom", [_subject("UTF-16")], "Bonjour".encode("utf-16-le"),
        ctype="text/plain; charset=utf-16")
    add("html_meta_charset_lies", [_subject("HTML devis")],
        b'<html><head><meta charset="utf-8"></head><body><p>Ch\xeane massif</p></body></html>',
        ctype="text/html; charset=windows-1252")


def eight_bit_headers(add):
    add("latin1_subject", [b"Subject: Re\xe7u votre offre, d\xe9j\xe0 vu"], "Body.\n")
    add("utf8_raw_from_name", [_subject("Raw UTF-8 name")], "Merci.\n",
        sender="Zoë Ågren <zoe@corpus.example>".encode("utf-8"))
    add("invalid_utf8_subject", [b"Subject: Offre \xff\xfe\xfd invalide \xc3\x28"], "Body.\n")
    add("eight_bit_to", [_subject("To 8-bit"), b"Cc: J\xe9r\xf4me <jerome@corpus.example>"], "Body.\n")
    add("eight_bit_message_id", [_subject("8-bit id")], "Body.\n", message_id=b"<id-\xe9\xe8-043@corpus.example>")
    add("eight_bit_header_name", [_subject("8-bit name"), b"X-Ent\xeate: valeur"], "Body.\n")
    add("overlong_utf8", [b"Subject: overlong \xc0\xaf \xe0\x80\xaf"], "Body.\n")
    add("lone_surrogate_bytes", [b"Subject: surrogate \xed\xa0\x80 here"], "Body.\n")
    add("cp1252_quotes_subject", [b"Subject: \x93Devis\x94 \x96 urgent"], "Body.\n")


def nul_bytes(add):
    add("nul_subject_and_body", [b"Subject: Devis\x00chaises"], b"Bonjour\x00, 40 chaises.\n\x00\x00")
    add("nul_body_only", [_subject("NUL body")], b"\x00" * 64)
    add("nul_in_from", [_subject("NUL from")], "Body.\n", sender=b"Cl\x00aire <cl\x00aire@corpus.example>")
    add("nul_in_message_id", [_subject("NUL id")], "Body.\n", message_id=b"<nul\x00id-052@corpus.example>")
    add("nul_in_header_name", [_subject("NUL header name"), b"X-Nu\x00ll: yes"], "Body.\n")
    add("nul_in_html", [_subject("NUL html")], b"<p>Hello\x00 world</p>", ctype="text/html; charset=utf-8")
    add("nul_in_attachment_name", [_subject("NUL filename"), b"MIME-Version: 1.0"],
        b"--b\r\nContent-Type: text/plain\r\n\r\nSee file.\r\n--b\r\nContent-Type: application/pdf; "
        b"name=\"de\x00vis.pdf\"\r\nContent-Disposition: attachment; filename=\"de\x00vis.pdf\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
        ctype='multipart/mixed; boundary="b"')
    add("nul_in_qp_decoded", [_subject("NUL QP"), b"Content-Transfer-Encoding: quoted-printable"],
        b"Bonjour=00 le monde=00\r\n")
    add("nul_in_base64_decoded", [_subject("NUL b64"), b"Content-Transfer-Encoding: base64"],
        base64.encodebytes(b"Text\x00with\x00nul\n"))


def broken_mime(add):
    add("multipart_no_boundary", [_subject("No boundary"), "MIME-Version: 1.0"], "Just text, 12 tables.\n",
        ctype="multipart/mixed")
    add("boundary_never_closed", [_subject("Unclosed")], "--x\r\nContent-Type: text/plain\r\n\r\nOpen part\r\n",
        ctype='multipart/mixed; boundary="x"')
    add("wrong_boundary", [_subject("Wrong boundary")], "--y\r\nContent-Type: text/plain\r\n\r\nOther\r\n--y--\r\n",
        ctype='multipart/mixed; boundary="x"')
    add("multipart_empty", [_subject("Empty multipart")], "", ctype='multipart/mixed; boundary="x"')
    add("bad_base64", [_subject("Bad base64"), "Content-Transfer-Encoding: base64"], "!!!not base64 at all***\n")
    add("bad_quoted_printable", [_subject("Bad QP"), "Content-Transfer-Encoding: quoted-printable"],
        "Broken =ZZ soft break =\r\n=4")
    add("garbage_content_type", [_subject("Garbage type")], "Body.\n", ctype=";;;/=\"")
    add("unknown_transfer_encoding", [_subject("x-uuencode"), "Content-Transfer-Encoding: x-magic"], "Body.\n")
    add("no_header_body_separator", [_subject("No separator")], b"", ctype="text/plain\r\nBody right after headers")
    add("headers_only", [_subject("Headers only")], b"", ctype=None)
    add("header_without_colon", [_subject("No colon"), "This line has no colon", "Another bad line"], "Body.\n")
    add("continuation_first", [b" continued first line", _subject("Continuation first")], "Body.\n")
    add("duplicate_content_type", [_subject("Two types"), "Content-Type: text/html"], "<b>Body</b>\n")
    add("boundary_in_body_text", [_subject("Boundary text")],
        "--b\r\nContent-Type: text/plain\r\n\r\nLine --b inside\r\n--b\r\n--b--\r\n",
        ctype='multipart/alternative; boundary="b"')
    add("parts_without_headers", [_subject("Bare parts")], "--b\r\n\r\nbare one\r\n--b\r\n\r\nbare two\r\n--b--\r\n",
        ctype='multipart/mixed; boundary="b"')


def nested(add):
    def nest(depth, leaf="Deep text, 7 chairs.\r\n"):
        body = "Content-Type: text/plain\r\n\r\n" + leaf
        for level in range(depth):
            body = ('Content-Type: multipart/mixed; boundary="n%d"\r\n\r\n--n%d\r\n%s\r\n--n%d--\r\n'
                    % (level, level, body, level))
        return body
    for depth in (10, 60, 300):
        inner = nest(depth)
        head, _sep, body = inner.partition("\r\n\r\n")
        add("nested_multipart_%d" % depth, [_subject("Nested %d" % depth)], body, ctype=head[len("Content-Type: "):])
    rfc = "From: inner@corpus.example\r\nSubject: level 0\r\n\r\nInner text\r\n"
    for level in range(25):
        rfc = ("From: inner%d@corpus.example\r\nSubject: level %d\r\nContent-Type: message/rfc822\r\n\r\n%s"
               % (level, level + 1, rfc))
    head, _sep, body = rfc.partition("\r\n\r\n")
    add("nested_rfc822_25", [_subject("Forwarded 25 times")], rfc, ctype="message/rfc822")
    add("rfc822_truncated", [_subject("Truncated forward")], "From: x@corpus.example\r\nSubj", ctype="message/rfc822")


def huge_headers(add):
    add("one_header_100k", [_subject("Long header"), "X-Long: " + "a" * 100000], "Body.\n")
    add("received_3000", ["Received: from relay%d.corpus.example by mx.example.com" % i for i in range(3000)]
        + [_subject("Many hops")], "Body.\n")
    add("subject_20k", [_subject("Devis " * 3400)], "Body.\n")
    add("references_2000", [_subject("Re: long thread"),
                            "References: " + " ".join("<r%d@corpus.example>" % i for i in range(2000))], "Body.\n")
    add("to_3000_recipients", [_subject("Everyone"),
                               "Cc: " + ", ".join("p%d@corpus.example" % i for i in range(3000))], "Body.\n")
    add("folded_10000_lines", [_subject("Folded"), "X-Folded: start\r\n" + "\r\n".join(" part%d" % i
                                                                                       for i in range(10000))],
        "Body.\n")
    add("message_id_1000", [_subject("Long id")], "Body.\n",
        message_id=("<%s-089@corpus.example>" % ("m" * 1000)).encode())


def tnef(add):
    winmail = base64.encodebytes(b"\x78\x9f\x3e\x22" + bytes(range(256)) * 4).decode()
    for index, (name, text) in enumerate((("winmail_dat", "See attachment."), ("winmail_only", None),
                                          ("tnef_content_type", "TNEF type."))):
        ctype = "application/ms-tnef" if index != 2 else "application/vnd.ms-tnef"
        parts = []
        if text:
            parts.append("--t\r\nContent-Type: text/plain\r\n\r\n%s\r\n" % text)
        parts.append('--t\r\nContent-Type: %s; name="winmail.dat"\r\nContent-Disposition: attachment; '
                     'filename="winmail.dat"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s' % (ctype, winmail))
        add(name, [_subject("Outlook %s" % name), "MIME-Version: 1.0"], "".join(parts) + "--t--\r\n",
            ctype='multipart/mixed; boundary="t"')


def calendar(add):
    def ics(method, uid):
        return ("BEGIN:VCALENDAR\r\nMETHOD:%s\r\nPRODID:-//Corpus//EN\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
                "UID:%s\r\nDTSTART:20261202T090000Z\r\nDTEND:20261202T100000Z\r\nSUMMARY:Demo\r\n"
                "ORGANIZER:mailto:boss@corpus.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" % (method, uid))
    for method in ("REQUEST", "REPLY", "CANCEL"):
        add("calendar_%s" % method.lower(), [_subject("Invitation: Demo (%s)" % method)],
            ics(method, "u-%s" % method), ctype="text/calendar; method=%s; charset=utf-8" % method)
    add("calendar_outlook_alternative", [_subject("Meeting about the order"), "MIME-Version: 1.0"],
        "--c\r\nContent-Type: text/plain\r\n\r\nLet us meet.\r\n--c\r\nContent-Type: text/html\r\n\r\n"
        "<p>Let us meet.</p>\r\n--c\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n%s--c--\r\n"
        % ics("REQUEST", "u-alt"), ctype='multipart/alternative; boundary="c"')
    add("calendar_ics_attachment", [_subject("Invite attached"), "MIME-Version: 1.0"],
        "--c\r\nContent-Type: text/plain\r\n\r\nInvite attached.\r\n--c\r\nContent-Type: application/ics; "
        "name=\"invite.ics\"\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\n\r\n%s--c--\r\n"
        % ics("REQUEST", "u-att"), ctype='multipart/mixed; boundary="c"')


def smime(add):
    sig = base64.encodebytes(bytes(range(256)) * 3).decode()
    add("smime_signed", [_subject("Signed order"), "MIME-Version: 1.0"],
        "--s\r\nContent-Type: text/plain\r\n\r\nWe order 5 desks.\r\n--s\r\nContent-Type: "
        "application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=smime.p7s\r\n\r\n%s--s--\r\n" % sig,
        ctype='multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="s"')
    add("smime_enveloped", [_subject("Encrypted"), "MIME-Version: 1.0", "Content-Transfer-Encoding: base64",
                            'Content-Disposition: attachment; filename="smime.p7m"'], sig,
        ctype='application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"')
    add("smime_opaque_signed", [_subject("Opaque signed"), "Content-Transfer-Encoding: base64"], sig,
        ctype='application/x-pkcs7-mime; smime-type=signed-data; name="smime.p7m"')
    add("pgp_encrypted", [_subject("PGP"), "MIME-Version: 1.0"],
        "--p\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--p\r\nContent-Type: "
        "application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\nhQEMA\r\n"
        "-----END PGP MESSAGE-----\r\n--p--\r\n",
        ctype='multipart/encrypted; protocol="application/pgp-encrypted"; boundary="p"')
    add("pgp_inline_signed", [_subject("PGP inline")],
        "-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\n\r\nWe order 3 lamps.\r\n"
        "-----BEGIN PGP SIGNATURE-----\r\niQEz\r\n-----END PGP SIGNATURE-----\r\n")


def dsns(add):
    def report(index_name, sender, subject, text, status="5.1.1", extra=()):
        body = ("--r\r\nContent-Type: text/plain\r\n\r\n%s\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\n"
                "Reporting-MTA: dns; mx.corpus.example\r\n\r\nFinal-Recipient: rfc822; gone@corpus.example\r\n"
                "Action: failed\r\nStatus: %s\r\n\r\n--r\r\nContent-Type: text/rfc822-headers\r\n\r\n"
                "From: sales@example.com\r\nSubject: Our offer\r\n\r\n--r--\r\n" % (text, status))
        add(index_name, [_subject(subject), "MIME-Version: 1.0"] + list(extra), body, sender=sender.encode(),
            ctype='multipart/report; report-type=delivery-status; boundary="r"')
    report("dsn_postfix", "MAILER-DAEMON@mx.corpus.example (Mail Delivery System)",
           "Undelivered Mail Returned to Sender", "This is the mail system at host mx.corpus.example.")
    report("dsn_exim", "Mail Delivery System <Mailer-Daemon@exim.corpus.example>",
           "Mail delivery failed: returning message to sender", "This message was created automatically by mail "
           "delivery software.", extra=["X-Failed-Recipients: gone@corpus.example", "Auto-Submitted: auto-replied"])
    report("dsn_sendmail", "Mail Delivery Subsystem <MAILER-DAEMON@sm.corpus.example>",
           "Returned mail: see transcript for details", "The original message was received at ...")
    report("dsn_exchange", "Microsoft Outlook <postmaster@corp.corpus.example>", "Undeliverable: Our offer",
           "Delivery has failed to these recipients or groups.", extra=["X-MS-Exchange-Message-Is-Ndr:"])
    report("dsn_gmail", "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
           "Delivery Status Notification (Failure)", "Address not found", extra=["Auto-Submitted: auto-replied"])
    report("dsn_delay", "MAILER-DAEMON@mx2.corpus.example", "Delayed Mail (still being retried)",
           "This is a warning only.", status="4.4.1")
    report("dsn_ses", "MAILER-DAEMON@amazonses.com", "Delivery Status Notification (Failure)",
           "An error occurred while trying to deliver the mail.")
    add("dsn_qmail", [_subject("failure notice")],
        "Hi. This is the qmail-send program at mx.corpus.example.\r\nI'm afraid I wasn't able to deliver your "
        "message to the following addresses.\r\n<gone@corpus.example>:\r\nSorry, no mailbox here by that name.\r\n",
        sender=b"MAILER-DAEMON@qmail.corpus.example")
    add("dsn_null_return_path", ["Return-Path: <>", _subject("Delivery failure")],
        "Your message could not be delivered.\r\n", sender=b"Delivery <robot@relay.corpus.example>")
    add("mdn_read_receipt", [_subject("Read: Our offer"), "MIME-Version: 1.0"],
        "--m\r\nContent-Type: text/plain\r\n\r\nYour message was read.\r\n--m\r\nContent-Type: "
        "message/disposition-notification\r\n\r\nFinal-Recipient: rfc822; c@corpus.example\r\nDisposition: "
        "manual-action/MDN-sent-manually; displayed\r\n--m--\r\n",
        ctype='multipart/report; report-type=disposition-notification; boundary="m"')
    add("dsn_inside_mixed", [_subject("Returned mail"), "MIME-Version: 1.0"],
        "--q\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--q\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Status: 5.0.0\r\n--q--\r\n", ctype='multipart/mixed; boundary="q"',
        sender=b"Relay <relay@corpus.example>")


def auto_replies(add):
    add("outlook_oof", [_subject("Automatic reply: Our offer"), "Auto-Submitted: auto-replied",
                        "X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: c@corpus.example"],
        "I am out of the office until Monday.\r\n")
    add("outlook_oof_old", [_subject("Out of Office: Our offer"), "X-Auto-Response-Suppress: OOF"],
        "Away.\r\n")
    add("outlook_fr", [_subject("Réponse automatique : Notre offre"), "X-Auto-Response-Suppress: DR, RN, NRN"],
        "Je suis absent.\r\n")
    add("gmail_vacation", [_subject("Re: Our offer"), "Auto-Submitted: auto-replied", "Precedence: bulk"],
        "Thanks, I am on vacation.\r\n")
    add("thunderbird_sieve", [_subject("Absent: Our offer"), "Auto-Submitted: auto-replied (vacation)"],
        "Away until the 4th.\r\n")
    add("apple_icloud", [_subject("Re: Our offer"), "Auto-Submitted: auto-generated", "Precedence: auto_reply"],
        "Auto reply.\r\n")
    add("zimbra", [_subject("Out of office"), "Auto-Submitted: auto-replied (zimbra; vacation)"], "Away.\r\n")
    add("yahoo", [_subject("Auto-Reply: Our offer"), "X-Autoreply: yes", "X-Autorespond: Our offer"],
        "Away.\r\n")
    add("german_abwesenheit", [_subject("Abwesenheitsnotiz: Angebot"), "Auto-Submitted: auto-replied"],
        "Ich bin nicht im Büro.\r\n")
    add("procmail_loop", [_subject("Re: Our offer"), "X-Loop: c@corpus.example"], "Vacation.\r\n")
    add("ticket_system_ack", [_subject("[#4242] Request received"), "Auto-Submitted: auto-generated",
                              "X-Loop: helpdesk@corpus.example"], "Your ticket was created.\r\n")
    add("precedence_junk", [_subject("Great deals"), "Precedence: junk"], "Buy now.\r\n")
    add("newsletter_list", [_subject("Our monthly news"), "List-Id: News <news.letters.corpus.example>",
                            "List-Unsubscribe: <mailto:unsub@letters.corpus.example>"], "News.\r\n")
    add("list_unsubscribe_only", [_subject("Promotions"), "List-Unsubscribe: <https://corpus.example/u>"],
        "Deals.\r\n")


def genuine_lookalikes(add):
    """Real requests that look automatic at first sight: none of them is an auto-reply or bulk."""
    add("subject_absence_de_livraison", [_subject("Absence de livraison de la commande 1234")],
        "Bonjour, la commande n'est jamais arrivée.\r\n")
    add("subject_out_of_office_chairs", [_subject("Out of office chairs: quote please")],
        "We need 30 office chairs.\r\n")
    add("auto_submitted_no", [_subject("Request"), "Auto-Submitted: no"], "A real request.\r\n")
    add("outlook_ordinary_suppress", [_subject("Our order"), "X-Auto-Response-Suppress: DR, RN, NRN, OOF"],
        "Please confirm the order.\r\n")
    add("website_form_noreply", [_subject("New contact form submission"),
                                 "Reply-To: visitor@corpus.example"],
        "Name: Visitor\r\nEmail: visitor@corpus.example\r\nPhone: 0612345678\r\nMessage: Three ovens.\r\n",
        sender=b"Website <noreply@example.com>")
    add("own_google_group", [_subject("Quote for 12 desks"), "List-Id: <sales.example.com>", "Precedence: list",
                             "List-Unsubscribe: <mailto:sales+unsubscribe@example.com>",
                             "Mailing-list: list sales@example.com"], "We need 12 desks.\r\n")
    add("x_autoreply_no", [_subject("Question"), "X-Autoreply: no"], "Real question.\r\n")


def odd_identity(add):
    add("no_message_id", [_subject("No Message-Id, token 131")], "Unique body 131.\r\n", message_id=False)
    add("two_message_ids", [_subject("Two ids"), "Message-Id: <second-132@corpus.example>"], "Body.\r\n")
    add("message_id_garbage", [_subject("Garbage id")], "Body 133.\r\n", message_id=b"not an id at all 133")
    add("message_id_spaces", [_subject("Spaced id")], "Body.\r\n", message_id=b"< spaced-134 @corpus.example >")
    add("from_missing", [_subject("No sender")], "Anonymous request 135.\r\n", sender=False)
    add("from_group_syntax", [_subject("Group from")], "Body.\r\n", sender=b"Team: a@corpus.example, b@corpus.example;")
    add("from_idn", [_subject("IDN")], "Body.\r\n", sender="Ölfabrik <info@ölfabrik.example>".encode("utf-8"))
    add("emoji_subject", [_subject("=?utf-8?B?%s?=" % base64.b64encode("Devis 🚀🪑".encode()).decode())],
        "Body 🚀.\r\n")
    add("rtl_subject", [_subject("=?utf-8?B?%s?=" % base64.b64encode("طلب عرض سعر".encode()).decode())],
        "Body.\r\n")
    add("lf_only_line_endings", [_subject("LF only")], "Line one\nLine two\n", eol=b"\n")
    add("cr_only_line_endings", [_subject("CR only")], "Line one\rLine two\r", eol=b"\r")
    add("mixed_line_endings", [_subject("Mixed")], "One\r\nTwo\nThree\rFour\r\n")
    add("bare_from_line_mbox", [b"From c@corpus.example Sat Nov 28 10:00:00 2026", _subject("mbox From line")],
        "Body.\r\n")


def garbage(add, raw_add):
    rng = random.Random(21)
    for index in range(4):
        raw_add("random_bytes_%d" % index, bytes(rng.getrandbits(8) for _i in range(2048)))
    raw_add("whitespace_only", b" \r\n\t\r\n  \r\n")
    raw_add("json_document", b'{"subject": "not an e-mail", "token": 151}\n')
    raw_add("html_document", b"<!DOCTYPE html><html><body><h1>Not a mail 152</h1></body></html>\n")
    raw_add("pdf_blob", b"%PDF-1.4\n" + bytes(rng.getrandbits(8) for _i in range(1024)) + b"\n%%EOF\n")
    raw_add("single_line_no_eol", b"Subject: just one line 154")
    raw_add("binary_headers", b"\x01\x02: \x03\x04\r\nFrom: \x05\r\n\r\n\x06\x07 body 155\r\n")


def build():
    """[(file name, raw bytes)] of the whole corpus, in order."""
    corpus = []

    def add(name, headers, body, **options):
        index = len(corpus) + 1
        corpus.append(("%03d_%s.eml" % (index, name), _msg(index, headers, body, **options)))

    def raw_add(name, raw):
        corpus.append(("%03d_%s.eml" % (len(corpus) + 1, name), raw))

    for group in (lying_charsets, eight_bit_headers, nul_bytes, broken_mime, nested, huge_headers, tnef,
                  calendar, smime, dsns, auto_replies, genuine_lookalikes, odd_identity):
        group(add)
    garbage(add, raw_add)
    return corpus


def load():
    """[(file name, raw bytes)] of the committed corpus files."""
    return [(name, open(os.path.join(HERE, name), "rb").read()) for name in sorted(os.listdir(HERE))
            if name.endswith(".eml")]


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    for old in os.listdir(HERE):
        os.remove(os.path.join(HERE, old))
    for file_name, data in build():
        with open(os.path.join(HERE, file_name), "wb") as handle:
            handle.write(data)
    sys.stdout.write("%d messages written to %s\n" % (len(os.listdir(HERE)), HERE))
