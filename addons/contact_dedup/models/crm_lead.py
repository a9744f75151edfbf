from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import split_every

from ..lib import matching, normalize


class CrmLead(models.Model):
    _inherit = "crm.lead"

    dedup_email = fields.Char(string="Normalised e-mail", compute="_compute_dedup_keys", store=True, index=True)
    dedup_phone = fields.Char(string="Normalised phone", compute="_compute_dedup_keys", store=True, index=True)
    dedup_name = fields.Char(string="Normalised name", compute="_compute_dedup_keys", store=True)
    dedup_duplicate_of_id = fields.Many2one(
        "crm.lead",
        string="Possible duplicate of",
        readonly=True,
        copy=False,
        help="Set when the lead came in while a similar open lead existed.",
    )

    @api.depends("email_from", "phone", "mobile", "contact_name", "partner_name", "country_id")
    def _compute_dedup_keys(self):
        country = self.env["res.partner"]._dedup_default_country()
        rules = self.env["res.partner"]._dedup_provider_rules()
        for lead in self:
            lead.dedup_email = normalize.normalize_email(lead.email_from, rules) or False
            lead.dedup_phone = normalize.normalize_phone(lead.phone or lead.mobile,
                                                         lead.country_id.code or country) or False
            lead.dedup_name = normalize.normalize_person_name(lead.contact_name or lead.partner_name) or False

    @api.model
    def _dedup_lead_keys(self, values):
        country = self.env["res.partner"]._dedup_default_country()
        return {
            "name": normalize.normalize_person_name(values.get("contact_name") or values.get("partner_name")),
            "email": normalize.normalize_email(values.get("email_from"),
                                               self.env["res.partner"]._dedup_provider_rules()),
            "phone": normalize.normalize_phone(values.get("phone") or values.get("mobile"), country),
            "company": normalize.normalize_company_name(values.get("partner_name")) if values.get("contact_name")
            else "",
        }

    @api.model
    def _dedup_key_columns(self):
        """Columns of crm_lead that ``_dedup_keys_from_row`` turns into a keys dict."""
        return ("dedup_name", "dedup_email", "dedup_phone")

    @api.model
    def _dedup_keys_from_row(self, record_id, row):
        return {"id": record_id, "name": row[0], "email": row[1], "phone": row[2]}

    @api.model
    def _dedup_read_keys(self, ids):
        result = {}
        for chunk in split_every(20000, list(ids)):
            self.env.cr.execute("SELECT id, %s FROM crm_lead WHERE id IN %%s" % ", ".join(self._dedup_key_columns()),
                                (tuple(chunk),))
            for row in self.env.cr.fetchall():
                result[row[0]] = self._dedup_keys_from_row(row[0], row[1:])
        return result

    @api.model
    def _dedup_find_leads(self, values, exclude_ids=()):
        """Open leads that look like ``values``: list of (lead id, score, reasons), best first."""
        keys = self._dedup_lead_keys(values)
        if not (keys["email"] or keys["phone"]):
            return []
        self.env.cr.execute("""
            SELECT id FROM crm_lead WHERE active AND probability < 100
               AND (dedup_email = %s OR dedup_phone = %s) LIMIT 200""", (keys["email"] or None, keys["phone"] or None))
        ids = set(row[0] for row in self.env.cr.fetchall()) - set(exclude_ids)
        threshold = self.env["contact.dedup.group"]._dedup_threshold()
        found = []
        for candidate in self._dedup_read_keys(ids).values():
            score, reasons = matching.score_pair(keys, candidate)
            if score >= threshold:
                found.append((candidate["id"], score, reasons))
        found.sort(key=lambda item: -item[1])
        return found

    @api.multi
    def merge_dependences(self, opportunities):
        """Before Odoo moves the messages and attachments of the merged leads and deletes them,
        move everything else that points to them (sale orders, activities, events, scores... any
        foreign key in PostgreSQL's catalog, any row naming a lead by model and id) onto this
        one, so that nothing is lost with them."""
        self.ensure_one()
        Merge = self.env["contact.dedup.merge"]
        foreign_keys = [key for key in Merge._foreign_keys("crm_lead")
                        if key not in (("crm_lead", "dedup_duplicate_of_id"),)]
        for lead in opportunities - self:
            for table, column in foreign_keys:
                Merge._move_column(table, column, lead.id, self.id)
            for table, model_column in Merge._document_tables():
                Merge._move_column(table, "res_id", lead.id, self.id,
                                   where="AND moved.\"%s\" = %%s" % model_column, params=("crm.lead",))
        self.invalidate_cache()
        return super(CrmLead, self).merge_dependences(opportunities)

    @api.onchange("email_from", "phone", "mobile", "contact_name", "partner_name")
    def _onchange_dedup_warning(self):
        values = {field: self[field] for field in ("email_from", "phone", "mobile", "contact_name", "partner_name")}
        origin = getattr(self, "_origin", self.browse())
        found = self._dedup_find_leads(values, exclude_ids=[origin.id] if origin.id else [])
        if not found:
            return {}
        Group = self.env["contact.dedup.group"]
        lines = ["%s (%d%%: %s)" % (self.browse(lead_id).name, round(score * 100), Group._reasons_text(reasons))
                 for lead_id, score, reasons in found[:5]]
        return {"warning": {
            "title": _("Possible duplicate"),
            "message": _("This lead looks like:\n%s") % "\n".join(lines),
        }}

    @api.model
    def _intake_check_duplicates(self, vals, context):
        """Link the lead to its existing contact and flag duplicate open leads, per the setting:

        warn: flag only; link: also set the customer above the threshold; block: refuse a lead
        that duplicates an open one.
        """
        vals = super(CrmLead, self)._intake_check_duplicates(vals, context)
        mode = self.env["contact.dedup.group"]._dedup_mode()
        found = self._dedup_find_leads(vals)
        if found:
            if mode == "block":
                raise ValidationError(_("This lead duplicates the open lead %s.") % self.browse(found[0][0]).name)
            vals["dedup_duplicate_of_id"] = found[0][0]
        if mode == "link" and not vals.get("partner_id"):
            partner = self.env["res.partner"]._intake_find_partner({
                "email": vals.get("email_from"),
                "phone": vals.get("phone") or vals.get("mobile"),
                "name": vals.get("contact_name"),
                "company_name": vals.get("partner_name"),
            })
            if partner:
                vals["partner_id"] = partner.id
        return vals
