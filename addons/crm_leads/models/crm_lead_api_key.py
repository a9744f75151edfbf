from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import api as api_lib


class CrmLeadApiKey(models.Model):
    _name = "crm.lead.api.key"
    _description = "Lead web service key"
    _order = "name"

    name = fields.Char(required=True)
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        required=True,
        ondelete="restrict",
        help="New leads sent with this key go to this team unless an assignment rule routes them.",
    )
    source_id = fields.Many2one(
        "utm.source",
        string="Source",
        help="Source of the leads sent with this key when the payload names none.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.user.company_id,
    )
    active = fields.Boolean(default=True)
    allowed_origins = fields.Text(
        help="Websites allowed to post the embedded form with this key, one per line "
             "(https://www.example.com), or * for any.",
    )
    rate_limit = fields.Integer(
        string="Requests per Minute",
        default=60,
        help="Most requests per minute accepted for this key (0: no limit).",
    )
    hashed_key = fields.Char(readonly=True, copy=False, index=True, groups="base.group_system")
    key_prefix = fields.Char(
        string="Key Starts With",
        readonly=True,
        copy=False,
        help="The first characters of the key, to recognise it; the key itself is never stored.",
    )
    new_key = fields.Char(
        compute="_compute_new_key",
        help="Shown once, right after it is generated.",
    )
    lead_count = fields.Integer(compute="_compute_lead_count", string="Leads")

    @api.multi
    def _compute_new_key(self):
        shown = self.env.context.get("crm_leads_new_key") or {}
        for key in self:
            key.new_key = shown.get(str(key.id), False)

    @api.multi
    def _compute_lead_count(self):
        groups = self.env["crm.lead"].read_group(
            [("intake_api_key_id", "in", self.ids)], ["intake_api_key_id"], ["intake_api_key_id"])
        counts = {group["intake_api_key_id"][0]: group["intake_api_key_id_count"] for group in groups}
        for key in self:
            key.lead_count = counts.get(key.id, 0)

    @api.multi
    def action_generate_key(self):
        """Generate a new secret for this key, store only its hash and show it once.

        The former secret stops working at once."""
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(_("Only a sales manager can generate API keys."))
        token = api_lib.new_key()
        self.sudo().write({"hashed_key": api_lib.hash_key(token), "key_prefix": token[:8]})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "views": [(self.env.ref("crm_leads.crm_lead_api_key_view_form_new_key").id, "form")],
            "context": {"crm_leads_new_key": {str(self.id): token}},
        }

    @api.multi
    def action_revoke(self):
        """Revoke the key: requests made with it are refused from now on."""
        self.write({"active": False})
        return True

    @api.model
    def _generate(self, values):
        """Create a key and return ``(record, secret)``: for code and tests."""
        token = api_lib.new_key()
        values = dict(values, hashed_key=api_lib.hash_key(token), key_prefix=token[:8])
        return self.sudo().create(values), token

    @api.model
    def _authenticate(self, token):
        """The active key record (sudo) of this secret, or an empty recordset."""
        if not token or not isinstance(token, str):
            return self.sudo().browse()
        return self.sudo().search([("hashed_key", "=", api_lib.hash_key(token)), ("active", "=", True)], limit=1)
