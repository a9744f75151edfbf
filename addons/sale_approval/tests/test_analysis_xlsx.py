from datetime import datetime, timedelta

import xlrd

from odoo import fields

from .common import SIGNATURE, ApprovalCase


def read_workbook(content):
    """{sheet name: [[cell (type, value) of each column] of each row]} of an xlsx file."""
    book = xlrd.open_workbook(file_contents=content)
    return {sheet.name: [[(cell.ctype, cell.value) for cell in sheet.row(line)] for line in range(sheet.nrows)]
            for sheet in book.sheets()}


def by_label(rows):
    """{first cell's value: the other cells' values} of a sheet's rows under the header."""
    return {row[0][1]: [value for _ctype, value in row[1:]] for row in rows[1:]}


class TestApprovalAnalysisXlsx(ApprovalCase):
    """Sales > Reporting > Approval analysis (Excel), on real approval history:

    - Tables A and B (salesman, Approval team): tier 1 (leader) approves after 2 h and 4 h,
      tier 2 (director) after 5 h and 3 h; the customer accepts A and refuses B
      ("Too expensive", a reason named like a formula).
    - C and E (salesman): the leader refuses after 6 h ("Margin too low") and after 1 h
      (a comment only).
    - F (another salesperson, Other team): approved after 3 h and 4 h, accepted.
    """

    @classmethod
    def setUpClass(cls):
        super(TestApprovalAnalysisXlsx, cls).setUpClass()
        cls._rule("amount", tier=1, approver=cls.leader, amount_threshold=500.0)
        cls._rule("amount", tier=2, approver=cls.director, amount_threshold=500.0)
        cls.other = cls._user("other", ["sales_team.group_sale_salesman"])
        Reason = cls.env["sale.refusal.reason"]
        cls.margin = Reason.create({"name": "Margin too low", "customer_visible": False})
        cls.expensive = Reason.create({"name": '=HYPERLINK("http://evil.example","Too expensive")'})
        # the history is built once, through the real buttons, for every test
        table_a = cls._approved_and_sent(cls._quotation(cls.salesman, cls.team), 2, 5)
        table_a.sudo().action_customer_accept("Jeanne Dupont", SIGNATURE, ip_address="203.0.113.7")
        table_b = cls._approved_and_sent(cls._quotation(cls.salesman, cls.team), 4, 3)
        table_b.sudo().action_customer_refuse(reason=cls.expensive)
        for hours, reason, note in ((6, cls.margin, None), (1, None, "Call me first")):
            order = cls._quotation(cls.salesman, cls.team)
            order.action_approval_request()
            cls._wait_then(order, cls.leader, hours, refuse=reason, note=note)
        table_f = cls._approved_and_sent(cls._quotation(cls.other, cls.other_team), 3, 4)
        table_f.sudo().action_customer_accept("Paul Martin", SIGNATURE, ip_address="203.0.113.8")
        cls.orders = table_a | table_b | table_f

    @classmethod
    def _quotation(cls, salesperson, team):
        """A 1,000 € quotation of ``salesperson``, created as them."""
        return cls.env["sale.order"].sudo(salesperson).create({
            "partner_id": cls.customer.id, "user_id": salesperson.id, "team_id": team.id,
            "order_line": [(0, 0, {"product_id": cls.product.id, "name": "Oak table", "product_uom_qty": 10,
                                   "product_uom": cls.product.uom_id.id, "price_unit": 100.0,
                                   "tax_id": [(5, 0, 0)]})]})

    @classmethod
    def _wait_then(cls, order, user, hours, refuse=None, note=None):
        """``user`` decides what waits for them on ``order``, ``hours`` after it was asked."""
        asked = fields.Datetime.to_string(datetime.now() - timedelta(hours=hours))
        order._approval_current_requests().filtered(lambda request: request.state == "pending").write(
            {"requested_on": asked})
        if refuse or note:
            order.sudo(user).action_approval_refuse(reason=refuse, note=note)
        else:
            order.sudo(user).action_approval_approve()

    @classmethod
    def _approved_and_sent(cls, order, tier1_hours, tier2_hours):
        order.action_approval_request()
        cls._wait_then(order, cls.leader, tier1_hours)
        cls._wait_then(order, cls.director, tier2_hours)
        order.write({"state": "sent"})
        return order

    def _download(self, user, **period):
        wizard = self.env["sale.approval.analysis.wizard"].sudo(user).create(period)
        action = wizard.action_download()
        self.assertEqual((action["report_type"], action["report_name"]),
                         ("xlsx", "sale_approval.approval_analysis_xlsx"))
        report = self.env.ref("sale_approval.action_report_approval_analysis_xlsx").sudo(user)
        content, kind = report.render_xlsx(wizard.ids, {})
        self.assertEqual(kind, "xlsx")
        return read_workbook(content)

    def test_manager_reads_the_figures_of_every_analysis(self):
        self.assertEqual(self.orders.sudo().mapped("state"), ["sale", "cancel", "sale"])
        sheets = self._download(self.director)
        self.assertEqual(list(sheets), ["Time by tier", "Time by approver", "Refusal reasons",
                                        "Acceptance by salesperson", "Acceptance by team"])
        self.assertEqual([value for _ctype, value in sheets["Time by tier"][0]],
                         ["Tier", "Approved", "Refused", "Average hours to approval", "Average hours to refusal"])
        tiers = by_label(sheets["Time by tier"])
        # tier 1: approved after 2, 4 and 3 h; refused after 6 and 1 h
        self.assertEqual(tiers[1.0][:2], [3.0, 2.0])
        self.assertAlmostEqual(tiers[1.0][2], 3.0, places=2)
        self.assertAlmostEqual(tiers[1.0][3], 3.5, places=2)
        self.assertEqual(tiers[2.0][:2], [3.0, 0.0])
        self.assertAlmostEqual(tiers[2.0][2], 4.0, places=2)
        self.assertEqual(tiers[2.0][3], "", "no refusal at tier 2: no average")
        approvers = by_label(sheets["Time by approver"])
        self.assertEqual(set(approvers), {"Leader", "Director"})
        self.assertEqual(approvers["Leader"][:2], [3.0, 2.0])
        self.assertAlmostEqual(approvers["Director"][2], 4.0, places=2)
        reasons = [[value for _ctype, value in row] for row in sheets["Refusal reasons"][1:]]
        self.assertEqual(reasons, [
            ["Internal (approval)", "Margin too low", 1.0],
            ["Internal (approval)", "No reason from the list (comment only)", 1.0],
            ["Customer", '=HYPERLINK("http://evil.example","Too expensive")', 1.0],
        ])
        # a reason named like a formula is text in the workbook, never a formula
        self.assertEqual(sheets["Refusal reasons"][3][1][0], xlrd.XL_CELL_TEXT)
        salespeople = by_label(sheets["Acceptance by salesperson"])
        self.assertEqual(salespeople["Salesman"], [2.0, 1.0, 1.0, 0.5])
        self.assertEqual(salespeople["Other"], [1.0, 1.0, 0.0, 1.0])
        self.assertEqual(sheets["Acceptance by salesperson"][1][4][0], xlrd.XL_CELL_NUMBER)
        teams = by_label(sheets["Acceptance by team"])
        self.assertEqual(teams["Approval team"], [2.0, 1.0, 1.0, 0.5])
        self.assertEqual(teams["Other team"], [1.0, 1.0, 0.0, 1.0])

    def test_salesman_gets_only_his_own_quotations(self):
        sheets = self._download(self.salesman)
        tiers = by_label(sheets["Time by tier"])
        self.assertEqual(tiers[1.0][:2], [2.0, 2.0], "the other salesperson's approval is not counted")
        self.assertEqual(tiers[2.0][:2], [2.0, 0.0])
        self.assertEqual(set(by_label(sheets["Acceptance by salesperson"])), {"Salesman"})
        self.assertEqual(by_label(sheets["Acceptance by team"]), {"Approval team": [2.0, 1.0, 1.0, 0.5]})
        # the other salesperson sees his quotation only
        sheets = self._download(self.other)
        self.assertEqual(by_label(sheets["Acceptance by salesperson"]), {"Other": [1.0, 1.0, 0.0, 1.0]})
        self.assertEqual([row[0][1] for row in sheets["Refusal reasons"][1:]], [])

    def test_period_without_decisions_gives_headers_only(self):
        yesterday = fields.Date.to_string(fields.Date.from_string(fields.Date.today()) - timedelta(days=1))
        sheets = self._download(self.director, date_to=yesterday)
        self.assertEqual({name: len(rows) for name, rows in sheets.items()},
                         {name: 1 for name in sheets})
