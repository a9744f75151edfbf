"""A generated address book with known duplicates and realistic corruptions.

Used by the lib tests (quality at small size) and by the benchmark (Odoo data at scale).
Deterministic for a given seed.
"""
import random

FIRST_NAMES = """Jean Pierre Marie Anne Michel Nathalie Philippe Isabelle Alain Sylvie Nicolas Catherine
Christophe Valérie Stéphane Sandrine Laurent Véronique Frédéric Christine Olivier Céline Éric Sophie
Julien Françoise Thierry Aurélie Sébastien Hélène David Camille Patrick Émilie Antoine Chloé François
Léa Guillaume Manon Benoît Inès Jérôme Zoé Mathieu Océane Hugo Clémence Lucas Agnès Louis Noémie
Thomas Gaëlle Maxime Maëlle Raphaël Solène Gérard Josiane Bruno Mélanie Yves Margaux Hervé Pauline
Klaus Jürgen Anna Lukas Sarah Oliver Emma James Chiara Marco Lucía Javier""".split()
LAST_NAMES = """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefèbvre
Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert
Bonnet François Martínez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas
Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sánchez Gérard
Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Pérez
Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard
Arnaud Rolland Caron Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe
Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da Silva Hubert Louis Charles Guillot Rivière Le Gall
Guillaume Adam Rey Moulin Gonzalez Berger Lecomte Ménard Fleury Deschamps Carpentier Julien Benoît
Paris Maillard Marchal Aubry Vasseur Le Roux Renault Jacquet Collet Prévost Poirier Charpentier Royer
Huet Baron Dupuy Pons Paul Laine Carré Breton Rémy Schneider Perrot Guyot Barre Marty Cousin Bailly
Hoarau Weber Herrmann Koch Schulz Wagner Becker Hoffmann Smith Jones Taylor Brown Wilson Evans Rossi
Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa Giordano""".split()
COMPANY_WORDS = """Acier Atelier Bois Boulangerie Cabinet Conseil Construction Distribution Électricité Énergie
Études Façades Ferronnerie Fromagerie Garage Génie Habitat Immobilier Imprimerie Informatique Ingénierie
Jardins Logistique Maçonnerie Mécanique Menuiserie Métallerie Nettoyage Optique Papeterie Peinture
Pharmacie Plomberie Pneus Rénovation Restauration Sécurité Services Solutions Systèmes Technologies
Textile Transports Travaux Vins Voyages Alpha Atlas Aurore Azur Boréal Cèdre Chêne Delta Émeraude Étoile
Horizon Iris Lumière Mistral Nova Océan Olympe Opale Orion Phénix Pyrénées Rhône Saphir Sirius Soleil
Terra Titan Vega Vertige Zénith Alsace Anjou Aquitaine Auvergne Bretagne Bourgogne Champagne Corse
Gascogne Lorraine Normandie Picardie Provence Savoie Touraine Vendée Loire Seine Garonne Dordogne""".split()
LEGAL_FORMS = ["SARL", "SAS", "SA", "EURL", "SASU", "SCI", "S.A.R.L.", "S.A.S.", "GmbH", "Ltd", "Inc", "SNC"]
STREET_TYPES = [("rue", "r."), ("avenue", "av."), ("boulevard", "bd"), ("place", "pl."), ("impasse", "imp."),
                ("allée", "all."), ("chemin", "chem."), ("route", "rte")]
STREET_NAMES = """Victor Hugo|de la République|Jean Jaurès|Pasteur|du Général de Gaulle|de la Gare|des Écoles|
Gambetta|de Verdun|Voltaire|Saint-Martin|des Lilas|du Moulin|de l'Église|Carnot|Foch|Émile Zola|de Paris|
des Tilleuls|du Château|de la Liberté|Jules Ferry|Nationale|des Acacias|de la Mairie|du Port|Molière|
Sainte-Anne|de Bretagne|des Vignes""".replace("\n", "").split("|")
FREE_MAILS = ["gmail.com", "orange.fr", "free.fr", "yahoo.fr", "hotmail.fr", "laposte.net", "wanadoo.fr"]


