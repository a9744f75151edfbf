"""Robust parsing of inbound e-mail, without Odoo.

Everything here accepts the mail that real servers deliver: broken multipart
boundaries, wrong or unknown charsets, 8-bit headers, missing From, nested
message/rfc822 parts, empty bodies. No function raises on bad input: the worst
case is an empty value.
"""
import codecs
import email
import email.errors
import email.header
import email.utils
import hashlib
import html
import re

# Headers added or changed by the transport, left out of the fingerprint.
_TRANSPORT_HEADERS = {"received", "return-path", "delivered-to", "x-original-to", "envelope-to",
                      "dkim-signature", "authentication-results", "x-spam-status", "x-spam-score"}

_MSGID_RE = re.compile(r"<[^<>\s]+>")


def parse_bytes(raw):
    """Return an ``email.message.Message`` from raw bytes (or text)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    return email.message_from_bytes(raw or b"")


def _charset(name):
    """A codec name Python knows, ``None`` when unknown."""
    if not name:
        return None
    name = name.strip().strip('"').lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data, charset=None):
    """Decode bytes with the announced charset, then utf-8, then latin-1 (never fails)."""
    if isinstance(data, str):
        return data
    for candidate in (_charset(charset), "utf-8"):
        if candidate:
            try:
                return data.decode(candidate)
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("latin-1")


def decode_header(value):
    """Decode an RFC 2047 header value, tolerating 8-bit bytes and unknown charsets; the
    text is storable: NUL characters an encoded word decodes to (``=00``, utf-16) dropped."""
    return storable(_decode_header(value))


def _decode_header(value):
    if value is None:
        return ""
    if isinstance(value, email.header.Header):
        # 8-bit header (charset unknown-8bit)
        parts = email.header.decode_header(value)
        return " ".join("".join(decode_bytes(c, cs) if isinstance(c, bytes) else c for c, cs in parts).split())
    value = str(value)
    if any("\udc80" <= c <= "\udcff" for c in value):
        # 8-bit header bytes kept as surrogates by the parser
        value = decode_bytes(value.encode("ascii", "surrogateescape"))
    try:
        parts = email.header.decode_header(value)
    except (email.errors.HeaderParseError, ValueError):
        return " ".join(value.split())
    chunks = []
    for chunk, charset in parts:
        chunks.append(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk)
    text = "".join(chunks) if len(parts) > 1 else (chunks[0] if chunks else "")
    return " ".join(text.split())


def scrub_headers(msg):
    """Replace, in the parsed message (never the raw source), every header whose decoded text
    holds NUL characters by its decoded text without them: Odoo's routing decodes the headers
    again and would hand the NUL to PostgreSQL."""
    for part in _safe_walk(msg):
        for name, value in list(part.items()):
            if "\x00" in _decode_header(value):
                part.replace_header(name, decode_header(value))
    return msg


def header(msg, name):
    return decode_header(msg.get(name))


def sender(msg):
    """Return ``(name, email)`` of the sender, ``("", "")`` when missing."""
    raw = header(msg, "From") or header(msg, "Sender") or header(msg, "Return-Path")
    name, addr = email.utils.parseaddr(raw)
    addr = (addr or "").strip().lower()
    if "@" not in addr:
        addr = ""
    return name.strip().strip('"'), addr


def recipients(msg):
    """All recipient addresses (Delivered-To, To, Cc, Resent-To), lower case."""
    values = [header(msg, h) for h in ("Delivered-To", "X-Original-To", "To", "Cc", "Resent-To")]
    return [a.lower() for _n, a in email.utils.getaddresses(values) if "@" in (a or "")]


def message_id(msg):
    """The normalised Message-Id (``<...>``) or ``""``."""
    found = _MSGID_RE.findall(header(msg, "Message-Id"))
    return found[0] if found else ""


def references(msg):
    """Message-Ids this message replies to (In-Reply-To first, then References)."""
    ids = _MSGID_RE.findall(header(msg, "In-Reply-To")) + _MSGID_RE.findall(header(msg, "References"))
    seen, result = set(), []
    for mid in ids:
        if mid not in seen:
            seen.add(mid)
            result.append(mid)
    return result


def fingerprint(raw):
    """A stable key for one message, the same for every delivery of it.

    Transport headers (Received, Delivered-To...) differ between deliveries and are
    left out; the other headers and the body are hashed.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    # IMAP servers hand a stored NUL back as 0x80 (dovecot) and lone LFs as CRLF: both
    # are left out, so that every way in gives one key
    raw = (raw or b"").replace(b"\x00", b"").replace(b"\x80", b"").replace(b"\r\n", b"\n")
    head, _sep, body = raw.partition(b"\n\n")
    kept, current = [], None
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and current is not None:
            current.append(line.strip())
            continue
        name = line.split(b":", 1)[0].strip().lower().decode("latin-1")
        current = None if name in _TRANSPORT_HEADERS else [line.strip()]
        if current is not None:
            kept.append(current)
    digest = hashlib.sha256()
    for item in sorted(b" ".join(c) for c in kept):
        digest.update(item + b"\n")
    digest.update(b"\n" + body.strip())
    return digest.hexdigest()


