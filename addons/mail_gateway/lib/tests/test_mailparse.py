"""The parser against a corpus of awkward real-world mail (lib/tests/corpus)."""
import base64
import os

import pytest

from .. import mailparse

CORPUS = os.path.join(os.path.dirname(__file__), "corpus")


def load(name):
    with open(os.path.join(CORPUS, name), "rb") as handle:
        return handle.read()


def parsed(name):
    return mailparse.parse_bytes(load(name))


def huge_message(mib=5):
    data = base64.encodebytes(os.urandom(mib * 1024 * 1024)).decode()
    return ("From: Kim <kim@big.example>\nTo: sales@example.com\nSubject: Plans\nMessage-Id: <huge-1@big.example>\n"
            "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\n"
            "The plans are attached.\n--B\nContent-Type: application/octet-stream; name=\"plans.bin\"\n"
            "Content-Disposition: attachment; filename=\"plans.bin\"\nContent-Transfer-Encoding: base64\n\n"
            "%s--B--\n" % data).encode()


@pytest.mark.parametrize("name", sorted(os.listdir(CORPUS)))
def test_every_corpus_message_parses_without_error(name):
    msg = parsed(name)
    assert isinstance(mailparse.text_body(msg), str)
    assert isinstance(mailparse.sender(msg), tuple)
    assert mailparse.message_key(load(name), msg)
    mailparse.classify(msg)
    mailparse.split_reply(mailparse.text_body(msg))


def test_signature_fills_name_job_company_and_phone():
    body, signature = mailparse.split_reply(mailparse.text_body(parsed("plain_signature.eml")))
    assert "40 chaises" in body
    assert "Atelier Durand" not in body
    facts = mailparse.parse_signature(signature)
    assert facts == {"name": "Claire Martin", "function": "Responsable achats",
                     "company": "Atelier Durand SARL", "phone": "+33 1 23 45 67 89"}


def test_quoted_reply_and_dash_signature_are_stripped():
    body, signature = mailparse.split_reply(mailparse.text_body(parsed("reply_quoted.eml")))
    assert body == "Yes, please go ahead with the order."
    assert mailparse.parse_signature(signature) == {"name": "Bob Buyer", "function": "Purchasing Manager"}


def test_subject_reference():
    assert mailparse.subject_reference("Re: Your quotation [SO012]") == "SO012"
    assert mailparse.subject_reference("Re: lead [#42] follow-up") == "#42"
    assert mailparse.subject_reference("Order ref: INV-2026") == "INV-2026"
    assert mailparse.subject_reference("Hello [draft]") == ""
    assert mailparse.subject_reference("Re: [Test/001]") == "Test/001"


def test_form_notification_fills_fields():
    values = mailparse.parse_form(mailparse.text_body(parsed("form_notification.eml")))
    assert values == {"contact_name": "Jean Dupont", "email_from": "jean.dupont@boulangerie.fr",
                      "phone": "06 12 34 56 78", "partner_name": "Boulangerie Dupont", "function": "Gérant",
                      "description": "We need three ovens.\nDelivery before spring."}


def test_an_ordinary_mail_with_one_colon_line_is_no_form():
    assert mailparse.parse_form("Hello,\nNote: call me tomorrow.\nThanks") == {}


def test_html_only_mail_gets_clean_text():
    text = mailparse.text_body(parsed("html_only.eml"))
    assert text == "Bonjour,\n\nPouvez-vous m'envoyer le catalogue ? Merci d'avance, Anna\n\nCafé Anna"
    assert "alert" not in text and "color" not in text


@pytest.mark.parametrize("name,reason", [
    ("auto_reply.eml", "auto_reply"), ("x_autoreply.eml", "auto_reply"), ("bulk.eml", "bulk"),
    ("bounce_dsn.eml", "bounce"), ("plain_signature.eml", None), ("reply_quoted.eml", None),
    ("form_notification.eml", None), ("nested_rfc822.eml", None),
])
def test_classification(name, reason):
    assert mailparse.classify(parsed(name)) == reason


def test_broken_boundary_keeps_the_text():
    assert "12 tables" in mailparse.text_body(parsed("broken_boundary.eml"))


