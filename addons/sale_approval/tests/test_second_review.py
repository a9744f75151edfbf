import base64
import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, fields
from odoo.exceptions import AccessError, UserError

from .common import SIGNATURE, ApprovalCase


class TestSecondReview(ApprovalCase):
    """Routes around the approval found by the second outside review, each closed."""

    @classmethod
    def setUpClass(cls):
        super(TestSecondReview, cls).setUpClass()
        cls.rule = cls._rule("amount", approver=cls.leader, amount_threshold=500.0, team_ids=[(6, 0, cls.team.ids)])

    def _approved(self, **values):
        order = self._order(**values)
        order.sudo(self.salesman).action_approval_request()
        order.sudo(self.leader).action_approval_approve()
        return order

    # 1. a confirmed order is not changed behind the approval

    def test_a_confirmed_order_s_lines_are_not_changed_without_a_new_approval(self):
        order = self._approved()
        order.sudo(self.salesman).action_confirm()
        line = order.order_line
        for values in ({"product_uom_qty": 500}, {"discount": 90.0}, {"price_unit": 1.0}):
            with self.assertRaises(UserError, msg=str(values)), self.cr.savepoint():
                line.sudo(self.salesman).write(values)
        with self.assertRaises(UserError), self.cr.savepoint():
            order.sudo(self.salesman).write({"order_line": [(0, 0, {
                "product_id": self.product.id, "name": "Extra", "product_uom_qty": 100, "price_unit": 100.0,
                "product_uom": self.product.uom_id.id, "tax_id": [(5, 0, 0)]})]})
        self.assertEqual((order.state, order.amount_untaxed, line.discount), ("sale", 1000.0, 0.0))
        # a user allowed to go on without approval may, and the chatter says so
        self.director.groups_id = [(4, self.env.ref("sale_approval.group_sale_approval_bypass").id)]
        line.sudo(self.director).write({"product_uom_qty": 12})
        self.assertEqual(order.amount_untaxed, 1200.0)
        self.assertTrue(order.message_ids.filtered(lambda message: "changed the confirmed order" in message.body))

    def test_a_small_confirmed_order_grows_past_a_rule_only_with_approval(self):
        order = self._order(quantity=3)  # 300: no rule
        order.sudo(self.salesman).action_confirm()
        order.order_line.sudo(self.salesman).write({"product_uom_qty": 4})
        self.assertEqual(order.amount_untaxed, 400.0)
        with self.assertRaises(UserError), self.cr.savepoint():
            order.order_line.sudo(self.salesman).write({"product_uom_qty": 500})
        self.assertEqual(order.amount_untaxed, 400.0)

    # 2. nothing of a blocked quotation reaches the customer

    def test_a_blocked_quotation_is_not_e_mailed_to_the_customer_by_the_composer(self):
        order = self._order()
        template = self.env.ref("sale.email_template_edi_sale")
        composer = self.env["mail.compose.message"].sudo(self.salesman).with_context(
            default_model="sale.order", default_res_id=order.id, default_composition_mode="comment",
            default_use_template=True, default_template_id=template.id).create({})
        composer.onchange_template_id_wrapper()
        composer.partner_ids = self.customer
        with self.assertRaises(UserError), self.cr.savepoint():
            composer.send_mail()
        with self.assertRaises(UserError), self.cr.savepoint():
            order.sudo(self.salesman).message_post(
                body="Our quotation", partner_ids=self.customer.ids, message_type="comment",
                subtype="mail.mt_comment", attachments=[("quotation.pdf", b"%PDF-1.4")])
        with self.assertRaises(UserError), self.cr.savepoint():
            template.sudo(self.salesman).send_mail(order.id)
        to_customer = self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", order.id),
                                                    ("recipient_ids", "in", self.customer.ids)])
        self.assertFalse(to_customer)
        # a note to a colleague stays possible
        order.sudo(self.salesman).message_post(body="Leader, have a look", partner_ids=self.leader.partner_id.ids,
                                               subtype="mail.mt_note")
        # approved, it goes out
        order.sudo(self.salesman).action_approval_request()
        order.sudo(self.leader).action_approval_approve()
        order.sudo(self.salesman).message_post(body="Our quotation", partner_ids=self.customer.ids,
                                               message_type="comment", subtype="mail.mt_comment")

    # 3. a move to another team does not escape its rules

    def test_moving_a_quotation_to_a_team_without_rules_keeps_it_blocked(self):
        order = self._order()
        self.assertTrue(order.sudo(self.salesman).approval_needed)
        order.sudo(self.salesman).write({"team_id": self.other_team.id})
        order.invalidate_cache()
        self.assertEqual(order.sudo(self.salesman).approval_missing, self.rule.name)
        with self.assertRaises(UserError), self.cr.savepoint():
            order.sudo(self.salesman).action_confirm()
        # the kept rule still looks at the lines: a small quotation no longer needs it
        order.order_line.sudo(self.salesman).write({"product_uom_qty": 2})
        order.invalidate_cache()
        self.assertFalse(order.sudo(self.salesman).approval_needed)
        # a quotation that needed nothing moves freely
        small = self._order(quantity=2)
        small.sudo(self.salesman).write({"team_id": self.other_team.id})
        self.assertFalse(small.approval_carried_rule_ids)

    # 4. a delegation started after the request

    def test_a_delegation_hands_over_the_requests_already_waiting(self):
        order = self._order()
        order.sudo(self.salesman).action_approval_request()
        tomorrow = fields.Date.to_string(fields.Date.from_string(fields.Date.today()) + timedelta(days=1))
        self.leader.sudo(self.leader).write({"sale_approval_delegate_id": self.deputy.id,
                                             "sale_approval_away_until": tomorrow})
        self.assertEqual(order.approval_request_ids.approver_ids, self.leader | self.deputy)
        activities = self.env["mail.activity"].search([("res_model", "=", "sale.order"), ("res_id", "=", order.id)])
        self.assertIn(self.deputy, activities.mapped("user_id"))
        order.sudo(self.deputy).action_approval_approve()
        request = order.approval_request_ids
        self.assertEqual((request.state, request.decided_by_id, request.decided_for_id),
                         ("approved", self.deputy, self.leader))

    # 5. the signed PDF is evidence

    def test_the_signed_pdf_cannot_be_deleted_or_rewritten(self):
        order = self._approved()
        order.write({"state": "sent"})
        answer = order.sudo().action_customer_accept("Jeanne Dupont", SIGNATURE, ip_address="203.0.113.7")
        document = answer.document_id
        self.assertTrue(answer.sudo(self.salesman).document_intact)
        for user in (self.salesman, self.director):
            with self.assertRaises(AccessError), self.cr.savepoint():
                document.sudo(user).write({"datas": base64.b64encode(b"%PDF-1.4 forged")})
            with self.assertRaises(AccessError), self.cr.savepoint():
                document.sudo(user).unlink()
        self.assertTrue(document.exists())
        # rewritten behind the application's back, the answer says the file no longer matches
        self.assertEqual(self.env.uid, SUPERUSER_ID)
        document.write({"datas": base64.b64encode(b"%PDF-1.4 forged")})
        answer.invalidate_cache()
        self.assertFalse(answer.document_intact)

    # 7. a typo in a system parameter

    def test_a_resend_interval_that_is_not_a_number_falls_back_to_15_minutes(self):
        self.env["ir.config_parameter"].set_param("sale_approval.resend_interval_minutes", "fifteen")
        order = self._order()
        order.sudo(self.salesman).action_approval_request()
        with self.assertLogs("odoo.addons.sale_approval.models.sale_order", logging.WARNING):
            with self.assertRaisesRegex(UserError, "less than 15 minutes"):
                order.sudo(self.salesman).action_approval_resend()

    # 8. who signs the notes

    def test_the_approval_notes_are_signed_by_the_approver(self):
        order = self._approved()
        approved = order.message_ids.filtered(lambda message: "Quotation approved" in (message.body or ""))
        self.assertEqual(approved.author_id, self.leader.partner_id)
        root = self.env["res.users"].browse(SUPERUSER_ID).partner_id
        self.assertFalse(order.sudo().message_ids.filtered(lambda message: message.author_id == root))
