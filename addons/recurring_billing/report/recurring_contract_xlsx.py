from odoo import _, fields, models


class RecurringContractXlsx(models.AbstractModel):
    """The selected contracts in Excel: what each brings every month, and its next invoice."""

    _name = "report.recurring_billing.contract_mrr_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Contracts MRR and upcoming invoices (Excel)"

    def generate_xlsx_report(self, workbook, data, contracts):
        sheet = workbook.add_worksheet(_("MRR"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        day = workbook.add_format({"num_format": "dd/mm/yyyy"})
        headers = [_("Contract"), _("Customer"), _("Salesperson"), _("Status"), _("Next invoice"),
                   _("Amount per period"), _("MRR"), _("ARR")]
        for column, header in enumerate(headers):
            sheet.write(0, column, header, bold)
        states = dict(contracts._fields["state"]._description_selection(self.env))
        row = 0
        for row, contract in enumerate(contracts.sorted(lambda c: (c.next_invoice_date or "9999", c.name)), 1):
            sheet.write(row, 0, contract.name)
            sheet.write(row, 1, contract.partner_id.display_name)
            sheet.write(row, 2, contract.user_id.name or "")
            sheet.write(row, 3, states.get(contract.state, contract.state))
            if contract.next_invoice_date:
                sheet.write_datetime(row, 4, fields.Datetime.from_string(contract.next_invoice_date), day)
            sheet.write_number(row, 5, contract.amount_period, money)
            sheet.write_number(row, 6, contract.mrr, money)
            sheet.write_number(row, 7, contract.mrr * 12, money)
        total = row + 1
        sheet.write(total, 0, _("Total"), bold)
        sheet.write_number(total, 6, sum(contracts.mapped("mrr")), money)
        sheet.write_number(total, 7, sum(contracts.mapped("mrr")) * 12, money)
        sheet.set_column(0, 3, 22)
        sheet.set_column(4, 7, 16)
