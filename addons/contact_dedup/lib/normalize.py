"""Normalisers: turn what people type into keys that compare equal when they mean the same.

Plain Python, no Odoo import. Every function accepts ``None`` or ``False`` (Odoo's empty
value) and returns ``""`` when nothing meaningful is left.
"""
import functools
import re
import unicodedata

import phonenumbers

# Providers whose mailboxes ignore dots in the local part and accept "+tag" suffixes.
DEFAULT_PROVIDER_RULES = {
    "gmail.com": {"ignore_dots": True, "plus_tags": True, "alias_of": "gmail.com"},
    "googlemail.com": {"ignore_dots": True, "plus_tags": True, "alias_of": "gmail.com"},
    "outlook.com": {"plus_tags": True},
    "hotmail.com": {"plus_tags": True},
    "hotmail.fr": {"plus_tags": True},
    "live.fr": {"plus_tags": True},
    "protonmail.com": {"plus_tags": True},
    "fastmail.com": {"plus_tags": True},
    "yahoo.com": {},
    "yahoo.fr": {},
    "orange.fr": {},
    "wanadoo.fr": {},
    "free.fr": {},
    "sfr.fr": {},
    "laposte.net": {},
    "gmx.fr": {},
    "gmx.de": {},
    "web.de": {},
    "icloud.com": {"plus_tags": True},
}

# Domains shared by unrelated people: an e-mail domain there says nothing about the company.
FREE_MAIL_DOMAINS = frozenset(DEFAULT_PROVIDER_RULES)

LEGAL_FORMS = frozenset("""
    sarl sas sa eurl sasu sci snc scop scp selarl sel gie ei eirl sca scs earl gaec
    ets etablissements etablissement societe ste cie
    gmbh ag kg ohg ug mbh kgaa ev
    ltd limited plc llp llc inc incorporated corp corporation co company lp
    bv nv vof cv bvba sprl srl spa sl sau sa slu ab oy as asa aps
    """.split())
# multi-word legal forms, compared after punctuation removal
LEGAL_FORM_PHRASES = (
    "societe anonyme", "societe par actions simplifiee", "societe a responsabilite limitee",
    "gmbh co kg", "co kg", "s a r l", "s a s", "s a",
)

STREET_WORDS = {
    "av": "avenue", "ave": "avenue", "bd": "boulevard", "blvd": "boulevard", "bld": "boulevard",
    "r": "rue", "pl": "place", "imp": "impasse", "all": "allee", "rte": "route", "chem": "chemin",
    "che": "chemin", "fbg": "faubourg", "sq": "square", "qu": "quai", "st": "saint", "ste": "sainte",
    "str": "strasse", "bis": "bis", "ter": "ter",
}

_NON_WORD = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\D+")
_EMAIL_IN_TEXT = re.compile(r"[^\s<>\"',;]+@[^\s<>\"',;]+")


# The key refresh of a whole base normalises the same given names, surnames, streets and towns
# again and again: the pure string functions below keep their recent results (bounded).
_memo = functools.lru_cache(maxsize=32768)

# letters that Unicode does not decompose into a base letter and an accent
_FOLDED = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l", "Ł": "L", "ø": "o",
                         "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i", "þ": "th", "Þ": "TH"})


@_memo
def strip_accents(text):
    """'Hélène Müller' -> 'Helene Muller' (also folds ligatures such as œ)."""
    if not text:
        return ""
    text = text.translate(_FOLDED)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@_memo
def simplify(text):
    """Lower case, no accents, punctuation as single spaces."""
    return _NON_WORD.sub(" ", strip_accents(text or "").lower()).strip()


