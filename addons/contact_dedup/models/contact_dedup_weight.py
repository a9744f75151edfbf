from odoo import api, fields, models

from ..lib import fellegi_sunter


class ContactDedupWeight(models.Model):
    """One comparison level of one field, with its m, u and weight, as the last scan estimated
    them: what a manager reads to see how much each kind of agreement counts."""

    _name = "contact.dedup.weight"
    _description = "Weight of a field's comparison level in duplicate matching"
    _order = "kind, sequence, level"

    kind = fields.Selection([("person", "Persons"), ("company", "Companies")], required=True, readonly=True)
    field_name = fields.Selection(
        [("name", "Name"), ("email", "E-mail"), ("phone", "Phone"), ("address", "Address"), ("vat", "VAT number"),
         ("domain", "Web domain"), ("company", "Company")],
        string="Field", required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    level = fields.Integer(readonly=True)
    level_name = fields.Char(string="Comparison", compute="_compute_level_name",
                             help="The comparison level in words, in the reader's language.")
    m_probability = fields.Float(
        string="m",
        digits=(6, 5),
        readonly=True,
        help="Share of true duplicate pairs at this level (estimated by EM on the scan's pairs).",
    )
    u_probability = fields.Float(
        string="u",
        digits=(8, 7),
        readonly=True,
        help="Share of pairs of different records at this level (the same value: counted from how often "
             "each value occurs; the other levels: on random pairs).",
    )
    weight = fields.Float(
        digits=(6, 2),
        readonly=True,
        help="log2(m / u), never more than the weight of a closer level of the field: added to a pair's "
             "match weight at this level (before the adjustment for frequent names and numbers).",
    )

    @api.depends("field_name", "level")
    def _compute_level_name(self):
        phrases = self.env["contact.dedup.group"]._dedup_phrases()
        for weight in self:
            levels = phrases.get(weight.field_name) or ()
            weight.level_name = levels[weight.level] if 0 <= weight.level < len(levels) else ""

    @api.model
    def _store_model(self, model):
        """Replace the rows by the levels of ``model`` (a ``fellegi_sunter.Model``)."""
        self.search([]).unlink()
        phrases = self.env["contact.dedup.group"]._dedup_phrases()
        values = []
        for kind in fellegi_sunter.KINDS:
            for sequence, field in enumerate(fellegi_sunter.FIELD_NAMES):
                probabilities = model.level_probabilities(kind, field)
                for level in range(len(phrases[field])):
                    values.append({
                        "kind": kind, "field_name": field, "sequence": sequence, "level": level,
                        "m_probability": probabilities[level][0],
                        "u_probability": probabilities[level][1], "weight": model.weight(kind, field, level),
                    })
        for vals in values:
            self.create(vals)
        return True