def _ascii(text):
    from .normalize import strip_accents
    return strip_accents(text)


def _slug(text):
    return "".join(char for char in _ascii(text).lower() if char.isalnum())


def _phone_digits(rng, mobile):
    return ("0%d" % rng.choice([6, 7]) if mobile else "0%d" % rng.randint(1, 5)) + "".join(
        str(rng.randint(0, 9)) for _ in range(8))


def _format_phone(rng, digits):
    style = rng.randint(0, 4)
    pairs = [digits[i:i + 2] for i in range(0, 10, 2)]
    if style == 0:
        return " ".join(pairs)
    if style == 1:
        return "+33 %s %s" % (digits[1], " ".join(pairs)[3:])
    if style == 2:
        return digits
    if style == 3:
        return ".".join(pairs)
    return "0033%s" % digits[1:]


def _typo(rng, text):
    letters = [i for i, char in enumerate(text) if char.isalpha()]
    if len(letters) < 5:
        return text
    index = rng.choice(letters[2:])
    kind = rng.randint(0, 2)
    if kind == 0:  # substitution
        return text[:index] + rng.choice("aeioulnrst") + text[index + 1:]
    if kind == 1:  # deletion
        return text[:index] + text[index + 1:]
    if index + 1 < len(text):  # transposition
        return text[:index] + text[index + 1] + text[index] + text[index + 2:]
    return text