def normalize_email(email, provider_rules=None, strip_plus_tags=True):
    """Return the canonical mailbox: lower case, no display name, provider rules applied.

    ``provider_rules`` maps a domain to ``{'ignore_dots', 'plus_tags', 'alias_of'}``; the
    defaults know Gmail (dots and "+tag" ignored) and other common providers.
    """
    if not email:
        return ""
    found = _EMAIL_IN_TEXT.search(email.strip())
    if not found:
        return ""
    address = found.group(0).strip().strip(".").lower()
    local, _sep, domain = address.rpartition("@")
    if not local or "." not in domain:
        return ""
    rules = DEFAULT_PROVIDER_RULES if provider_rules is None else provider_rules
    rule = rules.get(domain, {})
    if strip_plus_tags and rule.get("plus_tags", True) and "+" in local:
        local = local.split("+", 1)[0]
    if rule.get("ignore_dots"):
        local = local.replace(".", "")
    domain = rule.get("alias_of") or domain
    return "%s@%s" % (local, domain)


def email_domain(email):
    """The company domain of an e-mail, or '' for free-mail providers."""
    address = normalize_email(email)
    domain = address.rpartition("@")[2]
    return "" if not domain or domain in FREE_MAIL_DOMAINS else domain


# French numbers as people type them ("06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78"):
# their E.164 form is plain ("+33" and the nine digits after the 0), the same as phonenumbers
# gives, without its parser (about 0.3 ms a number: most of a key refresh). Other shapes and
# other countries go through phonenumbers.
_FR_NATIONAL = re.compile(r"0([1-9](?:[ .-]?[0-9]{2}){4})")
_FR_INTERNATIONAL = re.compile(r"(?:\+|00)33 ?([1-9](?:[ .-]?[0-9]{2}){4})")


@_memo
def normalize_phone(phone, default_country="FR"):
    """Return the number in E.164 ('+33612345678'), or its digits when it cannot be parsed.

    ``default_country`` (ISO code, e.g. the company's country) applies to national numbers.
    """
    if not phone:
        return ""
    text = phone.strip()
    plain = _FR_INTERNATIONAL.fullmatch(text) or (
        (default_country or "FR").upper() == "FR" and _FR_NATIONAL.fullmatch(text))
    if plain:
        return "+33" + _DIGITS.sub("", plain.group(1))
    return _parsed_phone(text, default_country)


def _parsed_phone(text, default_country):
    """``normalize_phone`` through phonenumbers, whatever the shape of the number."""
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, (default_country or "FR").upper())
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = _DIGITS.sub("", text)
    return digits if len(digits) >= 6 else ""


# diminutives and short forms people type for a given name (French and English), to the full name
DIMINUTIVES = {
    "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert", "bill": "william",
    "billy": "william", "will": "william", "liz": "elizabeth", "beth": "elizabeth", "betty": "elizabeth",
    "lizzie": "elizabeth", "dick": "richard", "rick": "richard", "ricky": "richard", "maggie": "margaret",
    "peggy": "margaret", "meg": "margaret", "tom": "thomas", "tommy": "thomas", "jim": "james",
    "jimmy": "james", "jamie": "james", "kate": "katherine", "kathy": "katherine", "katie": "katherine",
    "mike": "michael", "mick": "michael", "dave": "david", "steve": "stephen", "tony": "anthony",
    "andy": "andrew", "chuck": "charles", "charlie": "charles", "ted": "edward", "ed": "edward",
    "eddie": "edward", "jack": "john", "johnny": "john", "jenny": "jennifer", "jen": "jennifer",
    "sam": "samuel", "ben": "benjamin", "alex": "alexandre", "chris": "christophe", "nico": "nicolas",
    "fred": "frederic", "dom": "dominique", "max": "maximilien", "cathy": "catherine", "isa": "isabelle",
    "jo": "joseph", "jojo": "joseph", "jeannot": "jean", "jeannette": "jeanne", "pierrot": "pierre",
    "phil": "philippe", "seb": "sebastien", "steph": "stephanie", "val": "valentin", "fanfan": "francoise",
    "guigui": "guillaume", "mathou": "mathilde", "mimi": "emilie", "loulou": "louis", "manu": "emmanuel",
    "jb": "jean baptiste", "jp": "jean pierre", "flo": "florence", "caro": "caroline", "domi": "dominique",
    "greg": "gregory", "ludo": "ludovic", "matt": "matthieu", "nath": "nathalie", "seve": "severine",
    "toto": "thomas", "vince": "vincent", "xav": "xavier", "mat": "mathieu", "math": "mathieu",
    "pat": "patrick",
}


