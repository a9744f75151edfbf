from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class SaleDepositLegalRate(models.Model):
    """The French legal interest rate of one semester (Code monétaire et financier, L313-2), published
    by arrêté each June and December: one rate for consumers, one for every other creditor."""

    _name = "sale.deposit.legal.rate"
    _description = "Legal interest rate of a semester"
    _order = "date_start desc"
    _rec_name = "date_start"

    date_start = fields.Date(
        string="Semester starting",
        required=True,
        help="1 January or 1 July: the rate applies until the next semester's.",
    )
    rate_consumer = fields.Float(
        string="Consumers (%)",
        digits=(16, 2),
        required=True,
        help="For the claims of individuals not acting for their business: a consumer's advance payments.",
    )
    rate_other = fields.Float(
        string="Other creditors (%)",
        digits=(16, 2),
        required=True,
        help="For every other claim: a company's advance payments.",
    )
    source = fields.Char(
        help="The arrêté that set the rates, with its date of publication in the Journal officiel.",
    )

    _sql_constraints = [
        ("date_start_unique", "unique(date_start)", "There is already a rate for this semester."),
    ]

    @api.constrains("date_start", "rate_consumer", "rate_other")
    def _check_semester(self):
        for rate in self:
            start = fields.Date.from_string(rate.date_start)
            if (start.month, start.day) not in ((1, 1), (7, 1)):
                raise ValidationError(_("A legal interest rate starts a semester: on 1 January or 1 July."))
            if rate.rate_consumer < 0 or rate.rate_other < 0:
                raise ValidationError(_("A legal interest rate cannot be negative."))

    @api.model
    def _deposit_rates(self, consumer):
        """``[(semester start, rate in %)]`` for a consumer's claims, or for any other creditor's."""
        return [(fields.Date.from_string(rate.date_start), rate.rate_consumer if consumer else rate.rate_other)
                for rate in self.sudo().search([])]
