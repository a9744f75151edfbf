from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    company_deposit_kind = fields.Selection(related="company_id.deposit_kind")
    company_deposit_method = fields.Selection(related="company_id.deposit_method")
    company_deposit_value = fields.Float(related="company_id.deposit_value")
    company_deposit_due = fields.Selection(related="company_id.deposit_due")
    company_deposit_confirm_unpaid = fields.Boolean(related="company_id.deposit_confirm_unpaid")
    company_deposit_deliver_unpaid = fields.Boolean(related="company_id.deposit_deliver_unpaid")
    deposit_deduction_mode = fields.Selection(related="company_id.deposit_deduction_mode")
    deposit_cash_basis_vat = fields.Boolean(related="company_id.deposit_cash_basis_vat")
    deposit_account_id = fields.Many2one(related="company_id.deposit_account_id")
    deposit_forfeit_account_id = fields.Many2one(related="company_id.deposit_forfeit_account_id")
    deposit_penalty_account_id = fields.Many2one(related="company_id.deposit_penalty_account_id")
    deposit_legal_interest_rate = fields.Float(related="company_id.deposit_legal_interest_rate")