# Headers a relay, a filter or a mailbox adds or rewrites on its way (and the transfer
# encoding, which a relay may change: 8bit to quoted-printable): not part of the content.
_VOLATILE_HEADERS = _TRANSPORT_HEADERS | {
    "content-transfer-encoding", "content-length", "lines", "status", "x-status", "x-keywords", "x-uid",
    "x-uidl", "received-spf", "x-original-arrival-time", "x-envelope-from", "x-envelope-to", "resent-date"}
_VOLATILE_PREFIXES = ("x-spam", "x-virus", "arc-", "x-received", "x-ms-exchange-organization", "x-forwarded-",
                      "x-mozilla-", "x-google-", "x-gm-", "x-barracuda", "x-proofpoint", "x-mimecast")
_SPACES_RE = re.compile(rb"\s+")


def _volatile(name):
    name = (name or "").strip().lower()
    return name in _VOLATILE_HEADERS or name.startswith(_VOLATILE_PREFIXES)


def _fingerprint_bytes(value):
    """Bytes of a header value or a text part as every way in delivers them: NUL dropped
    (dovecot hands it back as 0x80, dropped too), lines and folds as single spaces."""
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogateescape")
    return _SPACES_RE.sub(b" ", value.replace(b"\x00", b"").replace(b"\x80", b"")).strip()


