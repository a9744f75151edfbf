"""Open points of the third outside review of issue 19: the state of a delivery written by a salesperson,
amounts unrounded, arrhes worded "acompte"."""
import re
from unittest.mock import patch

from odoo import tools
from odoo.exceptions import AccessError, UserError
from odoo.modules.module import get_resource_path

from .test_review19_open_points import ReviewCase


class TestDeliveryStateIsNotTheSalespersons(ReviewCase):
    """A salesperson wrote ``{'state': 'done'}`` on the delivery (or its moves) of an order over RPC: the
    goods read as delivered, the final invoice asked for them and the deposit rules saw them shipped."""

    @classmethod
    def setUpClass(cls):
        super(TestDeliveryStateIsNotTheSalespersons, cls).setUpClass()
        cls.salesman_all = cls._user("salesman_all", ["base.group_user", "sales_team.group_sale_salesman_all_leads"])
        cls.storekeeper = cls._user("storekeeper", ["base.group_user", "stock.group_stock_user"])

    def _order_to_deliver(self):
        # 10 chairs invoiced on delivered quantities, an acompte of 30% (360.00) paid
        order = self._acompte_order(lines=[(self.delivered_product, 10, 100.0, self.vat20)])
        self._pay(order.deposit_ids.invoice_id)
        return order

    def test_a_salesperson_cannot_set_a_delivery_or_its_moves_done(self):
        order = self._order_to_deliver()
        picking = order.picking_ids
        for user in (self.salesman, self.salesman_all):
            with self.assertRaisesRegex(AccessError, "Only inventory users can change the state of a delivery"), \
                    self.env.cr.savepoint():
                picking.sudo(user).write({"state": "done"})
            with self.assertRaisesRegex(AccessError, "Only inventory users can change the state of a delivery"), \
                    self.env.cr.savepoint():
                picking.move_lines.sudo(user).write({"state": "done"})
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                picking.move_lines.sudo(user).write({"state": "cancel"})
        # nothing was delivered: nothing to invoice on the delivered quantities
        order.invalidate_cache()
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(set(picking.move_lines.mapped("state")) & {"done", "cancel"}, set())
        self.assertEqual(order.order_line.qty_delivered, 0.0)
        self.assertEqual(order.order_line.qty_to_invoice, 0.0)
        # the salesperson still writes the rest of the delivery (what sale_stock lets them)
        picking.sudo(self.salesman).write({"note": "Call before coming"})
        self.assertEqual(picking.note, "Call before coming")

    def test_the_buttons_still_move_the_state(self):
        order = self._order_to_deliver()
        picking = order.picking_ids.sudo(self.storekeeper)
        # a user with inventory rights validates the delivery with its button
        picking.action_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 10.0)
        # a salesperson confirms an order (its delivery made and reserved), raises a quantity, and cancels it:
        # its delivery is cancelled with it
        other = self._order(lines=[(self.delivered_product, 2, 100.0, self.vat20)]).sudo(self.salesman)
        other.action_confirm()
        self.assertEqual(len(other.picking_ids), 1)
        self.assertIn(other.picking_ids.state, ("confirmed", "assigned"))
        other.order_line.write({"product_uom_qty": 3})
        self.assertEqual(sum(other.picking_ids.move_lines.mapped("product_uom_qty")), 3.0)
        other.action_cancel()
        self.assertEqual(other.state, "cancel")
        self.assertEqual(other.picking_ids.mapped("state"), ["cancel"])

    def test_the_customer_withdrawing_from_arrhes_cancels_the_delivery_for_a_sales_manager(self):
        order = self._acompte_order(partner=self.consumer, deposit_kind="arrhes")
        self._pay(order.deposit_ids.invoice_id)
        order.sudo(self.manager).action_deposit_customer_withdraws()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.picking_ids.mapped("state"), ["cancel"])


