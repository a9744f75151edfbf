"""A hard generated address book: duplicates typed by hurried people, and look-alikes that are not.

Unlike ``synthetic.AddressBook`` (whose true pairs always share an exact e-mail, phone, VAT
or domain), a duplicate here may keep only its name and address, with typos in any field:

* duplicates, each with one *corruption class* (``DUPLICATE_CLASSES``): typos in the name,
  the e-mail, the phone, the street and city, the house number; the given name missing; the
  given name and surname swapped; a diminutive (Bob for Robert); another e-mail (private
  instead of work); a changed or transposed zip digit; several of these at once; and for
  companies "Ets", "Société", "&"/"et", the VAT without its country prefix, a foreign
  number typed the national way. Any duplicate may also have lost its e-mail or phone;
* look-alikes that are different people (``NEGATIVE_CLASSES``): namesakes in one town,
  colleagues sharing a switchboard and ``contact@``, family members at one address sharing
  the landline (and sometimes the e-mail).

The corruptions copy what people do; they were not tuned against any matcher. Seeded and
deterministic: ``HardAddressBook(size, seed)``; ``rows`` (dicts of raw values with ``id``,
``entity``, ``corruption``), ``true_pairs``, ``pair_class`` and ``negative_pairs``.
"""
import random

from .synthetic import COMPANY_WORDS, LAST_NAMES, LEGAL_FORMS, STREET_NAMES, STREET_TYPES, _slug

GIVEN_NAMES = {
    # given name: diminutives people type instead
    "Robert": ["Bob", "Bobby"], "William": ["Bill", "Will"], "Elizabeth": ["Liz", "Beth"],
    "Richard": ["Dick", "Rick"], "Margaret": ["Maggie", "Peggy"], "Thomas": ["Tom", "Tommy"],
    "James": ["Jim", "Jimmy"], "Katherine": ["Kate", "Kathy"], "Jean": ["Jeannot"], "Jeanne": ["Jeannette"],
    "Nicolas": ["Nico"], "Alexandre": ["Alex"], "Christophe": ["Chris"], "Frédéric": ["Fred"],
    "Dominique": ["Dom"], "Maximilien": ["Max"], "Catherine": ["Cathy"], "Isabelle": ["Isa"],
    "Benjamin": ["Ben"], "Guillaume": ["Guigui"], "Joseph": ["Jo", "Jojo"], "Françoise": ["Fanfan"],
    "Philippe": ["Phil"], "Sébastien": ["Seb"], "Stéphanie": ["Steph"], "Valentin": ["Val"],
    "Mathilde": ["Mathou"], "Émilie": ["Mimi"], "Louis": ["Loulou"], "Pierre": ["Pierrot"],
}
OTHER_GIVEN = """Marie Anne Michel Nathalie Alain Sylvie Sandrine Laurent Véronique Christine Olivier Céline Éric
Sophie Julien Thierry Aurélie Hélène David Camille Patrick Antoine Chloé Léa Manon Benoît Inès Jérôme Zoé
Hugo Clémence Lucas Agnès Noémie Gaëlle Maxime Maëlle Raphaël Solène Gérard Josiane Bruno Mélanie Yves
Margaux Hervé Pauline Klaus Anna Lukas Sarah Emma Chiara Marco Lucía Javier Quentin Romain Lucie Juliette
Arthur Jules Adèle Ambre Théo Nathan Enzo Louise Alice Victor Gabriel Lina Rose Paul Martine Odile Yvette
Marcel Roger Gilles Didier Pascal Bernard Colette Danielle Florence Karine Virginie Ludovic Cédric Fabrice
Grégory Damien Vincent Mickaël Anthony Kévin Jonathan Audrey Elodie Laetitia Jessica Marion Charlotte""".split()
RARE_SURNAMES = """Kerguelen Abgrall Quéméner Le Bihan Tanguy Jaouen Guivarc'h Pellen Bescond Cadiou Le Goff
Riou Ollivier Kervella Marzin Prigent Salaün Uguen Castelnau Etcheverry Iturralde Bidegain Harriague
Oyharçabal Larralde Zubiria Arrieta Goñi Mendiboure Vuillemin Grosjean Froidevaux Chappuis Roulin
Vuilleumier Gaudard Mettraux Dubuisson Wauquier Delattre Vanhove Desmet Verhaeghe Lefebvre Vandenberghe
Delcroix Ducrocq Tison Wattebled Szymanski Kowalczyk Nowicki Zielinski Ferreira Pereira Rodrigues
Carvalho Gonçalves Moussaoui Benali Haddad Bouzid Mansouri Nguyen Tran Pham Hoang Vo Dang Bui""".split()
CITIES = """Paris Lyon Marseille Toulouse Nice Nantes Strasbourg Montpellier Bordeaux Lille Rennes Reims Toulon
Grenoble Dijon Angers Nîmes Villeurbanne Clermont-Ferrand Le Mans Aix-en-Provence Brest Tours Amiens Limoges
Annecy Perpignan Metz Besançon Orléans Rouen Mulhouse Caen Nancy Argenteuil Roubaix Tourcoing Montreuil
Avignon Poitiers Pau Calais La Rochelle Cannes Antibes Colmar Quimper Valence Bayonne Chambéry Lorient
Saint-Étienne Saint-Denis Saint-Malo Saint-Nazaire Saint-Brieuc Saint-Quentin Sainte-Geneviève-des-Bois""".split()
FREE_MAILS = ["gmail.com", "orange.fr", "free.fr", "yahoo.fr", "hotmail.fr", "laposte.net", "wanadoo.fr", "sfr.fr"]
FOREIGN = {
    # country: (calling code, national prefix digits of a landline, of a mobile, national length)
    "BE": ("32", ["2", "4", "9"], ["47", "48", "49"], 9),
    "DE": ("49", ["30", "40", "89"], ["151", "160", "170"], 10),
    "CH": ("41", ["21", "22", "44"], ["76", "78", "79"], 9),
}
COMPANY_PREFIXES = ["Ets", "Établissements", "Société", "Sté"]