def content_fingerprint(raw, msg=None):
    """A fingerprint of what a message says, the same for every delivery of it.

    Unlike ``fingerprint`` (the key of a message without Message-Id), this one also
    holds when a relay re-encodes the body (8bit to quoted-printable or base64) or
    refolds the headers: the headers an author wrote (transport and filter headers
    left out) and the decoded content of every part are hashed, text with its line
    ends and runs of spaces made equal. Two messages under one Message-Id with
    different fingerprints are two messages.

    ``msg``: these bytes already parsed by ``parse_shared`` (not parsed again)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    raw = (raw or b"").replace(b"\x00", b"").replace(b"\x80", b"")
    try:
        msg = msg if msg is not None else email.message_from_bytes(raw)
        digest = hashlib.sha256(b"content-v1\n")
        for index, part in enumerate(msg.walk()):
            headers = sorted(b"%s: %s" % (name.strip().lower().encode("utf-8", "surrogateescape"),
                                          _fingerprint_bytes(value))
                             for name, value in part.raw_items() if not _volatile(name))
            digest.update(b"part %d\n" % index)
            for line in headers:
                digest.update(line + b"\n")
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            encoding = str(part.get("Content-Transfer-Encoding") or "").strip().lower()
            if part.get_content_maintype() in ("text", "message", "multipart") or encoding != "base64":
                # text, or bytes sent as they are (a multipart without boundary...): line ends and
                # NUL are what transports change; only base64 content is out of their reach
                payload = _fingerprint_bytes(payload)
            digest.update(b"\nbody %d\n" % len(payload))
            digest.update(payload)
        return digest.hexdigest()
    except Exception:  # pylint: disable=broad-except
        # beyond what the parser copes with: the bytes without their transport headers
        return fingerprint(raw)


def parse_shared(raw):
    """The message parsed once for both its content fingerprint and its processing, or ``None``
    when these two read different bytes: the fingerprint drops 0x80 bytes too (dovecot's NUL),
    the processing only NUL bytes (``processable``). Never raises (``None``)."""
    data = processable(raw)
    if b"\x80" in data:
        return None
    try:
        return parse_bytes(data)
    except Exception:  # pylint: disable=broad-except
        return None


def reused_message_id(message_id_value, content):
    """A Message-Id for a second message sent under an already known one (``content``: its
    fingerprint): the original with a mark, so that Odoo's chatter, which keeps one
    message per Message-Id, takes it too and a person still recognises the original."""
    value = (message_id_value or "").strip().strip("<>")
    local, sep, domain = value.rpartition("@")
    if not sep:
        local, domain = value, "mail-gateway"
    return "<%s.reused-%s@%s>" % (local, content[:16], domain)


_KEY_JUNK_RE = re.compile(r"[^\x21-\x7e]")


def message_key(raw, msg=None, content=None):
    """The deduplication key: the Message-Id, or ``fc:<sha256>`` of the message's content
    (``content_fingerprint``, or ``content`` when already computed) without one, so that a
    relay re-encoding the body (8bit to quoted-printable) or refolding the headers still
    delivers the same key.

    A Message-Id is ASCII (RFC 5322): other characters (8-bit bytes, NUL, which
    transports rewrite) are left out of the key, at most 900 characters are kept."""
    msg = msg if msg is not None else parse_bytes(raw)
    key = _KEY_JUNK_RE.sub("", message_id(msg))[:900]
    return key if len(key) > 2 else "fc:%s" % (content or content_fingerprint(raw))


def legacy_key(raw):
    """The key a message without Message-Id was stored under before content keys (a hash of its
    bytes without transport headers): looked up too, so that a re-delivery of a message
    stored then is still known."""
    return "fp:%s" % fingerprint(raw)


# --------------------------------------------------------------------------- storable text

_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def storable(value, limit=None):
    """Text PostgreSQL accepts: no NUL, no lone surrogate (invalid UTF-8 kept by the
    parser as surrogates becomes U+FFFD), cut to ``limit`` characters. The raw
    source keeps every byte; only the text columns shown to people are cleaned."""
    if not value:
        return value or ""
    value = _SURROGATE_RE.sub("\ufffd", str(value).replace("\x00", ""))
    return value[:limit] if limit else value


def processable(raw):
    """The bytes handed to the parser and to Odoo's routing: NUL bytes dropped
    (PostgreSQL cannot hold them in a text column; the stored raw still has them)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    return (raw or b"").replace(b"\x00", b"")


# --------------------------------------------------------------------------- classification

# Subjects of automatic answers: only believed together with a header signal.
_AUTO_SUBJECT_RE = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|absent(e)? du bureau|"
    r"absence du bureau|r[ée]ponse automatique|abwesenheitsnotiz|automatische antwort|respuesta autom[áa]tica|"
    r"undeliver(ed|able)|delivery status notification|mail delivery (failed|failure)|returned mail|"
    r"non remis|non distribuable)",
    re.IGNORECASE)
_BOUNCE_SENDER_RE = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
# Headers that make an automatic subject believable (but decide nothing alone).
_WEAK_SIGNALS = ("X-Auto-Response-Suppress", "X-Failed-Recipients", "X-MS-Exchange-Inbox-Rules-Loop",
                 "X-Autogenerated", "X-AutoReply-From", "X-Mail-Autoreply")
_LIST_ID_RE = re.compile(r"<([^<>\s]+)>")


def list_id(msg):
    """The list identifier of a List-Id header (``sales.example.com``), lower case, or ``""``."""
    value = header(msg, "List-Id")
    found = _LIST_ID_RE.findall(value)
    return (found[-1] if found else value.strip()).lower()


def own_list_ids(addresses):
    """List identifiers a mailing list at one of these addresses uses (``sales@example.com``
    -> ``sales.example.com``, the form Google Groups, Mailman and Sympa give)."""
    return {address.lower().replace("@", ".", 1) for address in addresses if "@" in (address or "")}


def strip_comments(value):
    """The header value without its RFC 5322 comments ``(...)``, nested or quoted-pair escaped
    (``No (human)``, ``(sent by a human) no``)."""
    out, depth, escaped = [], 0, False
    for char in value:
        if escaped:
            escaped = False
            if not depth:
                out.append(char)
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    return " ".join("".join(out).split())