def test_unknown_and_wrong_charsets_fall_back():
    assert "Café crème" in mailparse.text_body(parsed("unknown_charset.eml"))
    assert "Café crème en latin-1" in mailparse.text_body(parsed("wrong_charset.eml"))


def test_eight_bit_headers_are_decoded():
    msg = parsed("eight_bit_headers.eml")
    assert mailparse.sender(msg) == ("François Léger", "francois@leger.example")
    assert mailparse.header(msg, "Subject") == "Pièces détachées"


def test_missing_from_gives_empty_sender():
    assert mailparse.sender(parsed("missing_from.eml")) == ("", "")


def test_nested_message_keeps_outer_text():
    assert mailparse.text_body(parsed("nested_rfc822.eml")) == "See below, a friend wants a quote."


def test_empty_body():
    msg = parsed("empty_body.eml")
    assert mailparse.text_body(msg) == ""
    assert mailparse.split_reply("") == ("", "")


def test_winmail_dat_is_an_attachment_not_the_body():
    assert mailparse.text_body(parsed("winmail_dat.eml")) == "Order attached."


def test_huge_attachment_is_not_read_as_text():
    raw = huge_message()
    msg = mailparse.parse_bytes(raw)
    assert mailparse.text_body(msg) == "The plans are attached."
    assert mailparse.message_key(raw, msg) == "<huge-1@big.example>"


def test_fingerprint_is_stable_across_deliveries():
    first = mailparse.message_key(load("no_message_id.eml"))
    again = mailparse.message_key(load("no_message_id_redelivered.eml"))
    assert first.startswith("fc:") and first == again
    assert mailparse.message_key(load("no_message_id.eml").replace(b"call me", b"write me")) != first


def test_a_message_without_message_id_re_encoded_by_a_relay_keeps_its_key():
    """A relay turns the 8-bit body of a message without Message-Id into quoted-printable and
    refolds a header: the second delivery is the same message, its key is the same; another
    text is another key."""
    text = "Bonjour, rappelez-moi au sujet du devis n\u00b0 42 : d\u00e9lai, r\u00e9duction.\n"
    head = ("From: Zo\u00e9 <zoe@noid.example>\nTo: sales@example.com\nSubject: Devis sans identifiant\n"
            "Date: Mon, 2 Nov 2026 10:00:00 +0100\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\n")
    eight_bit = (head + "Content-Transfer-Encoding: 8bit\n\n" + text).encode("utf-8")
    import quopri
    relayed = ("Received: from relay by mx; Mon, 2 Nov 2026 10:00:05 +0100\n"
               + head.replace("Subject: Devis", "Subject:\n Devis")
               + "Content-Transfer-Encoding: quoted-printable\n\n").encode("utf-8") \
        + quopri.encodestring(text.encode("utf-8")).replace(b"\n", b"\r\n")
    assert relayed != eight_bit
    first = mailparse.message_key(eight_bit)
    assert first.startswith("fc:") and mailparse.message_key(relayed) == first
    assert mailparse.message_key(eight_bit.replace(b"42", b"43")) != first
    # the key of a message stored before content keys is still computed, for the lookup
    assert mailparse.legacy_key(eight_bit).startswith("fp:")


def test_message_id_is_the_key_and_references_are_read():
    msg = parsed("reply_quoted.eml")
    assert mailparse.message_key(load("reply_quoted.eml")) == "<reply-1@client.example>"
    assert mailparse.references(msg) == ["<unknown-parent@example.com>"]


def test_rules_recipient_domain_keywords():
    rules = [
        {"id": 1, "recipient": "export@example.com"},
        {"id": 2, "sender_domain": "bigcorp.example", "keywords": "tender, rfp"},
        {"id": 3, "keywords": "devis"},
    ]
    assert mailparse.match_rule(rules, ["export@example.com"], "a@b.example", "")["id"] == 1
    assert mailparse.match_rule(rules, ["sales@example.com"], "x@eu.bigcorp.example", "New RFP")["id"] == 2
    assert mailparse.match_rule(rules, ["sales@example.com"], "x@bigcorp.example", "Hello") is None
    assert mailparse.match_rule(rules, ["sales@example.com"], "x@y.example", "Un devis svp")["id"] == 3


