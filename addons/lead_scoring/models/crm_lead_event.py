import datetime
import logging

import odoo
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.crm_leads import access_guard

from ..lib import visitor as visitor_lib

_logger = logging.getLogger(__name__)

EVENT_TYPES = [
    ("page_view", "Page view"),
    ("download", "Download"),
    ("newsletter", "Newsletter sign-up"),
    ("form", "Form answer"),
    ("email_open", "E-mail opened"),
    ("email_click", "E-mail link clicked"),
]


#: how far in the future an event may be dated (the sender's clock may be a little ahead)
MAX_FUTURE = datetime.timedelta(minutes=5)


class InvalidVisitor(ValidationError):
    """A visitor id the server did not hand out to a website of this company."""

    #: the field named in the error answers of the web service
    field = "visitor_id"


class InvalidEventField(ValidationError):
    """A value of an event that cannot be taken, with the name of its ``field``."""

    def __init__(self, msg, field):
        super(InvalidEventField, self).__init__(msg)
        self.field = field


class CrmLeadEvent(models.Model):
    _name = "crm.lead.event"
    _description = "Lead Behaviour Event"
    _order = "timestamp desc, id desc"

    event_type = fields.Selection(
        selection=EVENT_TYPES,
        required=True,
        index=True,
    )
    url = fields.Char(
        string="URL",
        help="Page or file the event is about.",
    )
    name = fields.Char(
        string="Details",
        help="Free text: form name, e-mail subject...",
    )
    timestamp = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        index=True,
    )
    lead_id = fields.Many2one(
        comodel_name="crm.lead",
        string="Lead",
        ondelete="cascade",
        index=True,
        # the salesperson's record rule goes through the lead: a join, not a list of lead ids
        auto_join=True,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Contact",
        ondelete="set null",
        index=True,
    )
    visitor_id = fields.Char(
        string="Visitor",
        index=True,
        help="Anonymous visitor id set by the tracking script, until the visitor submits a form.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env["res.company"]._company_default_get("crm.lead.event"),
    )

    # links a user writes: to records the user reads (Odoo 11 shows their names as superuser)
    _link_fields = ("lead_id", "partner_id", "company_id")

    @api.model
    def create(self, vals):
        access_guard.check_links(self, vals, self._link_fields)
        return super(CrmLeadEvent, self).create(vals)

    @api.multi
    def write(self, vals):
        access_guard.check_links(self, vals, self._link_fields)
        return super(CrmLeadEvent, self).write(vals)

    @api.model
    def _event_vals(self, payload, company_id=None, publishable=False):
        """Check one event payload and return crm.lead.event values (ValidationError if bad).

        With ``company_id`` (the sender's company), the event may only name a lead of that
        company, and it belongs to that company. With ``publishable`` (a key written in public
        web pages, which anyone can copy) it names a lead only together with the visitor id the
        lead was created with (that browser's): a bare lead id is refused, with the same answer
        whether the lead exists or not."""
        if not isinstance(payload, dict):
            raise ValidationError(_("An event must be an object."))
        event_type = payload.get("type") or payload.get("event_type")
        if event_type not in dict(EVENT_TYPES):
            raise ValidationError(_("Unknown event type %(type)r; expected one of: %(types)s.") % {
                "type": event_type, "types": ", ".join(key for key, _label in EVENT_TYPES)})
        vals = {
            "event_type": event_type,
            "url": payload.get("url") or False,
            "name": payload.get("name") or False,
            "visitor_id": payload.get("visitor_id") or False,
        }
        if payload.get("timestamp"):
            try:
                timestamp = fields.Datetime.from_string(payload["timestamp"])
            except (ValueError, TypeError):
                raise InvalidEventField(_("Event timestamp %r is not a date and time (YYYY-MM-DD HH:MM:SS).")
                                        % payload["timestamp"], "timestamp")
            if timestamp > datetime.datetime.utcnow() + MAX_FUTURE:
                # it would keep its full weight until that date, and pump the lead's score
                raise InvalidEventField(_("Event timestamp %s is in the future: send the time the event happened, "
                                          "in UTC.") % fields.Datetime.to_string(timestamp), "timestamp")
            vals["timestamp"] = fields.Datetime.to_string(timestamp)
        lead_id = payload.get("lead_id")
        if lead_id:
            lead = self.env["crm.lead"].browse(int(lead_id)) if str(lead_id).isdigit() else None
            # another company's lead is answered as an unknown one: its existence is not told
            refused = not lead or not lead.exists() or (company_id and lead.company_id.id != company_id)
            if publishable and (refused or not vals["visitor_id"] or lead.visitor_id != vals["visitor_id"]):
                raise ValidationError(_("Lead %s: no event recorded. A publishable key names a lead only with the "
                                        "visitor id of the browser that sent its form.") % lead_id)
            if refused:
                raise ValidationError(_("Unknown lead %s: no event recorded.") % lead_id)
            vals["lead_id"] = lead.id
            vals["partner_id"] = lead.partner_id.id
            vals["company_id"] = lead.company_id.id or company_id or self.env.user.company_id.id
        elif not vals["visitor_id"]:
            raise ValidationError(_("An event needs a lead_id or a visitor_id."))
        elif company_id:
            vals["company_id"] = company_id
        return vals

    # ------------------------------------------------------------------ signed visitor ids

    @api.model
    def _visitor_secret(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.secret")

    @api.model
    def _visitor_new(self, company_id):
        """A new visitor id for a website of ``company_id``, signed by this database."""
        return visitor_lib.sign(self._visitor_secret(), company_id)

    @api.model
    def _visitor_valid(self, visitor_id, company_id):
        """True when ``visitor_id`` was handed out by this database to a website of ``company_id``."""
        return visitor_lib.is_valid(self._visitor_secret(), visitor_id, company_id)

    @api.model
    def _visitor_check(self, visitor_id, company_id):
        """Raise InvalidVisitor unless ``visitor_id`` was handed out for ``company_id``."""
        if not self._visitor_valid(visitor_id, company_id):
            raise InvalidVisitor(_("Visitor id %r was not handed out by this server to a website of this "
                                   "company: ask /api/crm/v1/visitor for one (the tracking script does).")
                                 % visitor_id)

    @api.model
    @api.returns("self")
    def record_events(self, payloads, company_id=None, signed_visitors=False, publishable=False):
        """Record behaviour events and re-score their leads.

        :param payloads: list of dicts with ``type``, ``url``, ``name``, ``timestamp``
            (UTC), and ``lead_id`` or ``visitor_id``
        :param company_id: the sender's company (the web service gives its key's): events
            may only name its leads, and anonymous ones join only its leads
        :param signed_visitors: the web service's call: every ``visitor_id`` must be one
            this database handed out to ``company_id`` (InvalidVisitor otherwise)
        :param publishable: sent with a publishable key: a ``lead_id`` needs the lead's own
            ``visitor_id`` (``_event_vals``)
        :return: the created events (their ids over RPC). Nothing is created when any
            payload is bad.
        """
        vals_list = [self._event_vals(payload, company_id, publishable=publishable) for payload in payloads]
        if signed_visitors:
            for vals in vals_list:
                if vals["visitor_id"]:
                    self._visitor_check(vals["visitor_id"], vals.get("company_id") or company_id)
        events = self.browse()
        for vals in vals_list:
            events |= self.create(vals)
        # visitors already known by a lead: attach the new events to it
        events._attach_visitors()
        events.mapped("lead_id")._scoring_recompute()
        # the lead of a visitor may be in the making in another transaction (the tracker sends
        # the form's event while the form is posted): joined once both are committed
        self._visitor_join_after_commit(
            {(event.visitor_id, event.company_id.id) for event in events if event.visitor_id and not event.lead_id})
        return events

    @api.model
    def _visitor_join_after_commit(self, visitors):
        """Once this transaction is committed, give each ``(visitor id, company id)`` lead its
        visitor's events that no lead has yet, and re-score it.

        A form's lead and the visitor's events arrive in concurrent requests: neither
        transaction sees what the other is writing, and the events would stay without a lead.
        Both sides ask for this join after their commit (``record_events``, and the lead's
        ``_scoring_attach_visitor_events``); the one that commits last sees both."""
        visitors = {(visitor_id, company_id) for visitor_id, company_id in visitors if visitor_id and company_id}
        if not visitors:
            return
        dbname = self.env.cr.dbname

        def join():
            try:
                with api.Environment.manage(), odoo.sql_db.db_connect(dbname).cursor(serialized=False) as cr:
                    api.Environment(cr, SUPERUSER_ID, {})["crm.lead.event"]._visitor_join(visitors)
            except Exception:  # pylint: disable=broad-except
                # the request is answered and committed: the join is retried by the next event or write
                _logger.warning("Joining the events of %d visitors to their leads failed", len(visitors),
                                exc_info=True)

        self.env.cr.after("commit", join)

    @api.model
    def _visitor_join(self, visitors):
        """Give each ``(visitor id, company id)`` lead (the newest of that visitor in that
        company) the visitor's events without a lead, in one query, and re-score those leads.
        :return: the leads that got events"""
        self.env.cr.execute(
            "UPDATE crm_lead_event AS event SET lead_id = lead.id, partner_id = lead.partner_id "
            "FROM (SELECT DISTINCT ON (visitor_id, company_id) id, visitor_id, company_id, partner_id "
            "      FROM crm_lead WHERE (visitor_id, company_id) IN %s "
            "      ORDER BY visitor_id, company_id, id DESC) AS lead "
            "WHERE event.lead_id IS NULL AND event.visitor_id = lead.visitor_id "
            "AND event.company_id = lead.company_id "
            "RETURNING lead.id", (tuple(visitors),))
        lead_ids = sorted({row[0] for row in self.env.cr.fetchall()})
        self.invalidate_cache(["lead_id", "partner_id"])
        leads = self.env["crm.lead"].browse(lead_ids)
        leads.invalidate_cache(["event_ids", "event_count"], lead_ids)
        leads._scoring_recompute()
        return leads

    @api.multi
    def _attach_visitors(self):
        anonymous = self.filtered(lambda event: not event.lead_id and event.visitor_id)
        if not anonymous:
            return
        leads = self.env["crm.lead"].search([("visitor_id", "in", anonymous.mapped("visitor_id"))],
                                            order="id desc")
        by_visitor = {}
        for lead in leads:
            # a visitor id is only known within a company: never another company's lead
            by_visitor.setdefault((lead.visitor_id, lead.company_id.id), lead)
        for event in anonymous:
            lead = by_visitor.get((event.visitor_id, event.company_id.id))
            if lead:
                event.write({"lead_id": lead.id, "partner_id": lead.partner_id.id})
