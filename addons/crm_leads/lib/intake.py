"""Validation and normalisation of an inbound lead payload, free of the ORM.

A payload is the JSON object a website or another program sends. ``clean_payload``
returns ``(values, errors)``: ``values`` is ready for ``crm.lead`` (except the
relational fields, which the model resolves), ``errors`` a list of
``(field, message)`` pairs, empty when the payload is acceptable.
"""
import re

EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")

#: payload key -> (crm.lead field, expected type)
TEXT_FIELDS = {
    "name": "name",
    "contact_name": "contact_name",
    "company_name": "partner_name",
    "partner_name": "partner_name",
    "email": "email_from",
    "phone": "phone",
    "mobile": "mobile",
    "street": "street",
    "city": "city",
    "zip": "zip",
    "website": "website",
    "function": "function",
    "description": "description",
    "message": "description",
    "need": "qualification_need",
    "budget": "qualification_budget",
    "timing": "qualification_timing",
}
NUMBER_FIELDS = {"expected_revenue": "planned_revenue", "planned_revenue": "planned_revenue"}
CODE_FIELDS = ("country", "country_code", "language", "lang")
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign")
LIST_FIELDS = ("tags",)
BOOL_FIELDS = {"decision_maker": "qualification_decision_maker"}
VISITOR_FIELD = "visitor_id"
MAX_VISITOR = 64
MAX_TEXT = 10000
MAX_NAME = 256
#: tags of one lead: each one may be new (created at intake), so their count and names are bounded
MAX_TAGS = 20
MAX_TAG_NAME = 50


def like_escape(value):
    """``value`` for an ``=ilike`` / ``ilike`` lookup that matches it literally: ``%`` and
    ``_`` (and the escape character itself) lose their wildcard meaning."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def normalise_email(value):
    """Strip and lower-case an e-mail address (the part in angle brackets if any)."""
    value = (value or "").strip()
    match = re.search(r"<([^>]+)>", value)
    if match:
        value = match.group(1).strip()
    return value.lower()


def is_valid_email(value):
    return bool(value) and len(value) <= 254 and bool(EMAIL_RE.match(value))


def normalise_text(value):
    """Strip and collapse inner runs of spaces (keeps line breaks of long texts)."""
    lines = [" ".join(line.split()) for line in value.strip().splitlines()]
    return "\n".join(lines).strip()


def limit_error(payload):
    """``(field, message)`` when a value of the payload is past a bound of the service (more
    than ``MAX_TAGS`` tags, a tag name longer than ``MAX_TAG_NAME``), else None."""
    tags = payload.get("tags") if isinstance(payload, dict) else None
    if not isinstance(tags, list):
        return None
    names = {tag.strip().lower() for tag in tags if isinstance(tag, str) and tag.strip()}
    if len(names) > MAX_TAGS:
        return "tags", "At most %d tags per lead (%d sent)." % (MAX_TAGS, len(names))
    if any(len(name) > MAX_TAG_NAME for name in names):
        return "tags", "A tag has at most %d characters." % MAX_TAG_NAME
    return None


def clean_payload(payload):
    """Return ``(values, extra, errors)`` for one lead payload.

    ``values`` are plain crm.lead values; ``extra`` holds what the model resolves to
    records: ``country_code``, ``lang``, ``utm`` (dict), ``tags`` (list of names), and the
    anonymous ``visitor_id`` of the website's tracking script (an intake option).
    """
    errors = []
    values, extra = {}, {"utm": {}}
    if not isinstance(payload, dict):
        return {}, extra, [("", "A lead must be a JSON object.")]
    for key, value in payload.items():
        if value is None or value == "":
            continue
        if key in TEXT_FIELDS:
            if not isinstance(value, str):
                errors.append((key, "Must be a string."))
                continue
            limit = MAX_TEXT if key in ("description", "message") else MAX_NAME
            if len(value) > limit:
                errors.append((key, "At most %d characters." % limit))
                continue
            text = normalise_text(value)
            if text and key in ("phone", "mobile") and not any(char.isdigit() for char in text):
                # "abc" reaches no one: as the only contact, the lead could never be answered
                errors.append((key, "A phone number holds digits."))
                continue
            if text:
                values[TEXT_FIELDS[key]] = text
        elif key in NUMBER_FIELDS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                errors.append((key, "Must be a number."))
                continue
            if value < 0:
                errors.append((key, "Must not be negative."))
                continue
            values[NUMBER_FIELDS[key]] = float(value)
        elif key in BOOL_FIELDS:
            if not isinstance(value, bool):
                errors.append((key, "Must be true or false."))
                continue
            values[BOOL_FIELDS[key]] = value
        elif key in CODE_FIELDS:
            if not isinstance(value, str) or not value.strip():
                errors.append((key, "Must be a code such as 'FR'."))
                continue
            if key.startswith("country"):
                extra["country_code"] = value.strip().upper()
            else:
                extra["lang"] = value.strip().replace("-", "_")
        elif key in UTM_FIELDS:
            if not isinstance(value, str):
                errors.append((key, "Must be a string."))
                continue
            if value.strip():
                extra["utm"][key[4:]] = value.strip()[:MAX_NAME]
        elif key in LIST_FIELDS:
            if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
                errors.append((key, "Must be a list of strings."))
                continue
            bound = limit_error(payload)
            if bound:
                errors.append(bound)
                continue
            names = []
            for tag in value:
                if tag.strip() and tag.strip().lower() not in {name.lower() for name in names}:
                    names.append(tag.strip())
            extra["tags"] = names
        elif key == VISITOR_FIELD:
            if not isinstance(value, str):
                errors.append((key, "Must be a string."))
                continue
            if value.strip():
                extra["visitor_id"] = value.strip()[:MAX_VISITOR]
    if "email_from" in values:
        email = normalise_email(values["email_from"])
        if not is_valid_email(email):
            errors.append(("email", "Not a valid e-mail address."))
        values["email_from"] = email
    if not values.get("email_from") and not values.get("phone") and not values.get("mobile"):
        errors.append(("email", "An e-mail address or a phone number is required."))
    if not values.get("name"):
        who = values.get("partner_name") or values.get("contact_name") or values.get("email_from")
        if who:
            values["name"] = who
        else:
            errors.append(("name", "A name, a contact name or a company name is required."))
    return values, extra, errors
