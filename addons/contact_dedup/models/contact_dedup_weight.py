from odoo import _, api, fields, models

from ..lib import fellegi_sunter


class ContactDedupWeight(models.Model):
    """One comparison level of one field, with its m, u and weight, as the last scan estimated
    them: what a manager reads to see how much each kind of agreement counts."""

    _name = "contact.dedup.weight"
    _description = "Weight of a field's comparison level in duplicate matching"
    _order = "kind, sequence, level"

    kind = fields.Selection([("person", "Persons"), ("company", "Companies")], required=True, readonly=True)
    field_name = fields.Char(string="Field", required=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    level = fields.Integer(readonly=True)
    level_name = fields.Char(string="Comparison", readonly=True)
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
        help="Share of pairs of different records at this level (counted on random pairs).",
    )
    weight = fields.Float(
        digits=(6, 2),
        readonly=True,
        help="log2(m / u): added to a pair's match weight at this level (before the adjustment for "
             "frequent names and numbers).",
    )

    @api.model
    def _field_labels(self):
        return {
            "name": _("Name"), "email": _("E-mail"), "phone": _("Phone"), "address": _("Address"),
            "vat": _("VAT number"), "domain": _("Web domain"), "company": _("Company"),
        }

    @api.model
    def _store_model(self, model):
        """Replace the rows by the levels of ``model`` (a ``fellegi_sunter.Model``)."""
        self.search([]).unlink()
        phrases = self.env["contact.dedup.group"]._dedup_phrases()
        labels = self._field_labels()
        values = []
        for kind in fellegi_sunter.KINDS:
            for sequence, field in enumerate(fellegi_sunter.FIELD_NAMES):
                for level, phrase in enumerate(phrases[field]):
                    values.append({
                        "kind": kind, "field_name": labels[field], "sequence": sequence, "level": level,
                        "level_name": phrase, "m_probability": model.m[kind][field][level],
                        "u_probability": model.u[kind][field][level], "weight": model.weight(kind, field, level),
                    })
        for vals in values:
            self.create(vals)
        return True