def test_allow_list():
    assert mailparse.in_allow_list("robot@partner.example", "partner.example, a@b.example")
    assert mailparse.in_allow_list("a@b.example", "partner.example\na@b.example")
    assert not mailparse.in_allow_list("c@b.example", "partner.example, a@b.example")
    assert not mailparse.in_allow_list("", "partner.example")


HOSTILE = os.path.join(os.path.dirname(__file__), "hostile")


@pytest.mark.parametrize("name", sorted(os.listdir(HOSTILE)))
def test_hostile_corpus_never_breaks_the_parser(name):
    with open(os.path.join(HOSTILE, name), "rb") as handle:
        raw = handle.read()
    msg = mailparse.parse_bytes(mailparse.processable(raw))
    assert b"\x00" not in mailparse.processable(raw)
    key = mailparse.storable(mailparse.message_key(raw, msg))
    assert key and "\x00" not in key
    for value in (mailparse.header(msg, "Subject"), mailparse.sender(msg)[1], ", ".join(mailparse.recipients(msg))):
        cleaned = mailparse.storable(value, 512)
        cleaned.encode("utf-8")  # PostgreSQL takes it
        assert "\x00" not in cleaned
    mailparse.classify_detail(msg)


def test_hostile_corpus_is_large_and_regenerated_identically():
    from . import hostile_corpus
    assert len(os.listdir(HOSTILE)) >= 100
    assert hostile_corpus.load() == hostile_corpus.build()


def test_storable_text():
    assert mailparse.storable("a\x00b\udcff") == "ab\ufffd"
    assert mailparse.storable("x" * 10, 4) == "xxxx"
    assert mailparse.storable(None) == ""


def _mail(headers, subject="Quote", sender="bob@client.example"):
    lines = ["From: %s" % sender, "To: sales@example.com", "Subject: %s" % subject]
    lines += ["%s: %s" % item for item in headers.items()]
    return mailparse.parse_bytes(("\r\n".join(lines) + "\r\n\r\nBody\r\n").encode())


@pytest.mark.parametrize("headers,subject,expected", [
    ({"Auto-Submitted": "auto-replied"}, "Quote", ("auto_reply", "Auto-Submitted")),
    ({"Auto-Submitted": "no"}, "Quote", None),
    ({"Return-Path": "<>"}, "Quote", ("auto_reply", "Return-Path")),
    ({"Return-Path": "<bob@client.example>"}, "Quote", None),
    ({"X-Loop": "robot@x.example"}, "Quote", ("loop", "X-Loop")),
    ({"Precedence": "auto_reply"}, "Quote", ("auto_reply", "Precedence")),
    ({"Precedence": "junk"}, "Quote", ("bulk", "Precedence")),
    ({"Precedence": "list", "List-Id": "<sales.example.com>"}, "Quote", None),
    ({"Precedence": "list", "List-Id": "<news.example.com>"}, "Quote", ("bulk", "Precedence")),
    ({"List-Id": "Sales <sales.example.com>", "List-Unsubscribe": "<mailto:u@example.com>"}, "Quote", None),
    ({"List-Unsubscribe": "<mailto:u@example.com>"}, "Quote", ("bulk", "List-Unsubscribe")),
    ({}, "Absence de livraison", None),
    ({}, "Out of office: back Monday", None),
    ({"X-Auto-Response-Suppress": "DR, RN"}, "Out of office: back Monday", ("auto_reply", "subject")),
    ({"X-Failed-Recipients": "x@y.example"}, "Undeliverable: offer", ("bounce", "subject")),
    ({"X-Auto-Response-Suppress": "DR, RN, NRN, OOF"}, "Our order", None),
])
def test_classification_signals(headers, subject, expected):
    decision = mailparse.classify_detail(_mail(headers, subject), own_lists={"sales.example.com"})
    assert (decision[:2] if decision else None) == expected


def test_own_list_ids():
    assert mailparse.own_list_ids(["Sales@Example.com", "bad"]) == {"sales.example.com"}