class AddressBook(object):
    """``rows``: list of dicts of raw partner values with ``id`` (0..n-1) and ``entity``;
    ``true_pairs``: set of (id, id) pairs that are the same company or person."""

    def __init__(self, size, duplicate_rate=0.2, seed=42):
        self.rng = random.Random(seed)
        self.rows = []
        self.size = size
        self.duplicate_rate = duplicate_rate
        self._used_names = set()
        self._generate()

    def _zip_city(self):
        rng = self.rng
        department = rng.randint(1, 95)
        city = "%s-%s" % (rng.choice(["Saint", "Sainte", "Villa", "Mont", "Bourg", "Port", "Val"]),
                          rng.choice(COMPANY_WORDS[40:]))
        return "%02d%03d" % (department, rng.randint(0, 99) * 10), city

    def _company(self, entity):
        rng = self.rng
        name = " ".join(rng.sample(COMPANY_WORDS, rng.choice([1, 2, 2, 3])))
        while name in self._used_names:
            name = "%s %s" % (name, rng.choice(COMPANY_WORDS))
        self._used_names.add(name)
        zip_code, city = self._zip_city()
        street_type = rng.choice(STREET_TYPES)
        domain = "%s.%s" % (_slug(name)[:24], rng.choice(["fr", "com", "eu", "fr"]))
        while domain in self._used_names:
            domain = "%d%s" % (rng.randint(0, 9), domain)
        self._used_names.add(domain)
        return {
            "entity": entity, "is_company": True,
            "name": "%s %s" % (name, rng.choice(LEGAL_FORMS)) if rng.random() < 0.7 else name,
            "email": "contact@%s" % domain,
            "phone": _format_phone(rng, _phone_digits(rng, False)),
            "vat": "FR%011d" % rng.randint(10 ** 9, 10 ** 11 - 1) if rng.random() < 0.6 else "",
            "website": "https://www.%s" % domain if rng.random() < 0.8 else "",
            "street": "%d %s %s" % (rng.randint(1, 200), street_type[0], rng.choice(STREET_NAMES)),
            "street_short": street_type,
            "zip": zip_code, "city": city, "company_name": "",
        }

    def _person(self, entity, company):
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if company and rng.random() < 0.7:
            domain = company["email"].split("@")[1]
            email = "%s.%s@%s" % (_slug(first), _slug(last), domain)
        else:
            email = "%s.%s%d@%s" % (_slug(first), _slug(last), rng.randint(1, 999), rng.choice(FREE_MAILS))
        zip_code, city = (company["zip"], company["city"]) if company else self._zip_city()
        return {
            "entity": entity, "is_company": False, "name": "%s %s" % (first, last),
            "first": first, "last": last, "email": email,
            "mobile": _format_phone(rng, _phone_digits(rng, True)),
            "phone": "", "vat": "", "website": "",
            "street": company["street"] if company else "",
            "zip": zip_code, "city": city,
            "company_name": company["name"] if company else "",
        }

    def _corrupt(self, row):
        """A duplicate as a second person or a lead form would type it."""
        rng = self.rng
        copy = dict(row)
        changes = rng.sample(["typo", "accents", "case", "order", "phone", "legal", "missing", "street",
                              "email"], rng.randint(1, 3))
        for change in changes:
            if change == "typo":
                copy["name"] = _typo(rng, copy["name"])
            elif change == "accents":
                copy["name"] = _ascii(copy["name"])
                copy["city"] = _ascii(copy["city"])
            elif change == "case":
                copy["name"] = copy["name"].upper() if rng.random() < 0.5 else copy["name"].lower()
            elif change == "order" and not copy["is_company"]:
                copy["name"] = rng.choice(["%s %s", "%s, %s"]) % (copy["last"].upper(), copy["first"])
            elif change == "phone":
                for field in ("phone", "mobile"):
                    if copy.get(field):
                        digits = "".join(char for char in copy[field] if char.isdigit())
                        digits = "0" + digits[-9:]
                        copy[field] = _format_phone(rng, digits)
            elif change == "legal" and copy["is_company"]:
                base = copy["name"]
                for form in LEGAL_FORMS:
                    if base.endswith(" " + form):
                        base = base[:-len(form) - 1]
                copy["name"] = "%s %s" % (rng.choice(LEGAL_FORMS), base) if rng.random() < 0.5 else base
            elif change == "missing":
                droppable = [f for f in ("email", "phone", "mobile", "website", "vat", "street") if copy.get(f)]
                if len(droppable) > 1:
                    copy[rng.choice(droppable)] = ""
            elif change == "street" and copy.get("street") and copy.get("street_short"):
                full, short = copy["street_short"]
                copy["street"] = copy["street"].replace(full, short)
            elif change == "email" and copy.get("email"):
                local, domain = copy["email"].split("@")
                copy["email"] = rng.choice(["%s@%s" % (local.upper(), domain.upper()),
                                            " %s@%s " % (local, domain)])
        return copy

    def _generate(self):
        rng = self.rng
        entities = []
        companies = []
        entity = 0
        while len(entities) < self.size / (1 + self.duplicate_rate * 1.2):
            if not companies or rng.random() < 0.3:
                row = self._company(entity)
                companies.append(row)
            else:
                row = self._person(entity, rng.choice(companies) if rng.random() < 0.8 else None)
            entities.append(row)
            entity += 1
        rows = []
        for row in entities:
            rows.append(row)
            if rng.random() < self.duplicate_rate:
                for _copy in range(rng.choice([1, 1, 1, 1, 2])):
                    rows.append(self._corrupt(row))
        rows = rows[:self.size]
        rng.shuffle(rows)
        for index, row in enumerate(rows):
            row["id"] = index + 1
        self.rows = rows

    @property
    def true_pairs(self):
        by_entity = {}
        for row in self.rows:
            by_entity.setdefault(row["entity"], []).append(row["id"])
        pairs = set()
        for ids in by_entity.values():
            ids.sort()
            for index, first in enumerate(ids):
                for second in ids[index + 1:]:
                    pairs.add((first, second))
        return pairs

    def partner_values(self, row):
        """The res.partner values of a row (without the generator's own keys)."""
        return {key: row.get(key) or False for key in
                ("name", "is_company", "email", "phone", "mobile", "vat", "website", "street", "zip", "city")}