DUPLICATE_CLASSES = (
    "format", "name_typo", "given_missing", "swapped", "diminutive", "email_typo", "other_email",
    "phone_typo", "zip_digit", "address_typo", "house_number", "missing_values", "mixed",
    "company_variant", "vat_prefix", "foreign_phone",
)
NEGATIVE_CLASSES = ("namesake", "colleague", "family")


def _typo(rng, text, start=1):
    """One keyboard slip: a letter substituted, dropped, doubled or two swapped."""
    positions = [index for index, char in enumerate(text) if char.isalnum() and index >= start]
    if len(positions) < 2:
        return text
    index = rng.choice(positions[:-1])
    kind = rng.randint(0, 3)
    if kind == 0:
        replacement = rng.choice("aeiourstnlmcd") if text[index].isalpha() else str(rng.randint(0, 9))
        if replacement == text[index].lower():
            replacement = "e" if replacement != "e" else "a"
        return text[:index] + replacement + text[index + 1:]
    if kind == 1:
        return text[:index] + text[index + 1:]
    if kind == 2:
        return text[:index] + text[index] + text[index:]
    return text[:index] + text[index + 1] + text[index] + text[index + 2:]


def _digit_slip(rng, digits, start=0):
    """One digit changed or two neighbours swapped (never the same string back)."""
    index = rng.randint(start, len(digits) - 2)
    if rng.random() < 0.5 and digits[index] != digits[index + 1]:
        return digits[:index] + digits[index + 1] + digits[index] + digits[index + 2:]
    new = str((int(digits[index]) + rng.randint(1, 9)) % 10)
    return digits[:index] + new + digits[index + 1:]


