import xlrd

from .common import RecurringCase


class TestContractsXlsx(RecurringCase):

    def test_excel_export_lists_each_contract_mrr_and_next_invoice(self):
        # given a monthly contract of 2 x 100 and a yearly one of 1,200, both running
        monthly = self.make_contract(start="2027-01-01", price=100.0, quantity=2.0)
        yearly = self.make_contract(start="2027-03-01", price=1200.0, recurring_unit="year")
        # when the manager exports them to Excel
        report = self.env.ref("recurring_billing.action_report_contract_mrr_xlsx")
        content, file_type = report.with_context(active_model="recurring.contract").render_xlsx(
            (monthly | yearly).ids, {})
        # then the workbook reads back with one row per contract, soonest invoice first, and a total
        self.assertEqual(file_type, "xlsx")
        sheet = xlrd.open_workbook(file_contents=content).sheet_by_index(0)
        self.assertEqual(sheet.nrows, 4)
        self.assertEqual(sheet.row_values(0)[0], "Contract")
        self.assertEqual([sheet.cell_value(row, 0) for row in (1, 2)], [monthly.name, yearly.name])
        self.assertEqual(sheet.cell_value(1, 1), "Boulangerie Martin")
        self.assertEqual(xlrd.xldate_as_tuple(sheet.cell_value(1, 4), 0)[:3], (2027, 1, 1))
        self.assertEqual([sheet.cell_value(row, 6) for row in (1, 2)], [200.0, 100.0])
        self.assertEqual(sheet.cell_value(2, 7), 1200.0)
        self.assertEqual(sheet.cell_value(3, 6), 300.0)
        self.assertEqual(sheet.cell_value(3, 7), 3600.0)
