import re
import secrets

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError

from .. import access_guard
from ..lib import api as api_lib
from ..lib import form as form_lib
from ..lib.intake import clean_payload


KEY_KINDS = [
    ("secret", "Secret"),
    ("publishable", "Publishable"),
]
# links a manager writes: to records the manager reads
LINK_FIELDS = ("team_id", "source_id", "company_id")
# set by the application once the key exists (``action_generate_key``, ``action_new_form_token``):
# a prefix written by hand would pass one key for another, a form address is the key's to change
CODE_FIELDS = ("key_prefix", "form_token")


class CrmLeadApiKey(models.Model):
    _name = "crm.lead.api.key"
    _inherit = "crm_leads.admin_field_guard"  # the key's hash: no query criterion but for administrators
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
    key_kind = fields.Selection(
        KEY_KINDS,
        string="Kind",
        required=True,
        default="secret",
        help="Secret: for your servers only; creates leads through the web service, and sends events and "
             "website forms. Publishable: may be written in public web pages (the tracking script); only "
             "sends events and website forms.",
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
    form_token = fields.Char(
        string="Form Identifier",
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: secrets.token_urlsafe(16),
        help="Public identifier of the website form of this key, in its address (not a secret: "
             "the form can only create leads).",
    )
    form_min_seconds = fields.Integer(
        string="Minimum Fill Time (s)",
        default=3,
        help="A form sent sooner than this after it was displayed is treated as spam.",
    )
    form_ip_rate_limit = fields.Integer(
        string="Form Posts per Minute and Visitor",
        default=10,
        help="Most form submissions per minute accepted from one IP address (0: no limit).",
    )
    form_spam_count = fields.Integer(
        string="Spam Refused",
        readonly=True,
        copy=False,
        help="Form submissions refused as spam (hidden field filled in, sent too fast or forged).",
    )
    form_url = fields.Char(
        string="Form Page",
        compute="_compute_form_snippet",
        help="Its address starts with the system parameter web.base.url: it must be the public "
             "address of this Odoo (not localhost), or visitors cannot open the form.",
    )
    form_snippet = fields.Text(
        string="Code to Paste",
        compute="_compute_form_snippet",
        help="Paste this tag where the form must appear on your website, and add the website to the "
             "allowed origins. Its address comes from the system parameter web.base.url, which must be "
             "the public address of this Odoo (not localhost).",
    )

    _sql_constraints = [
        ("form_token_unique", "unique(form_token)", "The form identifier must be unique."),
    ]

    @api.constrains("rate_limit", "form_ip_rate_limit")
    def _check_rate_limits(self):
        for key in self:
            if key.rate_limit < 0 or key.form_ip_rate_limit < 0:
                raise ValidationError(_("A rate limit cannot be negative (0 means no limit)."))

    @api.constrains("form_min_seconds")
    def _check_form_min_seconds(self):
        for key in self:
            if key.form_min_seconds < 0:
                raise ValidationError(_("The minimum fill time of the form cannot be negative (0 means no "
                                        "minimum)."))

    @api.model_cr_context
    def _auto_init(self):
        """Keys created before the website form get each their own form identifier."""
        cr = self.env.cr
        if tools.table_exists(cr, self._table) and not tools.column_exists(cr, self._table, "form_token"):
            tools.create_column(cr, self._table, "form_token", "varchar")
            cr.execute("UPDATE crm_lead_api_key SET form_token = md5(random()::text || id::text)")
        return super(CrmLeadApiKey, self)._auto_init()

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
    def _compute_form_snippet(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        for key in self:
            if not key.form_token:
                key.form_url = key.form_snippet = False
                continue
            key.form_url = "%s/crm/form/%s" % (base_url, key.form_token)
            key.form_snippet = '<script src="%s/crm/form/%s/embed.js" async></script>' % (base_url, key.form_token)

    @api.multi
    def action_new_form_token(self):
        """Give the form a new address: pages embedding the former one stop working."""
        self.check_access_rights("write")
        self.check_access_rule("write")
        for key in self.sudo():
            key.form_token = secrets.token_urlsafe(16)
        return True

    @api.model
    def _form_key(self, form_token):
        """The active key (sudo) of a public form identifier, or an empty recordset."""
        if not form_token or not isinstance(form_token, str):
            return self.sudo().browse()
        return self.sudo().search([("form_token", "=", form_token), ("active", "=", True)], limit=1)

    @api.multi
    def _form_secret(self):
        self.ensure_one()
        return self.env["ir.config_parameter"].sudo().get_param("database.secret", "")

    @api.multi
    def _form_sign(self, now=None):
        """The signed timestamp rendered in the form."""
        self.ensure_one()
        return form_lib.sign_timestamp(self._form_secret(), self.form_token, now)

    @api.multi
    def _form_new_submission_id(self):
        """The one-time submission id rendered in a new form (see ``_form_submit``)."""
        self.ensure_one()
        return form_lib.new_submission_id(self._form_secret(), self.form_token)

    @api.multi
    def _form_count_spam(self):
        """Count one refused spam submission (in SQL: concurrent posts do not conflict)."""
        self.env.cr.execute("UPDATE crm_lead_api_key SET form_spam_count = coalesce(form_spam_count, 0) + 1 "
                            "WHERE id IN %s", (tuple(self.ids),))
        self.invalidate_cache(["form_spam_count"], self.ids)

    @api.multi
    def _form_submit(self, posted, now=None):
        """Run a posted website form through the intake pipeline.

        Returns ``(http status, answer)``: 201 with ``status: created``; spam gets the very
        same answer (counted, nothing created: a bot cannot tell it was caught);
        400 with ``error: {code, message, field}`` for what the visitor must correct.

        A form rendered with a one-time ``submission_id`` makes one lead however often it is
        posted (a double click, a browser posting again, at the same time or later): the
        later posts answer 200 with the first answer. A post refused for a field to correct
        does not use the id up."""
        self.ensure_one()
        key = self.sudo()
        thanks = _("Thank you! We will contact you shortly.")
        verdict = form_lib.check_timestamp(key._form_secret(), key.form_token, posted.get("ts"),
                                           key.form_min_seconds, now)
        has_submission, submission_id = form_lib.check_submission_id(
            key._form_secret(), key.form_token, posted.get("submission_id"))
        if verdict == form_lib.SPAM or form_lib.is_honeypot_filled(posted) or (has_submission and not submission_id):
            key._form_count_spam()
            return 201, {"status": "created", "message": thanks}
        if verdict == form_lib.EXPIRED:
            return 400, {"error": {"code": "form_expired", "field": None,
                                   "message": _("This form has expired: reload the page and send it again.")}}
        payload, visitor_id = form_lib.form_payload(posted)
        values, extra, errors = clean_payload(payload)
        if errors:
            field, reason = errors[0][0] or None, errors[0][1]
            return 400, {"error": {"code": "invalid_field", "field": field,
                                   "message": self._form_error(field, reason)}}
        if extra.get("lang"):
            # the page's language when this database has it; a person's form is never
            # refused for a hidden field: an unknown language is left out
            extra["lang"] = self.env["crm.lead"]._intake_lang_code(extra["lang"])
        for name in ("country_code", "lang", "tags"):
            if extra.get(name):
                values[name] = extra[name]
        if visitor_id and "visitor_id" in self.env["crm.lead"]._fields:
            values["visitor_id"] = visitor_id
        Lead = self.env["crm.lead"].sudo().with_context(force_company=key.company_id.id)
        Requests = self.env["crm.lead.api.request"].sudo()
        claim = "form:%s" % submission_id if submission_id else None
        answer = {"status": "created", "message": thanks}
        try:
            with self.env.cr.savepoint():
                if claim and not Requests._claim(key, claim):
                    # posted before: waited here for the first post to end, answer as it did
                    return key._form_replay(claim)
                Lead.intake_create(values, "form", api_key=key, utm=extra["utm"])
                if claim:
                    Requests._store_answer(key, claim, 201, answer)
        except (ValidationError, UserError, AccessError) as error:
            # the field at fault when the pipeline names it (an unknown country): the form shows it
            return 400, {"error": {"code": "invalid_lead", "field": getattr(error, "field", None),
                                   "message": error.name}}
        return 201, answer

    @api.multi
    def _form_replay(self, claim):
        """``(status, answer)`` for a form posted again: 200 and the first answer."""
        stored = self.env["crm.lead.api.request"].sudo()._stored_answer(self, claim)
        if not stored or not stored[0]:
            return 409, {"error": {"code": "request_in_progress", "field": None,
                                   "message": _("This form is being sent: wait a moment.")}}
        return 200, stored[1]

    @api.model
    def _form_error(self, field, reason=None):
        """The message shown to the visitor for the form field at fault: named by its label,
        with the reason when the visitor can act on it (a value too long)."""
        messages = {
            "email": _("Enter a valid e-mail address or a phone number."),
            "name": _("Enter your name or your company's name."),
            "country": _("Choose a country from the list."),
            "phone": _("Enter a phone number with its digits."),
            "mobile": _("Enter a phone number with its digits."),
        }
        if field in messages:
            return messages[field]
        lead_field = "description" if field == "message" else field
        label = (self.env["crm.lead"].fields_get([lead_field], ["string"]).get(lead_field, {}).get("string")
                 if lead_field else None) or field
        too_long = re.match(r"At most (\d+) characters", reason or "")
        if too_long:
            return _("The field '%(field)s' is too long: at most %(limit)d characters.") % {
                "field": label, "limit": int(too_long.group(1))}
        return _("Check the field '%s'.") % label

    @api.model
    def _form_network_error(self):
        return _("The form could not be sent. Please try again later or write to us by e-mail.")

    @api.model
    def _form_origin_refused_message(self):
        return _("This website is not allowed to send this form.")

    @api.model
    def _form_too_large_message(self):
        return _("The form is too large to be sent: shorten your message.")

    @api.model
    def _form_nul_message(self, field):
        """A field posted with a NUL character, named by its label in the visitor's language."""
        label = self.env["crm.lead"].fields_get([field], ["string"]).get(field, {}).get("string") or field
        return _("The field '%s' holds a character that cannot be stored (NUL): remove it and send the "
                 "form again.") % label

    @api.model
    def _form_rate_limited_message(self):
        return _("Too many messages sent from your connection: please wait a minute and send it again.")

    @api.multi
    def action_generate_key(self):
        """Generate a new secret for this key, store only its hash and show it once.

        The former secret stops working at once."""
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise UserError(_("Only a sales manager can generate API keys."))
        token = api_lib.new_key(self.key_kind)
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

    # ------------------------------------------------------------------ access guards

    @api.model
    def create(self, vals):
        access_guard.check_links(self, vals, LINK_FIELDS)
        return super(CrmLeadApiKey, self).create(vals)

    @api.multi
    def write(self, vals):
        """A publishable key may already be in public pages: it never becomes secret."""
        access_guard.check_code_fields(self, vals, CODE_FIELDS)
        access_guard.check_links(self, vals, LINK_FIELDS)
        if vals.get("key_kind") == "secret" and "hashed_key" not in vals:
            published = self.sudo().filtered(lambda key: key.key_kind == "publishable" and key.hashed_key)
            if published:
                raise UserError(_("The key %s may already be in public web pages: it cannot become secret. "
                                  "Create a secret key instead.") % ", ".join(published.mapped("name")))
        return super(CrmLeadApiKey, self).write(vals)

    @api.multi
    def can_create_leads(self):
        """True for a secret key: only it creates leads through the web service."""
        self.ensure_one()
        return self.key_kind == "secret"

    @api.multi
    def action_revoke(self):
        """Revoke the key: requests made with it are refused from now on."""
        self.write({"active": False})
        return True

    @api.model
    def _generate(self, values):
        """Create a key and return ``(record, secret)``: for code and tests."""
        token = api_lib.new_key(values.get("key_kind") or "secret")
        values = dict(values, hashed_key=api_lib.hash_key(token), key_prefix=token[:8])
        return self.sudo().create(values), token

    @api.model
    def _authenticate(self, token):
        """The active key record (sudo) of this secret, or an empty recordset."""
        if not token or not isinstance(token, str):
            return self.sudo().browse()
        return self.sudo().search([("hashed_key", "=", api_lib.hash_key(token)), ("active", "=", True)], limit=1)