class TestAmountsRounded(ReviewCase):
    """The legal interest and the amount left to deduct read 19.740000000000002 over RPC: Odoo's rounding of
    a computed amount multiplies back by 0.01 (1974 x 0.01), and sums of floats add their own noise."""

    def assertReads(self, records, expected):
        records.invalidate_cache()
        values = records.read(list(expected))[0]
        # compared as text: 19.740000000000002 == 19.74 to assertAlmostEqual, not to an RPC client
        self.assertEqual({name: repr(values[name]) for name in expected},
                         {name: repr(value) for name, value in expected.items()})

    def test_the_deposit_amounts_read_as_the_currency_shows_them(self):
        # an order asking a deposit of 19.74 (1974 x 0.01 = 19.740000000000002)
        order = self._acompte_order(deposit_method="fixed", deposit_value=19.74)
        deposit = order.deposit_ids
        self.assertReads(deposit, {"amount_to_deduct": 19.74, "amount_to_pay": 19.74, "amount_paid": 0.0})
        self.assertReads(order, {"deposit_expected": 19.74, "deposit_invoiced": 19.74, "deposit_remaining": 19.74,
                                 "deposit_to_pay": 19.74})
        # once paid
        self._pay(deposit.invoice_id)
        self.assertReads(deposit, {"amount_paid": 19.74, "amount_remaining": 19.74, "amount_to_deduct": 19.74})
        self.assertReads(order, {"deposit_paid": 19.74, "deposit_remaining": 19.74, "deposit_to_pay": 0.0})

    def test_two_deposits_sum_to_the_cent(self):
        # deposits of 19.74 and 100.10 + 200.20 in two payments (float sums 119.83999999999999, 300.29999999999995)
        order = self._acompte_order(deposit_method="fixed", deposit_value=19.74)
        order.create_deposit(method="fixed", value=100.10)
        self.assertEqual(sorted(order.deposit_ids.mapped("amount")), [19.74, 100.1])
        self.assertReads(order, {"deposit_remaining": 119.84, "deposit_invoiced": 119.84})
        big = self._acompte_order(deposit_method="fixed", deposit_value=300.30)
        self._pay(big.deposit_ids.invoice_id, 100.10)
        self._pay(big.deposit_ids.invoice_id, 200.20)
        self.assertReads(big.deposit_ids, {"amount_paid": 300.3})
        self.assertReads(big, {"deposit_paid": 300.3})

    def test_the_legal_interest_reads_as_the_currency_shows_it(self):
        order = self._acompte_order(partner=self.consumer, deposit_kind="arrhes")
        with patch.object(type(order), "_deposit_late_interest", lambda self, on_date: (True, 19.74)):
            self.assertReads(order, {"deposit_late_interest": 19.74})


class TestArrhesWording(ReviewCase):
    """The order PDF of an arrhes order headed its deposits "Facture d'acompte"; errors on arrhes orders said
    "facture d'acompte"."""

    @classmethod
    def setUpClass(cls):
        super(TestArrhesWording, cls).setUpClass()
        cls.env["res.lang"].load_lang("fr_FR")
        tools.trans_load(cls.env.cr, get_resource_path("sale_deposit", "i18n", "fr.po"), "fr_FR",
                         verbose=False, module_name="sale_deposit")
        cls.consumer.lang = "fr_FR"
        cls.business.lang = "fr_FR"
        cls.salesman.lang = "fr_FR"

    def _html(self, order):
        html, _format = self.env.ref("sale.action_report_saleorder").render_qweb_html(order.ids)
        return html.decode() if isinstance(html, bytes) else html

    def test_the_pdf_heads_the_deposits_per_kind_in_french(self):
        arrhes = self._acompte_order(partner=self.consumer, deposit_kind="arrhes")
        html = self._html(arrhes)
        self.assertIn("Facture d'arrhes", html.replace("&#39;", "'"))
        self.assertNotIn("acompte", html.lower())
        acompte = self._acompte_order()
        html = self._html(acompte).replace("&#39;", "'")
        self.assertIn("Facture d'acompte", html)
        self.assertNotIn("arrhes", html.lower())

    def test_an_error_on_an_arrhes_order_says_arrhes_in_french(self):
        order = self._acompte_order(partner=self.consumer, deposit_kind="arrhes")
        with self.assertRaisesRegex(AccessError, "a une facture d'arrhes : seul un responsable des ventes"):
            order.sudo(self.salesman).with_context(lang="fr_FR").write({"deposit_value": 50})
        self._pay(order.deposit_ids.invoice_id)
        with self.assertRaisesRegex(UserError, "Les arrhes %s ne peuvent pas être annulées : seule une "
                                               "facture d'arrhes validée" % re.escape(order.deposit_ids.name)):
            order.deposit_ids.sudo(self.manager).with_context(lang="fr_FR").action_cancel_unpaid()
