import datetime

from odoo import _, fields, models

# months of SaaS metrics in the workbook, up to the current one
METRICS_MONTHS = 12


class RecurringContractXlsx(models.AbstractModel):
    """The selected contracts in Excel: what each brings every month and its next invoice,
    then the SaaS metrics of the last twelve months of these contracts."""

    _name = "report.recurring_billing.contract_mrr_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Contracts MRR and upcoming invoices (Excel)"

    def generate_xlsx_report(self, workbook, data, contracts):
        sheet = workbook.add_worksheet(_("MRR"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        day = workbook.add_format({"num_format": "dd/mm/yyyy"})
        # amounts in each contract's currency, then in the user's company currency at today's
        # rate: only those add up across currencies
        company_currency = self.env.user.company_id.currency_id
        today = self.env.context.get("recurring_today") or fields.Date.context_today(self)
        headers = [_("Contract"), _("Customer"), _("Salesperson"), _("Status"), _("Next invoice"),
                   _("Amount per period"), _("MRR"), _("ARR"), _("Currency"),
                   _("MRR in %s") % company_currency.name, _("ARR in %s") % company_currency.name]
        for column, header in enumerate(headers):
            sheet.write(0, column, header, bold)
        states = dict(contracts._fields["state"]._description_selection(self.env))
        row = 0
        converted_total = 0.0
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
            sheet.write(row, 8, contract.currency_id.name)
            converted = contract.currency_id.with_context(date=today, company_id=contract.company_id.id).compute(
                contract.mrr, company_currency, round=False)
            converted_total += converted
            sheet.write_number(row, 9, converted, money)
            sheet.write_number(row, 10, converted * 12, money)
        total = row + 1
        sheet.write(total, 0, _("Total"), bold)
        if len(contracts.mapped("currency_id")) == 1:
            sheet.write_number(total, 6, sum(contracts.mapped("mrr")), money)
            sheet.write_number(total, 7, sum(contracts.mapped("mrr")) * 12, money)
            sheet.write(total, 8, contracts.mapped("currency_id").name)
        sheet.write_number(total, 9, converted_total, money)
        sheet.write_number(total, 10, converted_total * 12, money)
        sheet.set_column(0, 3, 22)
        sheet.set_column(4, 10, 16)
        self._write_saas_metrics(workbook, contracts)

    def _write_saas_metrics(self, workbook, contracts):
        """A sheet of the monthly SaaS metrics (``recurring.revenue.report.saas_metrics``) of
        ``contracts``, one row a month, oldest first; a rate without a base stays empty."""
        sheet = workbook.add_worksheet(_("SaaS metrics"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        share = workbook.add_format({"num_format": "0.0%"})
        columns = [
            (_("Month"), None, None), (_("MRR"), "mrr", money), (_("ARR"), "arr", money),
            (_("New MRR"), "new_mrr", money), (_("Expansion MRR"), "expansion_mrr", money),
            (_("Contraction MRR"), "contraction_mrr", money), (_("Lost MRR (churn)"), "lost_mrr", money),
            (_("Reactivation MRR"), "reactivation_mrr", money), (_("Customers"), "customers", None),
            (_("Customers lost"), "customers_lost", None), (_("Customer churn rate"), "customer_churn_rate", share),
            (_("Revenue churn rate"), "revenue_churn_rate", share),
            (_("Net revenue retention"), "net_revenue_retention", share),
            (_("Gross revenue retention"), "gross_revenue_retention", share),
        ]
        for column, (header, _key, _style) in enumerate(columns):
            sheet.write(0, column, header, bold)
        today = fields.Date.from_string(self.env.context.get("recurring_today") or fields.Date.context_today(self))
        index = today.year * 12 + today.month - 1
        months = [datetime.date((index - back) // 12, (index - back) % 12 + 1, 1)
                  for back in range(METRICS_MONTHS - 1, -1, -1)]
        Report = self.env["recurring.revenue.report"]
        domain = [("contract_id", "in", contracts.ids)]
        for row, month in enumerate(months, 1):
            metrics = Report._saas_metrics(fields.Date.to_string(month), domain)
            sheet.write(row, 0, month.strftime("%Y-%m"))
            for column, (_header, key, style) in enumerate(columns[1:], 1):
                if metrics[key] is not None:
                    sheet.write_number(row, column, metrics[key], style)
        sheet.set_column(0, 0, 10)
        sheet.set_column(1, len(columns) - 1, 16)