class HardAddressBook(object):
    """Entities (people, companies) typed once or several times; see the module docstring."""

    def __init__(self, size, seed=42, duplicate_rate=0.35):
        self.rng = random.Random(seed)
        self.size = size
        self.duplicate_rate = duplicate_rate
        self.rows = []
        self.negative_pairs = {}  # (id, id) -> class of a look-alike pair of different entities
        self._entity = 0
        self._numbers = set()
        self._emails = set()
        self._generate()

    # ------------------------------------------------------------------ building blocks
    def _next_entity(self):
        self._entity += 1
        return self._entity

    def _country(self):
        return "FR" if self.rng.random() < 0.88 else self.rng.choice(sorted(FOREIGN))

    def _national_number(self, country, mobile):
        """A unique national number (digits with the leading 0) of the country."""
        rng = self.rng
        while True:
            if country == "FR":
                digits = ("0" + rng.choice("67")) if mobile else ("0" + rng.choice("12345"))
                digits += "".join(str(rng.randint(0, 9)) for _ in range(8))
            else:
                _code, landlines, mobiles, length = FOREIGN[country]
                prefix = rng.choice(mobiles if mobile else landlines)
                digits = "0" + prefix + "".join(str(rng.randint(0, 9)) for _ in range(length - len(prefix)))
            if digits not in self._numbers:
                self._numbers.add(digits)
                return digits

    def _format_phone(self, digits, country, international=None):
        rng = self.rng
        if international is None:
            international = rng.random() < (0.3 if country == "FR" else 0.6)
        code = "33" if country == "FR" else FOREIGN[country][0]
        if international:
            rest = digits[1:]
            return rng.choice(["+%s %s" % (code, rest), "+%s%s" % (code, rest), "00%s %s" % (code, rest),
                               "+%s (0)%s" % (code, rest)])
        if country == "FR":
            pairs = [digits[i:i + 2] for i in range(0, 10, 2)]
            return rng.choice([" ".join(pairs), ".".join(pairs), digits, "-".join(pairs)])
        return rng.choice([digits, "%s %s" % (digits[:4], digits[4:]), "%s/%s" % (digits[:3], digits[3:])])

    def _address(self, country):
        rng = self.rng
        street_type = rng.choice(STREET_TYPES)
        city = rng.choice(CITIES)
        if country == "FR":
            zip_code = "%02d%03d" % (rng.randint(1, 95), rng.randint(0, 99) * 10)
        elif country == "DE":
            zip_code = "%05d" % rng.randint(10000, 99999)
        else:
            zip_code = "%04d" % rng.randint(1000, 9999)
        return {"number": rng.randint(1, 150), "street_type": street_type, "street_name": rng.choice(STREET_NAMES),
                "zip": zip_code, "city": city, "country_code": country}

    @staticmethod
    def _street(address, short=False):
        kind = address["street_type"][1 if short else 0]
        return "%d %s %s" % (address["number"], kind, address["street_name"])

    def _given(self):
        rng = self.rng
        if rng.random() < 0.35:
            return rng.choice(sorted(GIVEN_NAMES))
        return rng.choice(OTHER_GIVEN)

    def _surname(self):
        rng = self.rng
        return rng.choice(RARE_SURNAMES) if rng.random() < 0.25 else rng.choice(LAST_NAMES)

    def _person(self, given, surname, address, phone=None, email=None, employer=None):
        rng = self.rng
        country = address["country_code"]
        mobile = self._national_number(country, True)
        if email is None:
            if employer is not None:
                email = "%s.%s@%s" % (_slug(given), _slug(surname), employer["domain"])
            else:
                email = "%s%s%s@%s" % (_slug(given), rng.choice([".", "_", ""]), _slug(surname),
                                       rng.choice(FREE_MAILS))
        if email and email in self._emails and not email.startswith(("contact@", "famille.")):
            # a mailbox belongs to one person: a namesake has another one
            local, domain = email.split("@")
            email = "%s%d@%s" % (local, rng.randint(2, 99), domain)
        self._emails.add(email)
        if rng.random() < 0.2:
            # known by name and address only (a postal mailing list, a paper form)
            email, mobile = "", None
        return {
            "entity": self._next_entity(), "is_company": False, "given": given, "surname": surname,
            "email": email,
            "private_email": "%s.%s%d@%s" % (_slug(given), _slug(surname), rng.randint(1, 99), rng.choice(FREE_MAILS)),
            "phone_digits": phone, "mobile_digits": mobile if mobile and rng.random() < 0.85 else None,
            "address": address, "company_name": employer["base_name"] if employer else "", "vat": "", "website": "",
        }

    def _company(self):
        rng = self.rng
        name = " ".join(rng.sample(COMPANY_WORDS, rng.choice([1, 2, 2, 3])))
        if rng.random() < 0.25:
            name = "%s %s %s" % (name, rng.choice(["&", "et"]), rng.choice(LAST_NAMES))
        address = self._address(self._country())
        domain = "%s%d.%s" % (_slug(name)[:20], rng.randint(1, 999), rng.choice(["fr", "com", "eu"]))
        country = address["country_code"]
        vat = ""
        if rng.random() < 0.7:
            vat = "%s%s" % (country, "".join(str(rng.randint(0, 9)) for _ in range(11 if country == "FR" else 9)))
        return {
            "entity": self._next_entity(), "is_company": True, "base_name": name,
            "legal_form": rng.choice(LEGAL_FORMS) if rng.random() < 0.6 else "",
            "prefix": rng.choice(COMPANY_PREFIXES) if rng.random() < 0.15 else "",
            "email": "contact@%s" % domain, "domain": domain, "phone_digits": self._national_number(country, False),
            "mobile_digits": None, "vat": vat, "website": "https://www.%s" % domain if rng.random() < 0.7 else "",
            "address": address, "company_name": "",
        }

    # ------------------------------------------------------------------ rows
    def _row(self, entity, corruption=""):
        """The entity as typed once, clean (the original) or with one corruption class."""
        rng = self.rng
        address = dict(entity["address"])
        country = address["country_code"]
        row = {"entity": entity["entity"], "is_company": entity["is_company"], "corruption": corruption,
               "country_code": country, "vat": entity["vat"], "website": entity["website"],
               "company_name": entity["company_name"], "email": entity["email"]}
        phone, mobile = entity["phone_digits"], entity["mobile_digits"]
        short_street = rng.random() < 0.3
        if entity["is_company"]:
            parts = [entity["prefix"], entity["base_name"], entity["legal_form"]]
            given = surname = None
        else:
            given, surname = entity["given"], entity["surname"]
        # what the corruption class changes
        classes = [corruption]
        if corruption == "mixed":
            pool = ["name_typo", "zip_digit", "other_email", "phone_typo", "address_typo", "house_number",
                    "email_typo", "swapped"]
            if entity["is_company"]:
                pool = ["name_typo", "zip_digit", "phone_typo", "address_typo", "house_number", "company_variant"]
            classes = rng.sample(pool, 2)
        name_case = None
        swapped = False
        for kind in classes:
            if kind == "format":
                name_case = rng.choice(["upper", "lower", "ascii"])
                phone = phone  # re-formatted below anyway
            elif kind == "name_typo":
                if entity["is_company"]:
                    parts[1] = _typo(rng, parts[1])
                elif rng.random() < 0.7:
                    surname = _typo(rng, surname)
                else:
                    given = _typo(rng, given)
            elif kind == "given_missing" and not entity["is_company"]:
                given = rng.choice(["", "", given[0] + "."])
            elif kind == "swapped" and not entity["is_company"]:
                swapped = True
            elif kind == "diminutive" and not entity["is_company"]:
                given = rng.choice(GIVEN_NAMES.get(given, [given]))
            elif kind == "email_typo" and row["email"]:
                local, domain = row["email"].split("@")
                if rng.random() < 0.8:
                    local = _typo(rng, local)
                else:
                    domain = _typo(rng, domain)
                row["email"] = "%s@%s" % (local, domain)
            elif kind == "other_email" and not entity["is_company"]:
                row["email"] = entity["private_email"] if row["email"] != entity["private_email"] else ""
            elif kind == "phone_typo":
                if mobile and (not phone or rng.random() < 0.5):
                    mobile = _digit_slip(rng, mobile, 2)
                elif phone:
                    phone = _digit_slip(rng, phone, 2)
            elif kind == "zip_digit":
                address["zip"] = _digit_slip(rng, address["zip"], 1)
            elif kind == "address_typo":
                address["street_name"] = _typo(rng, address["street_name"])
                address["city"] = _typo(rng, address["city"])
            elif kind == "house_number":
                number = str(address["number"])
                address["number"] = int(_digit_slip(rng, number + "0", 0)[:len(number)] or 1) or 1
                if address["number"] == entity["address"]["number"]:
                    address["number"] += 1
            elif kind == "missing_values":
                row["email"] = ""
                if rng.random() < 0.5:
                    phone = mobile = None
            elif kind == "company_variant" and entity["is_company"]:
                choice = rng.randint(0, 2)
                if choice == 0:
                    parts[0] = rng.choice([prefix for prefix in COMPANY_PREFIXES + [""] if prefix != parts[0]])
                elif choice == 1:
                    parts[2] = rng.choice([form for form in LEGAL_FORMS + [""] if form != parts[2]])
                else:
                    base = parts[1]
                    parts[1] = base.replace(" & ", " et ") if " & " in base else base.replace(" et ", " & ")
                    if parts[1] == base:
                        parts[1] = base.upper()
            elif kind == "vat_prefix" and row["vat"]:
                row["vat"] = row["vat"][2:] if rng.random() < 0.7 else " ".join(
                    [row["vat"][:2], row["vat"][2:6], row["vat"][6:]])
        if corruption and corruption not in ("missing_values", "email_typo", "other_email") \
                and rng.random() < 0.35 and not entity["is_company"]:
            # an entry typed in a hurry (a trade-fair list, a phone call) often lacks the e-mail
            row["email"] = ""
        if corruption and corruption not in ("missing_values", "phone_typo", "foreign_phone") and rng.random() < 0.35:
            # ... or the phone numbers
            phone = mobile = None
        international = None
        if corruption == "foreign_phone":
            international = country != "FR" and rng.random() < 0.5
            if country == "FR":  # a French number typed international, French mobiles in 00-33 form
                international = True
        if entity["is_company"]:
            name = " ".join(part for part in parts if part)
        else:
            if swapped:
                name = rng.choice(["%s %s", "%s, %s", "%s %s"]) % (rng.choice([surname, surname.upper()]), given)
            else:
                name = " ".join(part for part in (given, surname) if part)
            if rng.random() < 0.15 and not corruption:
                name = "%s %s" % (surname.upper(), given)
        if name_case == "upper":
            name = name.upper()
        elif name_case == "lower":
            name = name.lower()
        elif name_case == "ascii":
            from .normalize import strip_accents
            name = strip_accents(name)
            address["city"] = strip_accents(address["city"])
        row.update({
            "name": name,
            "phone": self._format_phone(phone, country, international) if phone else "",
            "mobile": self._format_phone(mobile, country, international) if mobile else "",
            "street": self._street(address, short_street),
            "zip": address["zip"], "city": address["city"],
        })
        if corruption == "format" and row["email"]:
            row["email"] = rng.choice([row["email"].upper(), " %s " % row["email"], row["email"].title()])
        return row

    def _duplicate_class(self, entity):
        rng = self.rng
        if entity["is_company"]:
            choices = ["company_variant", "company_variant", "name_typo", "vat_prefix", "phone_typo", "zip_digit",
                       "address_typo", "house_number", "format", "missing_values", "mixed"]
            if entity["address"]["country_code"] != "FR":
                choices.append("foreign_phone")
            if not entity["vat"]:
                choices.remove("vat_prefix")
            return rng.choice(choices)
        choices = ["format", "name_typo", "given_missing", "swapped", "email_typo", "other_email", "phone_typo",
                   "zip_digit", "address_typo", "house_number", "missing_values", "mixed"]
        if entity["given"] in GIVEN_NAMES:
            choices.append("diminutive")
        if entity["address"]["country_code"] != "FR":
            choices.append("foreign_phone")
        return rng.choice(choices)

    def _entities(self):
        """People and companies, with look-alike groups built in; yields (entity, negative class)."""
        rng = self.rng
        companies = []
        count = 0
        target = self.size / (1 + self.duplicate_rate * 1.15)
        while count < target:
            draw = rng.random()
            if draw < 0.15 or not companies:
                company = self._company()
                companies.append(company)
                count += 1
                yield [company], None
                # colleagues: the switchboard, the company's address, sometimes contact@
                staff = []
                for _index in range(rng.choice([0, 1, 2, 3])):
                    person = self._person(self._given(), self._surname(), company["address"],
                                          phone=company["phone_digits"], employer=company)
                    if rng.random() < 0.3:
                        person["email"] = company["email"]
                    staff.append(person)
                count += len(staff)
                if staff:
                    yield staff, "colleague"
            elif draw < 0.27:
                # a family at one address: one surname, one landline, sometimes one e-mail
                surname = self._surname()
                address = self._address(self._country())
                landline = self._national_number(address["country_code"], False)
                shared_email = "famille.%s@%s" % (_slug(surname), rng.choice(FREE_MAILS)) if rng.random() < 0.4 \
                    else None
                members = []
                givens = rng.sample(sorted(GIVEN_NAMES) + OTHER_GIVEN, rng.choice([2, 2, 3]))
                for given in givens:
                    members.append(self._person(given, surname, address, phone=landline,
                                                email=shared_email if shared_email and rng.random() < 0.7 else None))
                count += len(members)
                yield members, "family"
            elif draw < 0.35:
                # namesakes: one common name, one town, different people
                given, surname = rng.choice(sorted(GIVEN_NAMES) + OTHER_GIVEN[:30]), rng.choice(LAST_NAMES[:60])
                first_address = self._address("FR")
                people = []
                for _index in range(2):
                    address = self._address("FR")
                    address["city"] = first_address["city"]
                    if rng.random() < 0.5:
                        address["zip"] = first_address["zip"]
                    people.append(self._person(given, surname, address,
                                               phone=self._national_number("FR", False) if rng.random() < 0.3
                                               else None))
                count += 2
                yield people, "namesake"
            else:
                address = self._address(self._country())
                employer = rng.choice(companies) if rng.random() < 0.2 else None
                if employer:
                    address = employer["address"]
                person = self._person(self._given(), self._surname(), address,
                                      phone=employer["phone_digits"] if employer and rng.random() < 0.5 else None,
                                      employer=employer)
                count += 1
                yield [person], None

    def _generate(self):
        rng = self.rng
        rows = []
        look_alikes = []
        for entities, negative in self._entities():
            first_rows = []
            for entity in entities:
                row = self._row(entity)
                rows.append(row)
                first_rows.append(row)
                if rng.random() < self.duplicate_rate:
                    for _copy in range(rng.choice([1, 1, 1, 1, 2])):
                        rows.append(self._row(entity, self._duplicate_class(entity)))
            if negative:
                look_alikes.append(([entity["entity"] for entity in entities], negative))
        rows = rows[:self.size]
        rng.shuffle(rows)
        for index, row in enumerate(rows):
            row["id"] = index + 1
        self.rows = rows
        by_entity = {}
        for row in rows:
            by_entity.setdefault(row["entity"], []).append(row["id"])
        for entity_ids, negative in look_alikes:
            ids = [(entity, row_id) for entity in entity_ids for row_id in by_entity.get(entity, [])]
            for index, (entity1, id1) in enumerate(ids):
                for entity2, id2 in ids[index + 1:]:
                    if entity1 != entity2:
                        self.negative_pairs[(min(id1, id2), max(id1, id2))] = negative

    # ------------------------------------------------------------------ truth
    @property
    def true_pairs(self):
        by_entity = {}
        for row in self.rows:
            by_entity.setdefault(row["entity"], []).append(row)
        pairs = set()
        for members in by_entity.values():
            ids = sorted(row["id"] for row in members)
            pairs.update((a, b) for index, a in enumerate(ids) for b in ids[index + 1:])
        return pairs

    def pair_class(self):
        """{true pair: corruption class}: the class of the corrupted record(s) of the pair."""
        corruption = {row["id"]: row["corruption"] for row in self.rows}
        classes = {}
        for first, second in self.true_pairs:
            kinds = sorted(kind for kind in (corruption[first], corruption[second]) if kind)
            classes[(first, second)] = "+".join(kinds) if len(kinds) < 2 else "two_copies"
        return classes

    def partner_values(self, row):
        """The res.partner values of a row (without the generator's own keys)."""
        return {key: row.get(key) or False for key in
                ("name", "is_company", "email", "phone", "mobile", "vat", "website", "street", "zip", "city")}


