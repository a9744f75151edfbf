from odoo import tools
from odoo.exceptions import UserError
from odoo.modules.module import get_resource_path

from .common import RecurringCase, d


class TestPlanChange(RecurringCase):
    """An invoiced line's product, unit of measure and taxes change only by "Change plan";
    a change of plan is one record, with its credit, charge and note in the chatter."""

    @classmethod
    def setUpClass(cls):
        super(TestPlanChange, cls).setUpClass()
        cls.premium = cls.env["product.product"].create({
            "name": "Premium", "type": "service", "list_price": 6200.0, "taxes_id": [(6, 0, cls.tax.ids)]})
        cls.reduced_tax = cls.env["account.tax"].create({
            "name": "TVA 10 % (test)", "amount": 10.0, "amount_type": "percent", "type_tax_use": "sale",
            "company_id": cls.company.id})

    def change_plan(self, contract, today, user=None, **values):
        """The contract's Change plan button, as ``user`` (the sales manager by default)."""
        action = contract.action_change_plan()
        Wizard = self.env["recurring.contract.change.wizard"].sudo(user or self.manager)
        return Wizard.with_context(action["context"], recurring_today=today).create(
            dict({"date": today, "quantity": 1.0}, **values))

    def test_product_taxes_and_unit_of_an_invoiced_line_are_locked_naming_the_field(self):
        # given a contract whose January is invoiced, and a line added later that no period billed yet
        contract = self.make_contract(start="2027-01-01", invoicing_mode="arrears")
        self.run_invoicing(contract, "2027-02-01")
        line = contract.line_ids.sudo(self.manager)
        fresh = self.env["recurring.contract.line"].sudo(self.manager).create({
            "contract_id": contract.id, "product_id": self.product.id, "name": "Backup", "quantity": 1,
            "price_unit": 10.0, "date_start": "2027-02-01", "tax_ids": [(6, 0, self.tax.ids)]})
        other_uom = self.env.ref("product.product_uom_hour")
        # when a sales manager writes another product, taxes or unit on the invoiced line: refused
        for values, label in (({"product_id": self.premium.id}, '"Product"'),
                              ({"tax_ids": [(6, 0, self.reduced_tax.ids)]}, '"Taxes"'),
                              ({"tax_ids": [(4, self.reduced_tax.id)]}, '"Taxes"'),
                              ({"tax_ids": [(5,)]}, '"Taxes"'),
                              ({"uom_id": other_uom.id}, '"Unit of measure"')):
            for write in (line.write, lambda values: contract.sudo(self.manager).write(
                    {"line_ids": [(1, line.id, values)]})):
                with self.assertRaisesRegex(UserError, "already invoiced: %s cannot be changed directly.*"
                                                       "Change plan" % label), self.env.cr.savepoint():
                    write(values)
        self.assertEqual((line.product_id, line.tax_ids), (self.product, self.tax))
        # and the quantity's error names it too
        with self.assertRaisesRegex(UserError, 'already invoiced: "Quantity" cannot be changed'):
            line.write({"quantity": 3.0})
        # in French for a French user (the addon's French loaded, as an install with French does)
        self.env["res.lang"].load_lang("fr_FR")
        tools.trans_load(self.env.cr, get_resource_path("recurring_billing", "i18n", "fr.po"), "fr_FR",
                         verbose=False, module_name="recurring_billing")
        with self.assertRaisesRegex(UserError, "déjà facturée : \"Article\" ne peut pas.*Changer de formule"), \
                self.env.cr.savepoint():
            line.with_context(lang="fr_FR").write({"product_id": self.premium.id})
        # the same values, the description and the line never billed stay writable
        line.write({"product_id": self.product.id, "tax_ids": [(6, 0, self.tax.ids)], "name": "Hosting (web)"})
        fresh.write({"product_id": self.premium.id, "tax_ids": [(6, 0, self.reduced_tax.ids)],
                     "uom_id": other_uom.id})
        self.assertEqual((fresh.product_id, fresh.tax_ids, fresh.invoiced), (self.premium, self.reduced_tax, False))

    def test_a_plan_change_is_one_record_with_its_amounts_invoice_lines_and_a_chatter_note(self):
        # given Hosting at 3,100 a month in advance from 1 January, January invoiced
        contract = self.make_contract(start="2027-01-01", price=3100.0)
        self.run_invoicing(contract, "2027-01-01")
        hosting = contract.line_ids
        # when the sales manager changes the plan to Premium from 11 January in the wizard
        wizard = self.change_plan(contract, "2027-01-11", product_id=self.premium.id, price_unit=6200.0)
        self.assertIn("credits 2,100.00 €", wizard.summary)
        self.assertIn("charges 4,200.00 €", wizard.summary)
        wizard.action_confirm()
        # then the contract has one change: of plan, dated, by her, with the credit and the charge
        changes = self.env["recurring.contract.amendment"].search([("contract_id", "=", contract.id)])
        self.assertEqual(changes.mapped("kind"), ["plan"])
        self.assertEqual(changes, contract.plan_change_ids)
        self.assertEqual((changes.kind, changes.date, changes.old_product_id, changes.product_id, changes.create_uid),
                         ("plan", "2027-01-11", self.product, self.premium, self.manager))
        self.assertEqual((changes.credit_amount, changes.charge_amount), (2100.0, 4200.0))
        # the old plan keeps what it billed, up to the day before
        self.assertEqual((hosting.quantity, hosting.price_unit, hosting.date_end), (1.0, 3100.0, "2027-01-10"))
        self.assertEqual(changes.new_line_id.date_start, "2027-01-11")
        # and the chatter says it, under her name
        note = contract.message_ids.filtered(lambda message: "Plan changed" in (message.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.author_id, self.manager.partner_id)
        self.assertIn("Plan changed from 01/11/2027: Hosting (1 x", note.body)
        self.assertIn("to Premium (1 x", note.body)
        self.assertIn("2,100.00", note.body)
        self.assertIn("4,200.00", note.body)
        # when February is invoiced, the change lists the invoice lines of its credit and charge
        february = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(sorted(february.invoice_line_ids.mapped("price_subtotal")), [-2100.0, 4200.0, 6200.0])
        self.assertEqual(sorted(changes.sudo(self.manager).invoice_line_ids.mapped("price_subtotal")),
                         [-2100.0, 4200.0])
        self.assertEqual(changes.invoice_line_ids.mapped("invoice_id"), february)

    def test_plan_change_over_rpc_changes_the_taxes_from_a_date(self):
        # given Hosting at 100 a month in advance taxed 20 %, January invoiced
        contract = self.make_contract(start="2027-01-01")
        self.run_invoicing(contract, "2027-01-01")
        # and 3 units booked on 20 January from 15 February
        scheduled = contract.line_ids.with_context(recurring_today="2027-01-20").apply_change(
            "2027-02-15", quantity=3.0) and contract.line_ids.amendment_ids
        # when, over RPC, a sales manager without an e-mail address moves the same product to 10 % VAT
        # from 1 February (a period boundary): first refused, the quantity being scheduled after that day
        self.manager.partner_id.email = False
        values = {"kind": "plan", "line_id": contract.line_ids.id, "date": "2027-02-01",
                  "product_id": self.product.id, "quantity": 1.0, "price_unit": 100.0,
                  "tax_ids": [(6, 0, self.reduced_tax.ids)]}
        Amendment = self.env["recurring.contract.amendment"].sudo(self.manager)
        with self.assertRaisesRegex(UserError, "scheduled on 02/15/2027"), self.env.cr.savepoint():
            Amendment.create(dict(values))
        scheduled.sudo(self.manager).unlink()
        change = Amendment.create(values)
        # then no proration, and February is billed at 10 %, January's line keeping its 20 %
        self.assertEqual((change.credit_amount, change.charge_amount), (0.0, 0.0))
        february = self.run_invoicing(contract, "2027-02-01")
        self.assertEqual(february.invoice_line_ids.mapped("invoice_line_tax_ids"), self.reduced_tax)
        self.assertEqual(february.amount_tax, 10.0)
        january = contract.invoice_ids - february
        self.assertEqual(january.invoice_line_ids.mapped("invoice_line_tax_ids"), self.tax)
        # and a change of plan is not edited nor deleted afterwards
        with self.assertRaisesRegex(UserError, "cannot be edited"), self.env.cr.savepoint():
            change.write({"price_unit": 90.0})
        with self.assertRaisesRegex(UserError, "cannot be deleted"), self.env.cr.savepoint():
            change.unlink()

    def test_plan_changes_count_as_expansion_and_contraction_not_churn_and_new(self):
        # given two customers at 100 a month since December 2026
        Partner = self.env["res.partner"]
        upgraded = self.make_contract(start="2026-12-01", partner_id=Partner.create({"name": "Up Ltd"}).id)
        downgraded = self.make_contract(start="2026-12-01", partner_id=Partner.create({"name": "Down Ltd"}).id)
        # when on 11 January one moves to Premium at 250, the other to Basic at 40
        basic = self.premium.copy({"name": "Basic", "list_price": 40.0})
        self.change_plan(upgraded, "2027-01-11", product_id=self.premium.id, price_unit=250.0).action_confirm()
        self.change_plan(downgraded, "2027-01-11", product_id=basic.id, price_unit=40.0).action_confirm()
        self.env["recurring.mrr.snapshot"].cron_snapshot(today=d("2027-02-10"))
        # then January shows an expansion of 150 and a contraction of 60, no churn, nothing new
        Report = self.env["recurring.revenue.report"]
        contracts = upgraded | downgraded
        rows = Report.search_read([("contract_id", "in", contracts.ids), ("month", "=", "2027-01-01")], [
            "contract_id", "mrr", "new_mrr", "expansion_mrr", "contraction_mrr", "lost_mrr", "reactivation_mrr"])
        moves = {row["contract_id"][0]: (row["mrr"], row["new_mrr"], row["expansion_mrr"], row["contraction_mrr"],
                                         row["lost_mrr"], row["reactivation_mrr"]) for row in rows}
        self.assertEqual(moves, {upgraded.id: (250.0, 0.0, 150.0, 0.0, 0.0, 0.0),
                                 downgraded.id: (40.0, 0.0, 0.0, -60.0, 0.0, 0.0)})
        metrics = Report.saas_metrics("2027-01-01", [("contract_id", "in", contracts.ids)])
        self.assertEqual((metrics["customers_lost"], metrics["customer_churn_rate"]), (0, 0.0))
        self.assertAlmostEqual(metrics["net_revenue_retention"], 290.0 / 200.0)
        self.assertAlmostEqual(metrics["gross_revenue_retention"], 140.0 / 200.0)