def classify_detail(msg, own_lists=()):
    """Why this message must create no lead: ``(reason, signal, value)`` or ``None``.

    ``reason`` is 'bounce', 'auto_reply', 'loop' or 'bulk'; ``signal`` names the
    header or rule that decided, ``value`` what it held. ``own_lists`` are the List-Ids
    of our own addresses (an alias that is a mailing list): mail through them is not
    bulk. A subject pattern alone decides nothing, only with a header signal.
    """
    ctype = msg.get_content_type()
    parts = _safe_walk(msg)
    if ctype == "multipart/report":
        return "bounce", "report", msg.get_param("report-type") or ctype
    for part in parts:
        if part.get_content_type() in ("message/delivery-status", "message/disposition-notification"):
            return "bounce", "report", part.get_content_type()
    _name, addr = sender(msg)
    if addr and _BOUNCE_SENDER_RE.match(addr):
        return "bounce", "sender", addr
    auto = header(msg, "Auto-Submitted").lower()
    if auto and strip_comments(auto).split(";")[0].strip() != "no":
        return "auto_reply", "Auto-Submitted", auto
    return_path = header(msg, "Return-Path")
    if msg.get("Return-Path") is not None and not return_path.strip("<> \t"):
        return "auto_reply", "Return-Path", "<>"
    for name in ("X-Autoreply", "X-Autorespond"):
        if msg.get(name) is not None and header(msg, name).lower() not in ("no", "false", "0"):
            return "auto_reply", name, header(msg, name)
    suppress = header(msg, "X-Auto-Response-Suppress").lower()
    if suppress in ("all", "oof"):
        # Outlook sets it on ordinary mail too, with other values
        return "auto_reply", "X-Auto-Response-Suppress", suppress
    if msg.get("X-Loop") is not None:
        return "loop", "X-Loop", header(msg, "X-Loop")
    precedence = header(msg, "Precedence").lower()
    if precedence == "auto_reply":
        return "auto_reply", "Precedence", precedence
    if precedence in ("bulk", "junk"):
        return "bulk", "Precedence", precedence
    identifier = list_id(msg)
    own = bool(identifier) and identifier in {o.lower() for o in own_lists}
    if not own:
        if precedence == "list":
            return "bulk", "Precedence", precedence
        if identifier:
            return "bulk", "List-Id", identifier
        if msg.get("List-Unsubscribe") is not None:
            return "bulk", "List-Unsubscribe", header(msg, "List-Unsubscribe")[:120]
    subject = header(msg, "Subject")
    if _AUTO_SUBJECT_RE.match(subject):
        signal = next((name for name in _WEAK_SIGNALS if msg.get(name) is not None), None)
        if signal:
            reason = "bounce" if signal == "X-Failed-Recipients" else "auto_reply"
            return reason, "subject", "%s + %s" % (subject[:80], signal)
    return None


def classify(msg, own_lists=()):
    """Why this message must create no lead: 'bounce', 'auto_reply', 'loop', 'bulk' or ``None``."""
    decision = classify_detail(msg, own_lists)
    return decision[0] if decision else None


def _safe_walk(msg):
    try:
        return list(msg.walk())
    except Exception:  # pylint: disable=broad-except
        return [msg]


# --------------------------------------------------------------------------- body

def _part_text(part):
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = part.get_payload()
        if isinstance(payload, list):
            return ""
        payload = (payload or "").encode("utf-8", "surrogateescape")
    return decode_bytes(payload, part.get_content_charset())


def body_texts(msg):
    """Return ``(plain, html)`` texts of the message (first of each, outside attachments)."""
    plain, htmlbody = None, None
    for part in _safe_walk(msg):
        if part.is_multipart():
            continue
        if part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and plain is None:
            plain = _part_text(part)
        elif ctype == "text/html" and htmlbody is None:
            htmlbody = _part_text(part)
    if plain is None and htmlbody is None and not msg.is_multipart():
        # broken multipart (no boundary) or unknown type: keep what is there as text
        plain = _part_text(msg)
    return plain or "", htmlbody or ""


_BLOCK_TAGS_RE = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h[1-6]|p|div|tr|li|h[1-6])\b[^>]*>", re.IGNORECASE)
_DROP_RE = re.compile(r"<\s*(script|style|head)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]*>")
_QUOTE_RE = re.compile(r"<\s*blockquote\b.*?<\s*/\s*blockquote\s*>", re.IGNORECASE | re.DOTALL)