REQUEST = ("From: Claire <claire@durand.example>\nTo: sales@example.com\nSubject: Devis\n"
           "Message-Id: <d1@durand.example>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n"
           "--B\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
           "40 chaises à 120 € pièce.\n--B\nContent-Type: application/pdf; name=\"plan.pdf\"\n"
           "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJcfs\n--B--\n")


def test_content_fingerprint_ignores_relays_and_re_encoding():
    import quopri
    raw = REQUEST.encode()
    text = "40 chaises à 120 € pièce.\n".encode()
    relayed = (b"Received: from relay2 by mx\r\nReturn-Path: <claire@durand.example>\r\nDelivered-To: s@x\r\n"
               b"X-Original-To: sales@example.com\r\nDKIM-Signature: v=1; a=rsa-sha256\r\nX-Spam-Score: 0.1\r\n"
               + raw.replace(b"Content-Transfer-Encoding: 8bit", b"Content-Transfer-Encoding: quoted-printable")
               .replace(text, quopri.encodestring(text))
               .replace(b"Content-Type: text/plain; charset=utf-8", b"Content-Type: text/plain;\n  charset=utf-8")
               .replace(b"\n", b"\r\n"))
    # dovecot hands a stored NUL back as 0x80: both left out
    assert mailparse.content_fingerprint(raw) == mailparse.content_fingerprint(relayed)
    assert mailparse.content_fingerprint(raw.replace(b"Devis", b"De\x00vis")) == \
        mailparse.content_fingerprint(raw.replace(b"Devis", b"De\x80vis"))


@pytest.mark.parametrize("change", [(b"40 chaises", b"400 chaises"), (b"Subject: Devis", b"Subject: Annulation"),
                                    (b"JVBERi0xLjQKJcfs", b"JVBERi0xLjQKJcfz"), (b"plan.pdf", b"virus.exe"),
                                    (b"From: Claire", b"From: Mallory")])
def test_content_fingerprint_tells_another_content_apart(change):
    raw = REQUEST.encode()
    assert mailparse.content_fingerprint(raw) != mailparse.content_fingerprint(raw.replace(*change))


def test_content_fingerprint_of_garbage_and_reused_message_id():
    assert len(mailparse.content_fingerprint(b"\xff\xfe\x00garbage")) == 64
    assert mailparse.content_fingerprint(b"") == mailparse.content_fingerprint(None)
    assert mailparse.reused_message_id("<d1@durand.example>", "ab" * 32) == \
        "<d1.reused-abababababababab@durand.example>"
    assert mailparse.reused_message_id("<no-at-sign>", "cd" * 32) == \
        "<no-at-sign.reused-cdcdcdcdcdcdcdcd@mail-gateway>"


def test_content_fingerprint_of_a_multipart_without_boundary_ignores_line_ends():
    raw = b"From: c@x.example\nMessage-Id: <nb@x.example>\nContent-Type: multipart/mixed\n\nJust text, 12 tables.\n"
    # an IMAP server hands it back with CRLF line ends
    assert mailparse.content_fingerprint(raw) == mailparse.content_fingerprint(raw.replace(b"\n", b"\r\n"))


@pytest.mark.parametrize("path", [os.path.join(CORPUS, name) for name in sorted(os.listdir(CORPUS))] +
                         [os.path.join(HOSTILE, name) for name in sorted(os.listdir(HOSTILE))])
def test_one_parse_serves_the_fingerprint_and_the_processing(path):
    # Given any message of both corpora, parsed once when it is stored
    with open(path, "rb") as handle:
        raw = handle.read()
    shared = mailparse.parse_shared(raw)
    if b"\x80" in raw.replace(b"\x00", b""):
        # the fingerprint drops 0x80 bytes, the processing keeps them: two parses
        assert shared is None
        return
    # then its fingerprint and key are those of two separate parses
    content = mailparse.content_fingerprint(raw)
    assert mailparse.content_fingerprint(raw, shared) == content
    alone = mailparse.parse_bytes(mailparse.processable(raw))
    assert mailparse.message_key(raw, shared, content) == mailparse.message_key(raw, alone)
    # and the processing reads from it what it reads from a parse of its own
    for read in (mailparse.sender, mailparse.recipients, mailparse.text_body, mailparse.classify_detail):
        assert read(shared) == read(alone), read.__name__
