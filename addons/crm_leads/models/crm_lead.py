import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import access_guard

INTAKE_CHANNELS = [
    ("api", "Web Service"),
    ("form", "Website Form"),
    ("email", "E-mail"),
    ("manual", "Manual"),
]


# stock links of a lead its users set: to records they may read (Odoo 11 reads a many2one's
# name as superuser: an employee's private address or another company's team would show theirs)
LINK_FIELDS = ("partner_id", "team_id")


_logger = logging.getLogger(__name__)


def clean_non_finite_revenue(cr):
    """Set to 0 the expected revenue of leads stored as NaN or infinite (the web service took
    them before it refused them: they broke the forecast and the exports), in one statement,
    without posting in the leads' chatter; the ids are logged. Returns them. Run by the
    migration to 11.0.1.1.0; safe to run again."""
    cr.execute("UPDATE crm_lead SET planned_revenue = 0 "
               "WHERE planned_revenue IN ('NaN', 'Infinity', '-Infinity') RETURNING id")
    lead_ids = sorted(row[0] for row in cr.fetchall())
    if lead_ids:
        _logger.info("Expected revenue of %d leads was NaN or infinite, set to 0: ids %s", len(lead_ids), lead_ids)
    return lead_ids


class CrmLead(models.Model):
    _inherit = "crm.lead"

    temperature = fields.Selection(
        [("cold", "Cold"), ("warm", "Warm"), ("hot", "Hot")],
        track_visibility="onchange",
        help="How ready the lead is to buy: set by hand, by the qualification or by lead scoring.",
    )
    qualification_need = fields.Text(string="Need", help="What the prospect wants to solve.")
    qualification_budget = fields.Char(string="Budget", help="The budget the prospect has for it.")
    qualification_timing = fields.Char(string="Timing", help="When the prospect wants to decide or start.")
    qualification_decision_maker = fields.Boolean(
        string="Talking to the Decision Maker",
        help="The contact decides or has been confirmed to lead the decision.",
    )
    is_qualified = fields.Boolean(
        string="Qualified",
        compute="_compute_is_qualified",
        store=True,
        help="Warm or hot, with the need, budget and timing known: the lead may become an opportunity.",
    )
    # the intake bookkeeping is the pipeline's (``_code_driven_fields``): not copied to a duplicate
    intake_channel = fields.Selection(INTAKE_CHANNELS, readonly=True, index=True, string="Captured By", copy=False)
    intake_api_key_id = fields.Many2one("crm.lead.api.key", string="API Key", readonly=True, ondelete="set null",
                                        copy=False)
    intake_lang = fields.Char(string="Language", help="Language code of the prospect (fr_FR, en_US...).")
    intake_rule_id = fields.Many2one("crm.lead.assignment.rule", string="Assignment Rule", readonly=True,
                                     ondelete="set null", copy=False)
    intake_assigned_date = fields.Datetime(string="Assigned On", readonly=True, copy=False)
    intake_activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Activity",
        readonly=True,
        ondelete="set null",
        copy=False,
        help="The activity given to the salesperson; while it is not done the lead counts as unattended.",
    )

    @api.model
    def _code_driven_fields(self):
        """Fields only the application writes (as the superuser, after its own checks): a
        create or write of one by any other user is refused (``access_guard``). Other addons
        add theirs with ``super()``. The temperature is not one: salespeople qualify leads by
        hand (the form's status bar, *Qualify*)."""
        return {"is_qualified", "intake_channel", "intake_api_key_id", "intake_rule_id", "intake_assigned_date",
                "intake_activity_id"}

    @api.model
    def create(self, vals):
        code_fields = self._code_driven_fields()
        access_guard.check_code_fields(self, vals, code_fields)
        access_guard.check_links(self, access_guard.link_values(self, vals, LINK_FIELDS), LINK_FIELDS)
        self = access_guard.without_code_defaults(self, code_fields)
        return super(CrmLead, self).create(vals)

    @api.multi
    def write(self, vals):
        access_guard.check_code_fields(self, vals, self._code_driven_fields())
        access_guard.check_links(self, vals, LINK_FIELDS)
        return super(CrmLead, self).write(vals)

    @api.depends("temperature", "qualification_need", "qualification_budget", "qualification_timing")
    def _compute_is_qualified(self):
        for lead in self:
            lead.is_qualified = bool(lead.temperature in ("warm", "hot") and lead.qualification_need
                                     and lead.qualification_budget and lead.qualification_timing)

    @api.multi
    def action_qualify(self):
        """Answer the questions then press Qualify: the lead becomes warm (hot with a decision maker)."""
        for lead in self:
            missing = [label for label, value in (
                (_("Need"), lead.qualification_need),
                (_("Budget"), lead.qualification_budget),
                (_("Timing"), lead.qualification_timing)) if not value]
            if missing:
                raise UserError(_("Answer these qualification questions first: %s.") % ", ".join(missing))
            lead.temperature = "hot" if lead.qualification_decision_maker else "warm"
        return True

    @api.multi
    def action_convert_qualified(self):
        """Turn qualified leads into opportunities, linking the customer found by
        ``res.partner._intake_find_partner`` or creating it (company and contact for B2B,
        a person for B2C)."""
        not_qualified = self.filtered(lambda lead: lead.type == "lead" and not lead.is_qualified)
        if not_qualified:
            raise UserError(_("Only qualified leads become opportunities this way; qualify %s first "
                              "or convert it by hand.") % ", ".join(not_qualified.mapped("name")))
        for lead in self.filtered(lambda lead: lead.type == "lead"):
            partner = lead._intake_customer()
            lead.convert_opportunity(partner.id)
            if lead.intake_activity_id:
                lead.intake_activity_id.action_done()
        return True

    @api.multi
    def _intake_customer(self):
        """The customer of this lead: the linked partner, an existing match, or a new one."""
        self.ensure_one()
        if self.partner_id:
            return self.partner_id
        Partner = self.env["res.partner"]
        found = Partner._intake_find_partner({
            "email": self.email_from, "phone": self.phone or self.mobile, "name": self.contact_name,
            "company_name": self.partner_name, "website": self.website,
        })
        if found:
            if self.contact_name and found.is_company:
                contact = Partner.search([("parent_id", "=", found.id), ("name", "=ilike", self.contact_name)],
                                         limit=1)
                if not contact:
                    contact = Partner.create(self._create_lead_partner_data(self.contact_name, False, found.id))
                return contact
            return found
        return self._create_lead_partner()
