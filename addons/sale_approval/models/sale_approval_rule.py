from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

from ..lib import approval
from .access_guard import check_values

CONDITIONS = [
    ("amount", "Untaxed total above"),
    ("discount", "A line's discount above"),
    ("margin", "Margin below"),
    ("credit", "Customer over credit limit or with overdue invoices"),
    ("payment_term", "Payment terms longer than"),
    ("category", "Product category"),
    ("domain", "Domain"),
]

APPROVERS = [
    ("user", "A user"),
    ("group", "A group"),
    ("team_leader", "The sales team's leader"),
    ("salesperson_manager", "The salesperson's manager"),
]


class SaleApprovalRule(models.Model):
    """A condition on a quotation and who must approve it when it holds.

    Each condition kind is checked by ``_match_<kind>(orders)``, which returns the orders
    of ``orders`` it holds for, in one pass over the batch: add a kind by extending
    ``condition`` and writing its ``_match_`` method.
    """

    _name = "sale.approval.rule"
    _description = "Quotation approval rule"
    _order = "tier, sequence, id"

    name = fields.Char(
        required=True,
        translate=True,
    )
    active = fields.Boolean(
        default=True,
    )
    sequence = fields.Integer(
        default=10,
    )
    tier = fields.Integer(
        default=1,
        required=True,
        help="Rules of tier 2 are asked only once every rule of tier 1 approved the quotation, and so on.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.user.company_id,
    )
    team_ids = fields.Many2many(
        comodel_name="crm.team",
        string="Sales teams",
        help="Only quotations of these teams; every team when empty.",
    )
    condition = fields.Selection(
        selection=CONDITIONS,
        required=True,
        default="amount",
    )
    amount_threshold = fields.Float(
        string="Amount (company currency)",
        digits=(16, 2),
    )
    percent_threshold = fields.Float(
        string="Percentage",
        digits=(16, 2),
    )
    days_threshold = fields.Integer(
        string="Days",
    )
    category_ids = fields.Many2many(
        comodel_name="product.category",
        string="Product categories",
        help="The rule holds when a line sells a product of one of these categories or their subcategories.",
    )
    domain = fields.Char(
        default="[]",
        help="A domain on the quotation, for conditions the other kinds do not cover.",
    )
    approver_kind = fields.Selection(
        selection=APPROVERS,
        string="Approved by",
        required=True,
        default="user",
    )
    approver_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Approver",
    )
    approver_group_id = fields.Many2one(
        comodel_name="res.groups",
        string="Approving group",
        help="Any one member of the group may approve.",
    )

    @api.model
    def create(self, values):
        check_values(self, values)
        rule = super(SaleApprovalRule, self).create(values)
        self.clear_caches()
        return rule

    @api.multi
    def write(self, values):
        check_values(self, values)
        result = super(SaleApprovalRule, self).write(values)
        self.clear_caches()
        return result

    @api.multi
    def unlink(self):
        result = super(SaleApprovalRule, self).unlink()
        self.clear_caches()
        return result

    @api.constrains("condition", "domain", "approver_kind", "approver_user_id", "approver_group_id", "tier")
    def _check_settings(self):
        for rule in self:
            if rule.tier < 1:
                raise ValidationError(_("The tier of rule %s must be 1 or more.") % rule.name)
            if rule.approver_kind == "user" and not rule.approver_user_id:
                raise ValidationError(_("Rule %s needs an approver.") % rule.name)
            if rule.approver_kind == "group" and not rule.approver_group_id:
                raise ValidationError(_("Rule %s needs an approving group.") % rule.name)
            if rule.condition == "domain":
                try:
                    self.env["sale.order"].search_count(rule._domain_value())
                except Exception as error:
                    raise ValidationError(_("The domain of rule %(rule)s is not valid: %(error)s") % {
                        "rule": rule.name, "error": error})

    def _domain_value(self):
        self.ensure_one()
        return safe_eval(self.domain or "[]", {"uid": self.env.uid, "user": self.env.user})

    @api.model
    def _rules_for(self, orders):
        """Active rules of the orders' companies, in tier order (read once for the batch; the
        list of ids is cached until a rule is created, changed or deleted)."""
        return self.sudo().browse(self._rule_ids_for_companies(tuple(sorted(orders.mapped("company_id").ids))))

    @api.model
    @tools.ormcache("company_ids")
    def _rule_ids_for_companies(self, company_ids):
        return tuple(self.sudo().search([("company_id", "in", list(company_ids))]).ids)

    @api.multi
    def _matching_orders(self, orders):
        """The orders of ``orders`` this rule applies to (company, team, condition)."""
        self.ensure_one()
        scoped = orders.filtered(self._in_scope)
        if not scoped:
            return scoped
        return self._match_condition(scoped)

    def _in_scope(self, order):
        """The rule is of ``order``'s company and, when it names teams, of its team."""
        return order.company_id == self.company_id and (not self.team_ids or order.team_id in self.team_ids)

    def _match_condition(self, orders):
        """The orders of ``orders`` the rule's condition holds for (whatever their team or company)."""
        self.ensure_one()
        return getattr(self, "_match_" + self.condition)(orders)

    def _company_amount(self, order, amount):
        return order.currency_id.compute(amount, order.company_id.currency_id, round=False)

    def _match_amount(self, orders):
        return orders.filtered(lambda order: self._company_amount(order, order.amount_untaxed) > self.amount_threshold)

    def _match_discount(self, orders):
        return orders.filtered(
            lambda order: approval.max_discount(order.order_line.mapped("discount")) > self.percent_threshold)

    def _match_margin(self, orders):
        def below(order):
            lines = []
            for line in order.order_line:
                cost = line.product_id.standard_price
                if line.product_uom and line.product_id.uom_id and line.product_uom != line.product_id.uom_id:
                    cost = line.product_id.uom_id._compute_price(cost, line.product_uom)
                cost = order.company_id.currency_id.compute(cost, order.currency_id, round=False)
                lines.append((line.price_subtotal, cost, line.product_uom_qty))
            margin = approval.margin_percent(lines)
            return margin is not None and margin < self.percent_threshold
        return orders.filtered(below)

    def _match_credit(self, orders):
        partners = orders.mapped("partner_id.commercial_partner_id")
        groups = self.env["account.invoice"].sudo().read_group(
            [("commercial_partner_id", "in", partners.ids), ("type", "=", "out_invoice"),
             ("state", "=", "open"), ("date_due", "<", fields.Date.context_today(self))],
            ["commercial_partner_id"], ["commercial_partner_id"])
        overdue = {group["commercial_partner_id"][0] for group in groups}

        def over(order):
            partner = order.partner_id.commercial_partner_id.sudo()
            if partner.id in overdue:
                return True
            if not partner.credit_limit:
                return False
            return partner.credit + self._company_amount(order, order.amount_total) > partner.credit_limit
        return orders.filtered(over)

    def _match_payment_term(self, orders):
        today = fields.Date.context_today(self)
        today_date = fields.Date.from_string(today)
        days = {}
        for term in orders.mapped("payment_term_id"):
            due_dates = [fields.Date.from_string(due) for due, _amount in term.compute(100.0, date_ref=today)[0]]
            days[term.id] = approval.longest_term_days(due_dates, today_date)
        return orders.filtered(
            lambda order: order.payment_term_id and days[order.payment_term_id.id] > self.days_threshold)

    def _match_category(self, orders):
        # one query: a line whose product's category is one of the rule's or under it (by parent_id:
        # parent_left/right are not computed yet while a module is being installed)
        self.env.cr.execute("""
            WITH RECURSIVE ruled(id) AS (
                SELECT product_category_id FROM product_category_sale_approval_rule_rel
                 WHERE sale_approval_rule_id = %s
                 UNION
                SELECT child.id FROM product_category child JOIN ruled ON child.parent_id = ruled.id
            )
            SELECT DISTINCT line.order_id
              FROM sale_order_line line
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE line.order_id IN %s AND template.categ_id IN (SELECT id FROM ruled)
        """, [self.id, tuple(orders.ids)])
        matched = {row[0] for row in self.env.cr.fetchall()}
        return orders.filtered(lambda order: order.id in matched)

    def _match_domain(self, orders):
        return orders.search([("id", "in", orders.ids)] + self._domain_value())

    @api.multi
    def _approvers_for(self, order):
        """Users who must decide for this rule on ``order``, before delegation."""
        self.ensure_one()
        if self.approver_kind == "user":
            return self.approver_user_id
        if self.approver_kind == "group":
            return self.approver_group_id.users.filtered(lambda user: user.active and not user.share)
        if self.approver_kind == "team_leader":
            return order.team_id.user_id
        return order.user_id.sale_approval_manager_id