@_memo
def normalize_person_name(name):
    """Case, accents, punctuation, word order and diminutives removed:
    'DUPONT, Jean-Pierre' == 'jean pierre dupont', 'Bob Smith' == 'Robert Smith'."""
    words = simplify(name).split()
    if len(words) > 1:
        words = " ".join(DIMINUTIVES.get(word, word) for word in words).split()
    return " ".join(sorted(words))


@_memo
def normalize_company_name(name):
    """Company name without legal form, accents, case or punctuation: 'ACME S.A.R.L.' -> 'acme'."""
    text = " %s " % simplify(name)
    for phrase in LEGAL_FORM_PHRASES:
        text = text.replace(" %s " % phrase, " ")
    text = text.replace(" et ", " ").replace(" and ", " ").replace(" und ", " ")
    words = [word for word in text.split() if word not in LEGAL_FORMS]
    if not words:  # a name made only of a legal form: keep what was typed
        words = simplify(name).split()
    return " ".join(words)


def normalize_name(name, is_company=False):
    """Dispatch to the company or person rule."""
    return normalize_company_name(name) if is_company else normalize_person_name(name)


def normalize_vat(vat, country_code=None):
    """'FR 12 345 678 901' -> 'FR12345678901'; a number typed without its country prefix gets
    the partner's country ('12345678901' in France -> 'FR12345678901')."""
    text = _NON_WORD.sub("", strip_accents(vat or "").lower()).upper()
    if text and country_code and text[:1].isdigit():
        text = "%s%s" % ({"GR": "EL"}.get(country_code.upper(), country_code.upper()), text)
    return text


def normalize_website(url):
    """'https://www.Example.fr/contact?x=1' -> 'example.fr'."""
    if not url:
        return ""
    text = url.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.split(r"[/?#]", text, 1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    if text.startswith("www."):
        text = text[4:]
    return text if "." in text else ""


@_memo
def normalize_street(street):
    """Street with abbreviations spelt out: '12 av. Victor-Hugo' -> '12 avenue victor hugo'."""
    words = simplify(street).split()
    return " ".join(STREET_WORDS.get(word, word) for word in words)


@_memo
def normalize_city(city):
    """'St-Étienne CEDEX 2' -> 'saint etienne'."""
    words = [STREET_WORDS.get(word, word) if word in ("st", "ste") else word for word in simplify(city).split()]
    if "cedex" in words:
        words = words[:words.index("cedex")]
    return " ".join(words)


@_memo
def normalize_zip(zip_code):
    return _NON_WORD.sub("", simplify(zip_code))


def partner_keys(values, default_country="FR", provider_rules=None):
    """All normalised keys of one contact or company.

    ``values``: dict with any of name, is_company, email, phone, mobile, vat, website,
    street, street2, zip, city, company_name, country_code.
    """
    country = values.get("country_code") or default_country
    is_company = bool(values.get("is_company"))
    website_domain = normalize_website(values.get("website"))
    return {
        "name": normalize_name(values.get("name"), is_company),
        "email": normalize_email(values.get("email"), provider_rules),
        "phone": normalize_phone(values.get("phone"), country),
        "mobile": normalize_phone(values.get("mobile"), country),
        "vat": normalize_vat(values.get("vat"), country),
        "domain": website_domain or (email_domain(values.get("email")) if is_company else ""),
        # the address lines together: the street and its complement are often typed in each other's line
        "street": normalize_street(" ".join(line for line in (values.get("street"), values.get("street2")) if line)),
        "zip": normalize_zip(values.get("zip")),
        "city": normalize_city(values.get("city")),
        "company": normalize_company_name(values.get("company_name")),
        "is_company": is_company,
    }