def evaluate(found_pairs, book):
    """Precision, recall and F1 overall, recall per corruption class and false positives per
    look-alike class: a dict ready to print or assert on."""
    found = {tuple(sorted(pair[:2])) for pair in found_pairs}
    truth = book.true_pairs
    hits = found & truth
    precision = len(hits) / float(len(found)) if found else 1.0
    recall = len(hits) / float(len(truth)) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_class = {}
    for pair, kind in book.pair_class().items():
        total, found_count = per_class.get(kind, (0, 0))
        per_class[kind] = (total + 1, found_count + (pair in found))
    false_positives = {}
    for pair in found - truth:
        kind = book.negative_pairs.get(pair, "other")
        false_positives[kind] = false_positives.get(kind, 0) + 1
    return {
        "precision": precision, "recall": recall, "f1": f1, "found": len(found), "true": len(truth),
        "recall_per_class": {kind: (hit / float(total), total) for kind, (total, hit) in sorted(per_class.items())},
        "false_positives": false_positives,
        "negatives": {kind: sum(1 for value in book.negative_pairs.values() if value == kind)
                      for kind in NEGATIVE_CLASSES},
    }


def report(result):
    """The evaluation as lines of text."""
    lines = ["precision %.3f recall %.3f F1 %.3f (%d found, %d true pairs)" % (
        result["precision"], result["recall"], result["f1"], result["found"], result["true"])]
    for kind, (recall, total) in result["recall_per_class"].items():
        lines.append("  %-16s recall %.3f (%d pairs)" % (kind, recall, total))
    for kind, count in sorted(result["false_positives"].items()):
        lines.append("  false positives among %s: %d (of %d look-alike pairs)" % (
            kind, count, result["negatives"].get(kind, 0)))
    return lines
