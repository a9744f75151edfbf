import logging
import time
from collections import defaultdict
from datetime import timedelta

import werkzeug

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_repr, float_round

from ..lib import approval
from .access_guard import check_values

_logger = logging.getLogger(__name__)

#: Changing one of these on a quotation that went through approval starts a new cycle.
ORDER_FIELDS_REOPENING = {"partner_id", "pricelist_id", "payment_term_id", "team_id", "user_id", "company_id"}

#: Set by the approval buttons and the customer's answer only (with sudo(), after their checks).
CODE_FIELDS = ("approval_state", "approval_cycle", "approval_request_ids", "customer_answer", "customer_answer_ids",
               "expiry_reminder_sent", "approval_carried_rule_ids", "approval_carries_rules")

#: Changing one of these on a confirmed order that needs approval is refused (see
#: ``_approval_check_confirmed_change``).
ORDER_FIELDS_CONFIRMED = {"partner_id", "pricelist_id", "payment_term_id", "team_id", "company_id"}

#: Days an approval link of the request e-mail can be used (ir.config_parameter
#: ``sale_approval.link_validity_days`` overrides it).
LINK_VALIDITY_DAYS = 7

#: Minutes before the approval e-mail of a quotation can be sent again to the same approver
#: (ir.config_parameter ``sale_approval.resend_interval_minutes`` overrides it).
RESEND_INTERVAL_MINUTES = 15


def int_parameter(env, name, default):
    """The integer system parameter ``name``, or ``default`` (with a warning in the log) when it
    is not a whole number: a typo in Settings > Technical must not break the button using it."""
    value = env["ir.config_parameter"].sudo().get_param(name)
    if value in (None, False, ""):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        _logger.warning("System parameter %s is %r, not a whole number: %s is used instead.", name, value, default)
        return default


