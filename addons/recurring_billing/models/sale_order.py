from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    recurring_contract_ids = fields.One2many(
        "recurring.contract",
        "sale_order_id",
        string="Contracts",
        readonly=True,
    )

    @api.multi
    def action_confirm(self):
        result = super(SaleOrder, self).action_confirm()
        self._create_recurring_contracts()
        return result

    @api.multi
    def _create_recurring_contracts(self):
        """One running contract per order and frequency, holding its subscription lines."""
        contracts = self.env["recurring.contract"]
        for order in self:
            groups = {}
            for line in order.order_line.filtered(lambda l: l.product_id.recurring_ok):
                template = line.product_id.product_tmpl_id
                key = (template.recurring_interval or 1, template.recurring_unit or "month")
                groups.setdefault(key, []).append(line)
            for (interval, unit), lines in sorted(groups.items()):
                values = order._prepare_recurring_contract(interval, unit)
                values["line_ids"] = [(0, 0, order._prepare_recurring_contract_line(line)) for line in lines]
                # the link to the order is the application's: written as such once the contract exists
                code_values = {name: values.pop(name) for name in contracts._code_fields if name in values}
                contract = contracts.create(values)
                if code_values:
                    contract._code_write(code_values)
                contracts |= contract
        contracts.action_start()
        return contracts

    @api.multi
    def _prepare_recurring_contract(self, interval, unit):
        self.ensure_one()
        return {
            "partner_id": self.partner_invoice_id.id,
            "user_id": self.user_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.pricelist_id.currency_id.id,
            "payment_term_id": self.payment_term_id.id,
            "fiscal_position_id": self.fiscal_position_id.id,
            "sale_order_id": self.id,
            "recurring_interval": interval,
            "recurring_unit": unit,
            "date_start": fields.Date.context_today(self),
        }

    @api.model
    def _prepare_recurring_contract_line(self, line):
        return {
            "product_id": line.product_id.id,
            "name": line.name,
            "quantity": line.product_uom_qty,
            "uom_id": line.product_uom.id,
            "price_unit": line.price_unit * (1 - (line.discount or 0.0) / 100.0),
            "tax_ids": [(6, 0, line.tax_id.ids)],
        }