def html_to_text(value, drop_quotes=False):
    """Clean text of an HTML body: no tags, scripts or styles, one line per block."""
    if not value:
        return ""
    value = _DROP_RE.sub("", value)
    if drop_quotes:
        value = _QUOTE_RE.sub("", value)
    value = _BLOCK_TAGS_RE.sub("\n", value)
    value = html.unescape(_TAG_RE.sub("", value)).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in value.splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def text_body(msg):
    """The message as clean text: the plain part, or the HTML part converted."""
    plain, htmlbody = body_texts(msg)
    if plain.strip():
        return plain.replace("\r\n", "\n").strip()
    return html_to_text(htmlbody)


_REPLY_HEADER_RE = re.compile(
    r"^(On .{5,200} wrote:|Le .{5,200} a [ée]crit\s?:|-{2,}\s*(Original Message|Message d'origine)\s*-{2,}|"
    r"From:\s.+|De\s?:\s.+@.+)$", re.IGNORECASE)
_SIG_SEPARATOR_RE = re.compile(r"^(-- ?|__+|Sent from my .+|Envoy[ée] de mon .+)$", re.IGNORECASE)


def split_reply(text):
    """Return ``(new_text, signature)``: quoted history and signature removed.

    The signature is the block after a ``-- `` separator; without separator, the
    last short block (at most 6 lines) after a closing formula (Regards, Cordialement...).
    """
    lines = (text or "").replace("\r\n", "\n").split("\n")
    kept = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(">") or _REPLY_HEADER_RE.match(stripped):
            if kept or stripped.startswith(">"):
                if not stripped.startswith(">"):
                    break
                continue
        kept.append(line.rstrip())
    signature = []
    for index, line in enumerate(kept):
        if _SIG_SEPARATOR_RE.match(line.strip()):
            signature = kept[index + 1:]
            kept = kept[:index]
            break
    else:
        for index in range(len(kept) - 1, -1, -1):
            if _CLOSING_RE.match(kept[index].strip()):
                tail = [line for line in kept[index + 1:] if line.strip()]
                if 0 < len(tail) <= 6:
                    signature = tail
                    kept = kept[:index + 1]
                break
    body = "\n".join(kept).strip()
    return body, "\n".join(line for line in signature if line.strip()).strip()


_CLOSING_RE = re.compile(
    r"^(best( regards)?|(kind |warm )?regards|cheers|thanks?( you)?|many thanks|sincerely|cordialement|"
    r"bien (cordialement|à vous)|salutations|bonne journ[ée]e|merci)[,.!]?$", re.IGNORECASE)
_PHONE_RE = re.compile(r"(\+?\d[\d .()/-]{7,}\d)")
_JOB_WORDS = ("manager", "director", "directeur", "directrice", "ceo", "cto", "cfo", "founder", "fondateur",
              "engineer", "ingénieur", "responsable", "head of", "chef", "président", "president", "gérant",
              "buyer", "acheteur", "acheteuse", "assistant", "consultant", "owner", "sales", "purchasing", "officer")
_COMPANY_WORDS = ("sarl", "sas", "sa", "ltd", "gmbh", "inc", "llc", "eurl", "sasu", "bv", "srl", "spa", "ag",
                  "company", "group", "groupe", "industries", "société")


def _looks_like_name(line):
    words = line.split()
    return 1 < len(words) <= 4 and all(w[:1].isupper() for w in words) and not any(c.isdigit() for c in line)


def parse_signature(signature):
    """Facts of a signature block: name, job title, company, phone (missing keys omitted)."""
    facts = {}
    for line in (signature or "").split("\n"):
        line = line.strip().strip("|").strip()
        if not line or "@" in line or line.lower().startswith(("http", "www.")):
            continue
        label, _sep, rest = line.partition(":")
        lowered = line.lower()
        phone = _PHONE_RE.search(line)
        if phone and ("phone" not in facts) and sum(c.isdigit() for c in phone.group(1)) >= 8:
            kind = label.lower() if _sep else ""
            key = "mobile" if any(w in kind for w in ("mob", "cell", "port", "gsm")) else "phone"
            if key not in facts:
                facts[key] = phone.group(1).strip()
            continue
        words = set(re.findall(r"[\w.]+", lowered))
        if not facts and _looks_like_name(line) and not words & set(_COMPANY_WORDS):
            facts["name"] = line
        elif "company" not in facts and (words & set(_COMPANY_WORDS)):
            facts["company"] = line
        elif "function" not in facts and any(w in lowered for w in _JOB_WORDS):
            facts["function"] = line.split(",")[0].strip() if "," in line and "name" in facts else line
        elif "name" not in facts and 1 < len(line.split()) <= 4 and not any(c.isdigit() for c in line):
            facts["name"] = line
    return facts


