import json
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import split_every

from ..lib import fellegi_sunter, normalize

# changes of the lead merges running in this process, by the token their context carries
_MERGE_LOGS = {}


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

    @api.model
    def _code_driven_fields(self):
        """The dedup keys (computed) and the duplicate flag (set by the intake pipeline) are the
        application's: a link written by hand would show the name of any lead."""
        return super(CrmLead, self)._code_driven_fields() | {
            "dedup_email", "dedup_phone", "dedup_name", "dedup_duplicate_of_id"}

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
        """A lead as the matching model reads a person: its name, e-mail and phone (the fields
        it lacks are missing, hence neutral)."""
        return {"id": record_id, "is_company": False, "name": row[0] or "", "email": row[1] or "",
                "phone": row[2] or ""}

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
    def _dedup_find_leads(self, values, exclude_ids=(), company_id=None, readable=False):
        """Open leads that look like ``values``: list of (lead id, probability, weights), best
        first; candidates share the e-mail or the phone (as the scan blocks them), scored by the
        contacts' Fellegi-Sunter model (``contact.dedup.group._dedup_lead_model``).

        Only leads of ``company_id`` (else the user's company) or shared are compared, as the
        scan pairs them; with ``readable``, only leads the user may read (record rules): a
        warning must not name, nor reveal, a lead the user cannot open."""
        keys = self._dedup_lead_keys(values)
        if not (keys["email"] or keys["phone"]):
            return []
        self.env.cr.execute("""
            SELECT id FROM crm_lead WHERE active AND probability < 100
               AND (company_id IS NULL OR company_id = %s)
               AND (dedup_email = %s OR dedup_phone = %s) LIMIT 200""",
                            (company_id or self.env.user.company_id.id, keys["email"] or None, keys["phone"] or None))
        ids = set(row[0] for row in self.env.cr.fetchall()) - set(exclude_ids)
        if ids and readable:
            ids = set(self.search([("id", "in", list(ids))]).ids)
        if not ids:
            return []
        Group = self.env["contact.dedup.group"]
        threshold = Group._dedup_threshold()
        model = Group._dedup_lead_model()
        keys.update(id=0, is_company=False)
        found = []
        for candidate in self._dedup_read_keys(ids).values():
            score, weights = model.score(keys, candidate)
            if score >= threshold:
                found.append((candidate["id"], score, weights))
        found.sort(key=lambda item: -item[1])
        return found

    @api.multi
    def merge_opportunity(self, user_id=False, team_id=False):
        """Odoo's merge of leads, every row it changes logged (``contact.dedup.merge.log``) so
        that *Undo merge* brings the merged leads back with everything that was theirs."""
        if len(self.ids) <= 1:
            return super(CrmLead, self).merge_opportunity(user_id=user_id, team_id=team_id)
        token = uuid.uuid4().hex
        log = _MERGE_LOGS[token] = []
        try:
            kept = super(CrmLead, self.with_context(contact_dedup_merge_log=token)).merge_opportunity(
                user_id=user_id, team_id=team_id)
        finally:
            _MERGE_LOGS.pop(token, None)
        kept = kept.with_env(self.env)
        merged = [entry for entry in log if entry[0] == "deleted" and entry[1] == "crm_lead"]
        group = self.env["contact.dedup.group"].browse(self.env.context.get("contact_dedup_group_id"))
        self.env["contact.dedup.merge.log"].sudo()._record_leads(kept, [entry[3] for entry in merged], [
            json.loads(entry[4]).get("name") or "" for entry in merged], log, group=group)
        return kept

    @api.multi
    def merge_dependences(self, opportunities):
        """Before Odoo moves the messages and attachments of the merged leads and deletes them,
        move everything else that points to them (sale orders, activities, events, scores... any
        foreign key in PostgreSQL's catalog, any row naming a lead by model and id) onto this
        one, so that nothing is lost with them. Within ``merge_opportunity`` each change is
        logged, and so are this lead's values and the merged leads' rows."""
        self.ensure_one()
        log = _MERGE_LOGS.get(self.env.context.get("contact_dedup_merge_log"))
        cr = self.env.cr
        tail = opportunities - self
        if log is not None:
            # this lead's values before Odoo writes the merged ones: put back last on undo
            cr.execute("SELECT row_to_json(l)::text FROM crm_lead l WHERE id = %s", (self.id,))
            log.append(("restored", "crm_lead", None, self.id, cr.fetchone()[0], self.id))
        Merge = self.env["contact.dedup.merge"]
        foreign_keys = [key for key in Merge._foreign_keys("crm_lead")
                        if key not in (("crm_lead", "dedup_duplicate_of_id"),)]
        for lead in tail:
            for table, column in foreign_keys:
                Merge._move_column(table, column, lead.id, self.id, log=log)
            for table, model_column in Merge._document_tables():
                Merge._move_column(table, "res_id", lead.id, self.id,
                                   where="AND moved.\"%s\" = %%s" % model_column, params=("crm.lead",), log=log)
        if log is not None and tail:
            # "possible duplicate of" a merged lead: emptied by its deletion, given back on undo
            cr.execute("SELECT id, dedup_duplicate_of_id FROM crm_lead WHERE dedup_duplicate_of_id IN %s",
                       (tuple(tail.ids),))
            pointing = cr.fetchall()
            log.extend(("moved_reference", "crm_lead", "dedup_duplicate_of_id", row_id, str(lead_id), lead_id)
                       for row_id, lead_id in pointing)
            if pointing:
                cr.execute("UPDATE crm_lead SET dedup_duplicate_of_id = NULL WHERE id IN %s",
                           (tuple(row_id for row_id, _lead_id in pointing),))
            # the merged leads as they are before their deletion: inserted back first on undo
            cr.execute("SELECT id, row_to_json(l)::text FROM crm_lead l WHERE id IN %s ORDER BY id",
                       (tuple(tail.ids),))
            log.extend(("deleted", "crm_lead", None, lead_id, data, lead_id) for lead_id, data in cr.fetchall())
        self.invalidate_cache()
        return super(CrmLead, self).merge_dependences(opportunities)

    @api.onchange("email_from", "phone", "mobile", "contact_name", "partner_name")
    def _onchange_dedup_warning(self):
        values = {field: self[field] for field in ("email_from", "phone", "mobile", "contact_name", "partner_name")}
        origin = getattr(self, "_origin", self.browse())
        found = self._dedup_find_leads(values, exclude_ids=[origin.id] if origin.id else [],
                                       company_id=self.company_id.id, readable=True)
        if not found:
            return {}
        phrases = self.env["contact.dedup.group"]._dedup_phrases()
        lines = ["%s (%d%%: %s)" % (self.browse(lead_id).name, int(score * 100),
                                    fellegi_sunter.explain(weights, phrases))
                 for lead_id, score, weights in found[:5]]
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
        found = self._dedup_find_leads(vals, company_id=vals.get("company_id"))
        if found:
            if mode == "block":
                # said to whoever submits the form, a visitor included: no lead is named
                raise ValidationError(_("This request repeats one that is already being handled: "
                                        "it was not recorded again."))
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