class SaleOrder(models.Model):
    """The approval cycle of a quotation.

    Contract: ``_approval_missing_rules`` tells, per order, the rules that apply and are not
    approved in the current cycle; ``_approval_check`` raises when that is not empty and the
    user may not bypass. The check sits in ``write`` on the move to *sent* or *sale*, so
    that every way to send or confirm (buttons, mark as sent, e-mail composer, RPC, portal)
    goes through it.
    """

    _inherit = "sale.order"

    approval_state = fields.Selection(
        selection=[("draft", "Not requested"), ("pending", "Waiting for approval"),
                   ("approved", "Approved"), ("refused", "Refused")],
        string="Approval",
        default="draft",
        required=True,
        copy=False,
        index=True,
        help="Each change is told in the chatter by a note of the user who made it (no tracking: the "
             "application writes this field as the superuser, whose name would sign the change).",
    )
    approval_cycle = fields.Integer(
        default=0,
        copy=False,
    )
    approval_request_ids = fields.One2many(
        comodel_name="sale.approval.request",
        inverse_name="order_id",
        string="Approval history",
        copy=False,
    )
    approval_needed = fields.Boolean(
        compute="_compute_approval_needed",
        help="Rules apply to this quotation and have not all approved it.",
    )
    approval_missing = fields.Char(
        string="Approval needed for",
        compute="_compute_approval_needed",
    )
    approval_can_decide = fields.Boolean(
        compute="_compute_approval_can_decide",
    )
    approval_can_resend = fields.Boolean(
        compute="_compute_approval_can_resend",
    )
    customer_answer_ids = fields.One2many(
        comodel_name="sale.quotation.answer",
        inverse_name="order_id",
        string="Customer answers",
        copy=False,
    )
    customer_answer = fields.Selection(
        selection=[("accepted", "Accepted"), ("refused", "Refused")],
        copy=False,
    )
    approval_carried_rule_ids = fields.Many2many(
        comodel_name="sale.approval.rule",
        relation="sale_order_approval_carried_rule_rel",
        column1="order_id",
        column2="rule_id",
        string="Rules kept from a former team or company",
        copy=False,
        help="Rules this quotation needed approval for before it moved to another sales team or company: "
             "they keep applying to its lines and amounts, as if it had not moved.",
    )
    approval_carries_rules = fields.Boolean(
        copy=False,
        help="Rules are kept from a former team or company (read with the order's row: the confirmation "
             "of an order that never moved does not look for them).",
    )
    expiry_reminder_sent = fields.Boolean(
        copy=False,
        help="The salesperson was reminded that this quotation expires soon.",
    )

    @api.multi
    def _compute_approval_needed(self):
        open_orders = self.filtered(lambda order: order.state in ("draft", "sent") and order.id)
        missing = open_orders._approval_missing_rules() if open_orders else {}
        for order in self:
            rules = missing.get(order.id)
            order.approval_needed = bool(rules)
            order.approval_missing = ", ".join(rules.mapped("name")) if rules else False

    @api.multi
    def _compute_approval_can_decide(self):
        for order in self:
            order.approval_can_decide = bool(order._approval_requests_of_user(self.env.user))

    @api.multi
    def _compute_approval_can_resend(self):
        for order in self:
            order.approval_can_resend = order._approval_waiting() and order._approval_may_resend()

    # ------------------------------------------------------------------ rules

    @api.multi
    def _approval_matching_rules(self):
        """{order id: the rules that apply to it}, every rule evaluated once over the batch."""
        matching = defaultdict(lambda: self.env["sale.approval.rule"])
        if not self:
            return matching
        for rule in self.env["sale.approval.rule"]._rules_for(self):
            for order in rule._matching_orders(self):
                matching[order.id] |= rule
        # rules kept from a former team or company: their condition only (one query for the batch)
        stored_ids = tuple(order.id for order in self if isinstance(order.id, int) and order.approval_carries_rules)
        if not stored_ids:
            return matching
        self.env.cr.execute("SELECT rule_id, array_agg(order_id) FROM sale_order_approval_carried_rule_rel"
                            " WHERE order_id IN %s GROUP BY rule_id", [stored_ids])
        for rule_id, order_ids in self.env.cr.fetchall():
            rule = self.env["sale.approval.rule"].sudo().browse(rule_id)
            if not rule.active:
                continue
            orders = self.browse(order_ids).filtered(lambda order: rule not in matching[order.id])
            for order in rule._match_condition(orders):
                matching[order.id] |= rule
        return matching

    @api.multi
    def _approval_current_requests(self):
        self.ensure_one()
        return self.sudo().approval_request_ids.filtered(
            lambda request: request.cycle == self.approval_cycle and request.state != approval.CANCELLED)

    @api.multi
    def _approval_missing_rules(self):
        """{order id: rules that apply and have not approved the order's current version}."""
        missing = {}
        for order_id, rules in self._approval_matching_rules().items():
            order = self.browse(order_id)
            approved = order._approval_current_requests().filtered(
                lambda request: request.state == approval.APPROVED).mapped("rule_id")
            if rules - approved:
                missing[order_id] = rules - approved
        return missing

    def _approval_user_can_bypass(self):
        # the superuser is what portal and other sudo() code run as: it never bypasses
        return self.env.uid != SUPERUSER_ID and self.env.user.has_group("sale_approval.group_sale_approval_bypass")

    @api.multi
    def _approval_check(self, action):
        """Raise unless every rule applying to these orders approved them (or the user may bypass)."""
        if not self:
            return
        missing = self._approval_missing_rules()
        if not missing:
            return
        if self._approval_user_can_bypass():
            for order in self.browse(list(missing)):
                order.sudo().message_post(author_id=self.env.user.partner_id.id, body=_(
                    "%(user)s went on without approval (bypass right); rules: %(rules)s") % {
                    "user": self.env.user.name, "rules": ", ".join(missing[order.id].mapped("name"))})
            return
        lines = ["%s: %s" % (order.name, ", ".join(missing[order.id].mapped("name")))
                 for order in self.browse(list(missing))]
        raise UserError(_("These quotations need approval before they can be %(action)s:\n%(orders)s\n"
                          "Use \"Request approval\" and wait for every approver.") % {
                              "action": action, "orders": "\n".join(lines)})

    # ------------------------------------------------------------------ guards

    @api.model
    def create(self, vals):
        check_values(self, vals, CODE_FIELDS, links=False)
        state = vals.get("state")
        if state in ("sent", "sale", "done"):
            # asked straight as sent or confirmed: made a quotation, then moved there by the
            # write that checks its approval
            vals = dict(vals, state="draft")
        order = super(SaleOrder, self).create(vals)
        if state in ("sent", "sale", "done"):
            order.write({"state": state})
        return order

    @api.multi
    def write(self, vals):
        check_values(self, vals, CODE_FIELDS, links=False)
        target = vals.get("state")
        if target in ("sent", "sale", "done") and set(vals) - {"state", "confirmation_date"}:
            # lines or prices changed in the same write as the move: first the changes (which
            # re-open an approval they touch), then the move, checked on the new amounts
            changes = dict(vals)
            del changes["state"]
            self.write(changes)
            return self.write({"state": target})
        if target in ("sent", "sale", "done"):
            # into sent, confirmed or locked from anything but confirmed or locked (a cancelled
            # quotation written back to confirmed, a quotation locked then unlocked)
            moving = self.filtered(lambda order: order.state != target and order.state not in ("sale", "done"))
            moving._approval_check(_("sent") if target == "sent" else _("confirmed"))
        if "validity_date" in vals and "expiry_reminder_sent" not in vals:
            vals = dict(vals, expiry_reminder_sent=False)
            # the reminder of the former date is wrong now: the cron gives a new one when the new date nears
            moved = self.filtered(lambda order: order.validity_date != (vals["validity_date"] or False))
            if moved:
                moved._expiry_activities().unlink()
        moving_scope = self.browse()
        if {"team_id", "company_id"} & set(vals):
            moving_scope = self.filtered(lambda order: order.state in ("draft", "sent"))
            needed_before = moving_scope._approval_matching_rules() if moving_scope else {}
        result = super(SaleOrder, self).write(vals)
        if moving_scope:
            moving_scope._approval_carry_rules(needed_before)
        if ORDER_FIELDS_REOPENING & set(vals):
            self._approval_reopen()
        if ORDER_FIELDS_CONFIRMED & set(vals):
            self._approval_check_confirmed_change()
        return result

    def _approval_carry_rules(self, needed_before):
        """A quotation that needed approval moved to another sales team or company: the rules of
        its former team or company keep applying (a move must not escape them)."""
        for order in self:
            left = needed_before.get(order.id, self.env["sale.approval.rule"]).filtered(
                lambda rule: not rule._in_scope(order) and rule not in order.approval_carried_rule_ids)
            if not left:
                continue
            order.sudo().write({"approval_carried_rule_ids": [(4, rule.id) for rule in left],
                                "approval_carries_rules": True})
            order.sudo().message_post(author_id=self.env.user.partner_id.id, subtype="mail.mt_note", body=_(
                "Moved to team %(team)s (%(company)s): the rules it needed approval for before keep applying: "
                "%(rules)s") % {"team": order.team_id.name or "-", "company": order.company_id.name,
                                "rules": ", ".join(left.mapped("name"))})

    @api.multi
    def _approval_check_confirmed_change(self):
        """Lines, prices, customer, pricelist, payment terms, team or company of a confirmed order
        changed: refused when the order went through approval or rules apply to it now (it would
        go on being delivered and invoiced on terms nobody approved), unless the user has the
        bypass right (logged). The application's own code (superuser) is not stopped."""
        confirmed = self.filtered(lambda order: order.state in ("sale", "done"))
        if not confirmed or self.env.uid == SUPERUSER_ID:
            return
        matching = confirmed._approval_matching_rules()
        rules = {}
        for order in confirmed:
            needed = matching.get(order.id) or self.env["sale.approval.rule"]
            if order.approval_state != "draft":
                needed |= order._approval_current_requests().mapped("rule_id")
            if needed:
                rules[order] = needed
        if not rules:
            return
        if self._approval_user_can_bypass():
            for order, needed in rules.items():
                order.sudo().message_post(author_id=self.env.user.partner_id.id, body=_(
                    "%(user)s changed the confirmed order without approval (bypass right); rules: %(rules)s") % {
                        "user": self.env.user.name, "rules": ", ".join(needed.mapped("name"))})
            return
        raise UserError(_(
            "%(orders)s: a confirmed order that needs approval (%(rules)s) cannot have its lines, prices, "
            "customer, pricelist, payment terms, team or company changed without a new approval. Cancel it, "
            "set it back to quotation and request approval, or ask a user allowed to go on without "
            "approval.") % {
                "orders": ", ".join(order.name for order in rules),
                "rules": ", ".join(sorted(set(name for needed in rules.values() for name in needed.mapped("name"))))})

    @api.multi
    def action_quotation_send(self):
        self.filtered(lambda order: order.state == "draft")._approval_check(_("sent"))
        return super(SaleOrder, self).action_quotation_send()

    @api.multi
    def print_quotation(self):
        # printing stays possible for a quotation waiting for approval: it is only not marked as sent
        blocked = self.filtered(lambda order: order.state == "draft")._approval_missing_rules()
        if blocked and not self._approval_user_can_bypass():
            return self.env.ref("sale.action_report_saleorder").report_action(self)
        return super(SaleOrder, self).print_quotation()

    # ------------------------------------------------------------------ nothing reaches the customer

    @api.multi
    def _approval_hidden_from_customer(self):
        """These quotations, those waiting for approval: not sent, shown nor printed to the customer."""
        quotations = self.filtered(lambda order: order.state in ("draft", "sent"))
        missing = quotations._approval_missing_rules() if quotations else {}
        return self.browse(list(missing))

    @staticmethod
    def _approval_partner_ids(commands):
        """Partner ids of a message_post ``partner_ids`` (ids or (4, id) / (6, 0, ids) commands)."""
        ids = set()
        for command in commands or []:
            if isinstance(command, int):
                ids.add(command)
            elif isinstance(command, (list, tuple)) and command and command[0] == 4 and len(command) >= 2:
                ids.add(command[1])
            elif isinstance(command, (list, tuple)) and command and command[0] == 6 and len(command) == 3:
                ids.update(command[2])
        return ids

    def _approval_external(self, partners):
        """The partners of ``partners`` who are not employees (customers, portal users)."""
        return partners.sudo().filtered(lambda partner: not partner.user_ids.filtered(lambda user: not user.share))

    def _approval_check_customer_message(self, partner_ids, to_followers, author_id=None):
        """Refuse a message of an employee that would reach the customer (or any outsider) while
        the quotation waits for approval: its amounts or PDF are not the company's word yet."""
        if self.env.uid == SUPERUSER_ID and not author_id:
            return
        author = self.env["res.partner"].sudo().browse(author_id) if author_id else self.env.user.partner_id
        if self._approval_external(author):
            return  # the customer writing on his own quotation (portal chatter)
        recipients = self.env["res.partner"].sudo().browse(list(self._approval_partner_ids(partner_ids)))
        if to_followers:
            recipients |= self.sudo().mapped("message_partner_ids")
        if not self._approval_external(recipients):
            return
        blocked = self._approval_hidden_from_customer()
        if not blocked or self._approval_user_can_bypass():
            return
        raise UserError(_("%s waits for approval: it cannot be sent to the customer yet (internal notes to "
                          "colleagues stay possible). Request approval first.") % ", ".join(blocked.mapped("name")))

    @api.multi
    @api.returns("self", lambda value: value.id)
    def message_post(self, body="", subject=None, message_type="notification", subtype=None, parent_id=False,
                     attachments=None, content_subtype="html", **kwargs):
        if message_type != "email" and not kwargs.get("tracking_value_ids") and self.ids:
            # incoming e-mails and tracking pass; anything an employee posts to outsiders is checked
            if kwargs.get("subtype_id"):
                internal = self.env["mail.message.subtype"].sudo().browse(kwargs["subtype_id"]).internal
            else:
                internal = (subtype or "mt_note").split(".")[-1] == "mt_note"
            self._approval_check_customer_message(kwargs.get("partner_ids"), not internal,
                                                  author_id=kwargs.get("author_id"))
        return super(SaleOrder, self).message_post(
            body=body, subject=subject, message_type=message_type, subtype=subtype, parent_id=parent_id,
            attachments=attachments, content_subtype=content_subtype, **kwargs)

    # ------------------------------------------------------------------ cycle

    def _approval_approvers(self, rule):
        """Approvers of ``rule`` for this order, with the delegates of those away today."""
        today = fields.Date.context_today(self)
        users = rule._approvers_for(self)
        for user in users:
            if user._sale_approval_is_away(today):
                users |= user.sale_approval_delegate_id
        return users

    @api.multi
    def action_approval_request(self):
        """Ask every rule that applies, tier by tier; the first tier's approvers are notified."""
        now = fields.Datetime.now()
        matching = self._approval_matching_rules()
        for order in self:
            if order.state not in ("draft", "sent"):
                raise UserError(_("Only a quotation can be submitted for approval (%s).") % order.name)
            if order.approval_state == "pending":
                raise UserError(_("%s is already waiting for approval.") % order.name)
            rules = matching.get(order.id)
            if not rules:
                raise UserError(_("No approval rule applies to %s: it can be sent and confirmed.") % order.name)
            cycle = order.approval_cycle + 1
            values = []
            for rule in rules:
                approvers = order._approval_approvers(rule)
                if not approvers:
                    raise UserError(_(
                        "Nobody can approve rule %(rule)s for %(order)s: set its approver, the team leader "
                        "or the salesperson's manager.") % {"rule": rule.name, "order": order.name})
                values.append({
                    "order_id": order.id, "rule_id": rule.id, "tier": rule.tier, "cycle": cycle,
                    "state": approval.WAITING, "approver_ids": [(6, 0, approvers.ids)],
                    "requested_by_id": self.env.uid, "requested_on": now, "company_id": order.company_id.id,
                    "currency_id": order.currency_id.id, "amount_untaxed": order.amount_untaxed,
                    "amount_total": order.amount_total, "salesperson_id": order.user_id.id,
                    "team_id": order.team_id.id,
                })
            order.sudo().write({"approval_cycle": cycle, "approval_state": "pending"})
            for request_values in values:
                self.env["sale.approval.request"].sudo().create(request_values)
            order.sudo().message_post(author_id=self.env.user.partner_id.id, body=_(
                "Approval requested by %(user)s for %(order)s (untaxed %(amount)s): %(rules)s") % {
                    "user": self.env.user.name, "order": order.name, "amount": order._approval_amount_label(),
                    "rules": ", ".join(rules.mapped("name"))})
            order._approval_open_next_tier()
        return True

    def _approval_amount_label(self):
        return "%.2f %s" % (self.amount_untaxed, self.currency_id.name or "")

    def _approval_open_next_tier(self):
        self.ensure_one()
        requests = self._approval_current_requests()
        tier = approval.tiers_to_open([(request.tier, request.state) for request in requests])
        if tier is None:
            if requests and all(request.state == approval.APPROVED for request in requests):
                self.sudo().write({"approval_state": "approved"})
                self.sudo().message_post(
                    author_id=self.env.user.partner_id.id,
                    body=_("Quotation approved: it can be sent and confirmed."),
                    partner_ids=self.user_id.partner_id.ids, subtype="mail.mt_note")
            return
        opening = requests.filtered(lambda request: request.tier == tier and request.state == approval.WAITING)
        opening.write({"state": approval.PENDING, "requested_on": fields.Datetime.now()})
        self._approval_notify(opening)

    def _approval_notify(self, requests, users=None):
        """An activity for each approver (or only ``users`` of them) and an e-mail with their links."""
        users = requests.mapped("approver_ids") if users is None else users
        if not users:
            return
        activity_type = self.env.ref("sale_approval.mail_activity_approval")
        model = self.env["ir.model"]._get("sale.order")
        Activity = self.env["mail.activity"].sudo()
        existing = Activity.search([("res_model", "=", "sale.order"), ("res_id", "=", self.id),
                                    ("activity_type_id", "=", activity_type.id)]).mapped("user_id")
        summary = _("Approve %(order)s (%(amount)s)") % {"order": self.name, "amount": self._approval_amount_label()}
        for user in users - existing:
            Activity.create({
                "res_model_id": model.id, "res_id": self.id, "activity_type_id": activity_type.id,
                "user_id": user.id, "summary": summary, "date_deadline": fields.Date.context_today(self),
            })
        rules = ", ".join(requests.mapped("rule_id.name"))
        requests.sudo().write({"mailed_on": fields.Datetime.now()})
        # the history in the chatter; each approver gets their own e-mail with their own links
        self.sudo().message_post(
            author_id=self.env.user.partner_id.id,
            body=_("%(order)s waits for the approval of %(users)s: %(rules)s") % {
                "order": self.name, "users": ", ".join(users.mapped("name")), "rules": rules},
            subtype="mail.mt_note")
        self._approval_send_link_mails(users, rules)

    # ------------------------------------------------------------------ signed e-mail links

    def _approval_link_claims(self):
        """The version of the amounts a link is signed for: (cycle, untaxed, total) as strings."""
        digits = self.currency_id.decimal_places if self.currency_id else 2
        return (self.approval_cycle, float_repr(float_round(self.amount_untaxed, digits), digits),
                float_repr(float_round(self.amount_total, digits), digits))

    def _approval_link_url(self, user, action):
        """The signed link for ``user`` to ``action`` ("approve" or "refuse") this quotation."""
        self.ensure_one()
        params = self.env["ir.config_parameter"].sudo()
        days = int_parameter(self.env, "sale_approval.link_validity_days", LINK_VALIDITY_DAYS) or LINK_VALIDITY_DAYS
        expiry = int(time.time()) + days * 86400
        cycle, untaxed, total = self._approval_link_claims()
        token = approval.link_token(params.get_param("database.secret"), self.id, user.id, action,
                                    cycle, untaxed, total, expiry)
        return "%s/sale_approval/%d/%s?%s" % (
            params.get_param("web.base.url"), self.id, action, werkzeug.urls.url_encode({"token": token}))

    def _approval_link_problem(self, action, token):
        """A sentence saying why the current user may not use ``token``, or ``False``."""
        self.ensure_one()
        cycle, untaxed, total = self._approval_link_claims()
        problem = approval.check_link_token(
            self.env["ir.config_parameter"].sudo().get_param("database.secret"), token, self.id, action,
            self.env.uid, cycle, untaxed, total, int(time.time()))
        messages = {
            "invalid": _("This link is not valid: it was altered or not issued by this database."),
            "user": _("This link was sent to another approver: sign in as them, or use the link of your own "
                      "e-mail."),
            "expired": _("This link has expired: open the quotation to decide."),
            "stale": _("This link is for an earlier version of the quotation's amounts: the quotation changed "
                       "since. Open it to see what is asked now."),
        }
        if problem:
            return messages[problem]
        if not self._approval_requests_of_user(self.env.user):
            return _("Nothing on %s waits for your approval.") % self.name
        return False

    def _approval_send_link_mails(self, users, rules):
        """One e-mail per approver, in their language, with their Approve and Refuse links."""
        Mail = self.env["mail.mail"].sudo()
        for user in users.filtered(lambda approver: approver.partner_id.email):
            Mail.create(self.with_context(lang=user.lang or self.env.lang)._approval_link_mail_values(user, rules))

    def _approval_link_mail_values(self, user, rules):
        # _() translates into the language of self's context: the approver's
        body = self.env.ref("sale_approval.approval_request_mail_body").render({
            "greeting": _("Hello %s,") % user.name,
            "intro": _("%(order)s for %(customer)s (untaxed %(amount)s) waits for your approval: %(rules)s.") % {
                "order": self.name, "customer": self.partner_id.name,
                "amount": self._approval_amount_label(), "rules": rules},
            "approve_url": self._approval_link_url(user, "approve"),
            "refuse_url": self._approval_link_url(user, "refuse"),
        }, engine="ir.qweb")
        return {
            "subject": _("%s waits for your approval") % self.name,
            "body_html": body, "recipient_ids": [(6, 0, user.partner_id.ids)],
            "author_id": self.env.user.partner_id.id,
            "email_from": self.env.user.company_id.email or self.env.user.partner_id.email or False,
            "model": "sale.order", "res_id": self.id, "auto_delete": True,
        }

    # ------------------------------------------------------------------ e-mail sent again

    def _approval_waiting(self):
        return self.state in ("draft", "sent") and self.approval_state == "pending"

    def _approval_may_resend(self):
        return self.user_id == self.env.user or self.env.user.has_group("sales_team.group_sale_manager")

    @api.multi
    def action_approval_resend(self):
        """E-mail again the approvers of the open tier who have not decided yet, with new links.

        For when an approval e-mail was lost: the quotation's salesperson and the sales
        managers only, and at most once per ``sale_approval.resend_interval_minutes`` (system
        parameter, 15 by default) per approver and quotation, the request itself counting as
        the first sending. The links of the earlier e-mails stay valid until they expire: they
        are signed for the same approver, cycle and amounts, work only signed in as that
        approver, and the first decision makes every other link of that request say that
        nothing waits any more.
        """
        minutes = max(int_parameter(self.env, "sale_approval.resend_interval_minutes", RESEND_INTERVAL_MINUTES), 0)
        now = fields.Datetime.from_string(fields.Datetime.now())
        for order in self:
            if not order._approval_may_resend():
                raise AccessError(_("Only the salesperson of %s and the sales managers can send its approval e-mail "
                                    "again.") % order.name)
            if not order._approval_waiting():
                raise UserError(_("%s is not waiting for approval.") % order.name)
            requests = order._approval_current_requests().filtered(lambda request: request.state == approval.PENDING)
            if not requests:
                raise UserError(_("%s is not waiting for approval.") % order.name)
            # two clicks at the same time: the second one waits here, then sees the first one's sending
            self.env.cr.execute("SELECT id FROM sale_approval_request WHERE id IN %s FOR UPDATE",
                                [tuple(requests.ids)])
            requests.invalidate_cache(["mailed_on"])
            due, wait = self.env["res.users"], 0
            for user in requests.mapped("approver_ids").filtered(lambda approver: approver.partner_id.email):
                sent = [fields.Datetime.from_string(request.mailed_on)
                        for request in requests if user in request.approver_ids and request.mailed_on]
                if sent and max(sent) + timedelta(minutes=minutes) > now:
                    left = max(sent) + timedelta(minutes=minutes) - now
                    wait = max(wait, int(-(-left.total_seconds() // 60)))
                else:
                    due |= user
            if not due:
                if wait:
                    raise UserError(_("The approval e-mail of %(order)s was sent less than %(minutes)d minutes ago: "
                                      "try again in %(wait)d minutes.") % {
                                          "order": order.name, "minutes": minutes, "wait": wait})
                raise UserError(_("No approver of %s has an e-mail address.") % order.name)
            for user in due:
                mine = requests.filtered(lambda request: user in request.approver_ids)
                order._approval_send_link_mails(user, ", ".join(mine.mapped("rule_id.name")))
            requests.filtered(lambda request: request.approver_ids & due).write(
                {"mailed_on": fields.Datetime.to_string(now)})
            order.sudo().message_post(author_id=self.env.user.partner_id.id, subtype="mail.mt_note", body=_(
                "Approval e-mail sent again by %(user)s to %(approvers)s, with new links (those of the earlier "
                "e-mails stay valid until they expire).") % {
                    "user": self.env.user.name, "approvers": ", ".join(due.mapped("name"))})
        return True

    def _approval_close_activities(self, users, feedback):
        activity_type = self.env.ref("sale_approval.mail_activity_approval")
        activities = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "sale.order"), ("res_id", "=", self.id),
            ("activity_type_id", "=", activity_type.id), ("user_id", "in", users.ids)])
        still_asked = self._approval_current_requests().filtered(
            lambda request: request.state == approval.PENDING).mapped("approver_ids")
        # done (the chatter's "Approved by" or "Refused by" note, signed by the approver, tells it)
        # or no longer asked: the activity goes
        activities.filtered(lambda activity: activity.user_id == self.env.user
                            or activity.user_id not in still_asked).unlink()

    def _approval_requests_of_user(self, user):
        self.ensure_one()
        if self.state not in ("draft", "sent") or self.approval_state != "pending":
            return self.env["sale.approval.request"]
        return self._approval_current_requests().filtered(
            lambda request: request.state == approval.PENDING and user in request.approver_ids)

    def _approval_decider(self, request, user):
        """The absent approver ``user`` decides for, when ``user`` is only their delegate."""
        direct = request.rule_id._approvers_for(self)
        if user in direct:
            return self.env["res.users"]
        return direct.filtered(lambda approver: approver.sale_approval_delegate_id == user)[:1]

    def _approval_limit_problem(self, user):
        """Why ``user`` may not approve this quotation (False when he may): his own quotation
        (four eyes: also as someone's delegate), or above his approval limit."""
        if self.user_id == user:
            return _("%s is your own quotation: another approver must approve it.") % self.name
        amount = self.currency_id.compute(self.amount_untaxed, self.company_id.currency_id, round=False)
        if approval.within_limit(amount, user.sale_approval_limit):
            return False
        return _("%(order)s (untaxed %(amount)s) is above your approval limit of %(limit).2f %(currency)s.") % {
            "order": self.name, "amount": self._approval_amount_label(),
            "limit": user.sale_approval_limit, "currency": self.company_id.currency_id.name}

    @api.multi
    def _approval_decision_problems(self, user, action):
        """{order: why ``user`` may not ``action`` ("approve" or "refuse") it} for these orders."""
        problems = {}
        for order in self:
            if not order._approval_requests_of_user(user):
                problems[order] = _("Nothing on %s waits for your approval.") % order.name
            elif action == "approve" and order._approval_limit_problem(user):
                problems[order] = order._approval_limit_problem(user)
        return problems

    @api.multi
    def action_approval_mass_wizard(self, action):
        """From the list: approve or refuse the selected quotations, those the user may not decide listed."""
        wizard = self.env["sale.approval.mass.wizard"].create({
            "action": action, "order_ids": [(6, 0, self.ids)]})
        return wizard._reopen()

    @api.multi
    def action_approval_approve(self):
        """Approve, as the current user, what waits for them on these quotations."""
        user = self.env.user
        for order in self:
            requests = order._approval_requests_of_user(user)
            if not requests:
                raise UserError(_("Nothing on %s waits for your approval.") % order.name)
            problem = order._approval_limit_problem(user)
            if problem:
                raise UserError(problem)
            for request in requests:
                request._decide(approval.APPROVED, user, on_behalf=order._approval_decider(request, user))
            order.sudo().message_post(
                author_id=user.partner_id.id, body=_("Approved by %(user)s: %(rules)s") % {
                    "user": user.name, "rules": ", ".join(requests.mapped("rule_id.name"))})
            order._approval_close_activities(requests.mapped("approver_ids"), _("Approved"))
            order._approval_open_next_tier()
        return True

    @api.multi
    def action_approval_refuse(self, reason=None, note=None):
        """Refuse, as the current user, with a reason (a ``sale.refusal.reason`` and/or a text)."""
        if not reason and not note:
            raise UserError(_("Say why the quotation is refused."))
        user = self.env.user
        for order in self:
            requests = order._approval_requests_of_user(user)
            if not requests:
                raise UserError(_("Nothing on %s waits for your approval.") % order.name)
            for request in requests:
                request._decide(approval.REFUSED, user, on_behalf=order._approval_decider(request, user),
                                reason=reason, note=note)
            order._approval_current_requests().filtered(
                lambda request: request.state in (approval.WAITING, approval.PENDING)).write(
                    {"state": approval.CANCELLED})
            order.sudo().write({"approval_state": "refused"})
            order.sudo().message_post(
                author_id=user.partner_id.id, body=_("Approval refused by %(user)s: %(reason)s") % {
                    "user": user.name,
                    "reason": " - ".join(part for part in (reason.name if reason else "", note or "") if part)},
                partner_ids=order.user_id.partner_id.ids, subtype="mail.mt_note")
            order._approval_close_activities(requests.mapped("approver_ids"), _("Refused"))
        return True

    @api.multi
    def action_approval_refuse_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Refuse approval"),
            "res_model": "sale.approval.refuse.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    @api.multi
    def _approval_reopen(self):
        """A quotation changed after approval was asked: cancel what is open and start over."""
        touched = self.filtered(lambda order: order.approval_state != "draft" and order.state in ("draft", "sent"))
        for order in touched:
            order._approval_current_requests().filtered(
                lambda request: request.state in (approval.WAITING, approval.PENDING)).write(
                    {"state": approval.CANCELLED})
            order.sudo().write({"approval_state": "draft", "approval_cycle": order.approval_cycle + 1})
            activity_type = self.env.ref("sale_approval.mail_activity_approval")
            self.env["mail.activity"].sudo().search([
                ("res_model", "=", "sale.order"), ("res_id", "=", order.id),
                ("activity_type_id", "=", activity_type.id)]).unlink()
            order.sudo().message_post(
                author_id=self.env.user.partner_id.id,
                body=_("The quotation changed (untaxed %s): its approval must be asked again.")
                % order._approval_amount_label())

    # ------------------------------------------------------------------ customer's answer

    def _check_customer_answer_caller(self):
        """The customer's answer is recorded by the quotation's online page (which runs as
        the superuser after checking the customer's access token), never by an employee
        over RPC: the evidence kept (name, signature, IP address, browser) must be the
        customer's."""
        if self.env.uid != SUPERUSER_ID:
            raise AccessError(_("Only the customer answers a quotation, from its online page."))

    @api.multi
    def action_customer_accept(self, signed_by, signature, ip_address=None, user_agent=None):
        """See ``sale.quotation.answer.record_acceptance``."""
        self.ensure_one()
        self._check_customer_answer_caller()
        return self.env["sale.quotation.answer"].record_acceptance(self, signed_by, signature, ip_address,
                                                                   user_agent)

    @api.multi
    def action_customer_refuse(self, reason=None, note=None, ip_address=None, user_agent=None):
        """See ``sale.quotation.answer.record_refusal``."""
        self.ensure_one()
        self._check_customer_answer_caller()
        return self.env["sale.quotation.answer"].record_refusal(self, reason, note, ip_address, user_agent)

    @api.multi
    def _expiry_activities(self):
        """The open expiry reminders of these quotations (activities of the salesperson)."""
        return self.env["mail.activity"].sudo().search([
            ("res_model", "=", "sale.order"), ("res_id", "in", self.ids),
            ("activity_type_id", "=", self.env.ref("sale_approval.mail_activity_expiry").id)])

    @api.model
    def _cron_expiry_reminder(self):
        """Remind each salesperson once, N days (company setting) before a quotation expires.

        The flag is claimed with one UPDATE ... RETURNING, so two runs at the same time
        never remind twice.
        """
        today = fields.Date.from_string(fields.Date.context_today(self))
        horizon = max(self.env["res.company"].sudo().search([]).mapped("sale_expiry_reminder_days") or [0])
        candidates = self.sudo().search([
            ("state", "in", ("draft", "sent")), ("expiry_reminder_sent", "=", False),
            ("validity_date", ">=", fields.Date.to_string(today)),
            ("validity_date", "<=", fields.Date.to_string(today + timedelta(days=horizon))),
        ])
        due = candidates.filtered(lambda order: fields.Date.from_string(order.validity_date) <= today + timedelta(
            days=order.company_id.sale_expiry_reminder_days))
        if not due:
            return 0
        self.env.cr.execute(
            "UPDATE sale_order SET expiry_reminder_sent = true WHERE id IN %s AND expiry_reminder_sent IS NOT TRUE"
            " RETURNING id", [tuple(due.ids)])
        claimed = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        claimed.invalidate_cache(["expiry_reminder_sent"])
        activity_type = self.env.ref("sale_approval.mail_activity_expiry")
        model = self.env["ir.model"]._get("sale.order")
        existing = claimed._expiry_activities()
        for order in claimed:
            # one reminder per quotation: one left from an earlier date is replaced
            existing.filtered(lambda activity: activity.res_id == order.id).unlink()
            if order.user_id:
                self.env["mail.activity"].sudo().create({
                    "res_model_id": model.id, "res_id": order.id, "activity_type_id": activity_type.id,
                    "user_id": order.user_id.id, "date_deadline": order.validity_date,
                    "summary": _("Quotation %(order)s expires on %(date)s") % {
                        "order": order.name, "date": order.validity_date},
                })
            order.message_post(
                body=_("This quotation expires on %s without an answer from the customer.") % order.validity_date,
                partner_ids=order.user_id.partner_id.ids, subtype="mail.mt_note")
        return len(claimed)