# Website form labels (English and French) mapped to crm.lead fields.
FORM_LABELS = {
    "name": "contact_name", "full name": "contact_name", "nom": "contact_name", "nom complet": "contact_name",
    "contact": "contact_name", "your name": "contact_name", "votre nom": "contact_name",
    "email": "email_from", "e-mail": "email_from", "courriel": "email_from", "adresse e-mail": "email_from",
    "your email": "email_from",
    "phone": "phone", "telephone": "phone", "téléphone": "phone", "tel": "phone", "tél": "phone",
    "mobile": "mobile", "portable": "mobile",
    "company": "partner_name", "company name": "partner_name", "société": "partner_name",
    "entreprise": "partner_name", "organisation": "partner_name", "organization": "partner_name",
    "job title": "function", "job position": "function", "fonction": "function", "poste": "function",
    "subject": "name", "sujet": "name", "objet": "name",
    "message": "description", "your message": "description", "votre message": "description",
    "comments": "description", "demande": "description",
    "city": "city", "ville": "city", "zip": "zip", "postcode": "zip", "code postal": "zip",
    "street": "street", "address": "street", "adresse": "street", "website": "website", "site web": "website",
}
_FORM_LINE_RE = re.compile(r"^\s*\*?([A-Za-zÀ-ÿ][\wÀ-ÿ '\-]{0,30}?)\s*\*?\s*:\s*(.*)$")


def parse_form(text):
    """Fields of a website form notification written as ``Field: value`` lines.

    Returns a dict of crm.lead field names; empty unless at least two known labels
    are found (an ordinary e-mail with one "Note: ..." line is no form). A
    ``Message:`` field continues on the following lines up to the next label.
    """
    values, last = {}, None
    hits = 0
    for line in (text or "").split("\n"):
        match = _FORM_LINE_RE.match(line)
        field = FORM_LABELS.get(match.group(1).strip().lower()) if match else None
        if field:
            hits += 1
            value = match.group(2).strip()
            if value:
                values[field] = value
            last = field
        elif last == "description" and line.strip():
            values["description"] = ("%s\n%s" % (values.get("description", ""), line.strip())).strip()
    return values if hits >= 2 else {}


# "[SO012]", "[S00012]", "Ref: LEAD-42", "[#42]"
_SUBJECT_REF_RE = re.compile(r"\[\s*(?:ref\s*:?\s*)?(#?[A-Z]{0,6}[-/]?\d{2,})\s*\]"
                             r"|\bref\s*[:#]\s*([A-Z]{1,6}[-/]?\d{2,})",
                             re.IGNORECASE)


def subject_reference(subject):
    """The record reference quoted in a subject ('[SO012]' -> 'SO012', '[#42]' -> '#42')."""
    match = _SUBJECT_REF_RE.search(subject or "")
    if not match:
        return ""
    return match.group(1) or match.group(2)


# --------------------------------------------------------------------------- rules

def domain_of(address):
    return (address or "").rpartition("@")[2].lower()


def match_rule(rules, recipients_list, sender_address, text):
    """Return the first rule (in the given order) matching the message, or ``None``.

    Each rule is a dict with optional ``recipient`` (address or local part),
    ``sender_domain`` and ``keywords`` (comma separated, any of them); every
    condition given must match.
    """
    text = (text or "").lower()
    sender_domain = domain_of(sender_address)
    for rule in rules:
        recipient = (rule.get("recipient") or "").strip().lower()
        if recipient:
            if "@" in recipient:
                if recipient not in recipients_list:
                    continue
            elif recipient not in [r.split("@")[0] for r in recipients_list]:
                continue
        domain = (rule.get("sender_domain") or "").strip().lower().lstrip("@")
        if domain and not (sender_domain == domain or sender_domain.endswith("." + domain)):
            continue
        keywords = [k.strip().lower() for k in (rule.get("keywords") or "").split(",") if k.strip()]
        if keywords and not any(k in text for k in keywords):
            continue
        return rule
    return None


def in_allow_list(address, allow_list):
    """Whether an address or its domain is in a comma/newline separated allow-list."""
    address = (address or "").lower()
    entries = [e.strip().lower().lstrip("@") for e in re.split(r"[,\n;]", allow_list or "") if e.strip()]
    return bool(address) and any(address == e or domain_of(address) == e for e in entries)
