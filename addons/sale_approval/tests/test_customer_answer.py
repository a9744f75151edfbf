import base64
import hashlib
import json
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import HOST, PORT, HttpCase

from .common import SIGNATURE, ApprovalCase


class TestCustomerAnswer(ApprovalCase):
    """The customer's signed acceptance, refusal, and the reminder before expiry."""

    @classmethod
    def setUpClass(cls):
        super(TestCustomerAnswer, cls).setUpClass()
        cls.rule = cls._rule("amount", approver=cls.leader, amount_threshold=500.0)

    def _approved_and_sent(self):
        order = self._order()
        order.action_approval_request()
        order.sudo(self.leader).action_approval_approve()
        order.write({"state": "sent"})
        return order

    def test_acceptance_keeps_the_evidence_and_confirms(self):
        order = self._approved_and_sent()
        # the portal runs as the superuser
        answer = order.sudo().action_customer_accept(
            " Jeanne Dupont ", SIGNATURE, ip_address="203.0.113.7", user_agent="Firefox")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.customer_answer, "accepted")
        self.assertEqual((answer.answer, answer.signed_by, answer.ip_address),
                         ("accepted", "Jeanne Dupont", "203.0.113.7"))
        self.assertTrue(answer.answered_on)
        self.assertEqual(base64.b64decode(answer.signature), base64.b64decode(SIGNATURE))
        pdf = base64.b64decode(answer.document_id.datas)
        self.assertEqual(answer.document_sha256, hashlib.sha256(pdf).hexdigest())
        self.assertEqual((answer.document_id.res_model, answer.document_id.res_id),
                         ("sale.quotation.answer", answer.id))

    def test_an_employee_cannot_record_the_customer_s_answer_over_rpc(self):
        order = self._approved_and_sent()
        for user in (order.user_id, self.leader):
            with self.assertRaises(AccessError):
                order.sudo(user).action_customer_accept("Jeanne Dupont", SIGNATURE, ip_address="203.0.113.7")
            with self.assertRaises(AccessError):
                order.sudo(user).action_customer_refuse(note="Made up")
        self.assertEqual(order.state, "sent")
        self.assertFalse(order.customer_answer)

    def test_acceptance_without_name_or_signature_is_refused_and_changes_nothing(self):
        order = self._approved_and_sent()
        with self.assertRaises(UserError):
            order.sudo().action_customer_accept("", SIGNATURE)
        with self.assertRaises(UserError):
            order.sudo().action_customer_accept("Jeanne Dupont", "not base64!")
        self.assertEqual(order.state, "sent")
        self.assertFalse(order.customer_answer_ids)

    def test_portal_cannot_confirm_a_quotation_changed_after_approval(self):
        order = self._approved_and_sent()
        order.order_line.write({"product_uom_qty": 20})
        with self.assertRaises(UserError):
            order.sudo().action_customer_accept("Jeanne Dupont", SIGNATURE)
        self.assertEqual(order.state, "sent")

    def test_expired_quotation_cannot_be_accepted(self):
        order = self._approved_and_sent()
        order.validity_date = fields.Date.to_string(fields.Date.from_string(fields.Date.today()) - timedelta(days=1))
        with self.assertRaises(UserError):
            order.sudo().action_customer_accept("Jeanne Dupont", SIGNATURE)

    def test_refusal_marks_the_opportunity_lost_with_the_reason(self):
        self.assertIn("opportunity_id", self.env["sale.order"]._fields, "sale_crm is part of the template")
        # the salesperson's own opportunity: with crm_leads installed, a quotation may only
        # point to an opportunity its writer can read
        opportunity = self.env["crm.lead"].create({"name": "Tables for Dupont", "type": "opportunity",
                                                   "partner_id": self.customer.id, "user_id": self.salesman.id})
        order = self._approved_and_sent()
        order.opportunity_id = opportunity
        reason = self.env.ref("sale_approval.refusal_reason_competitor")
        answer = order.sudo().action_customer_refuse(reason=reason, note="Cheaper elsewhere")
        self.assertEqual(order.state, "cancel")
        self.assertEqual((answer.answer, answer.refusal_reason_id, answer.refusal_note),
                         ("refused", reason, "Cheaper elsewhere"))
        self.assertFalse(opportunity.active)
        self.assertEqual(opportunity.probability, 0)
        self.assertEqual(opportunity.lost_reason.name, reason.name)

    def test_refusal_needs_a_reason(self):
        order = self._approved_and_sent()
        with self.assertRaises(UserError):
            order.sudo().action_customer_refuse(reason=None, note="  ")
        self.assertEqual(order.state, "sent")

    def test_expiry_reminder_is_sent_once(self):
        self.company.sale_expiry_reminder_days = 3
        today = fields.Date.from_string(fields.Date.today())
        soon = self._order(validity_date=fields.Date.to_string(today + timedelta(days=2)))
        later = self._order(validity_date=fields.Date.to_string(today + timedelta(days=10)))
        Order = self.env["sale.order"]

        def reminders(order):
            return self.env["mail.activity"].search([
                ("res_model", "=", "sale.order"), ("res_id", "=", order.id), ("user_id", "=", self.salesman.id),
                ("activity_type_id", "=", self.env.ref("sale_approval.mail_activity_expiry").id)])
        Order._cron_expiry_reminder()
        Order._cron_expiry_reminder()
        self.assertEqual(len(reminders(soon)), 1)
        self.assertTrue(soon.expiry_reminder_sent)
        self.assertFalse(reminders(later))
        # a new validity date is a new expiry: the old reminder goes, a new one comes when the date nears
        new_date = fields.Date.to_string(today + timedelta(days=1))
        soon.validity_date = new_date
        self.assertFalse(reminders(soon))
        Order._cron_expiry_reminder()
        self.assertEqual(reminders(soon).mapped("date_deadline"), [new_date])


@odoo.tests.common.at_install(False)
@odoo.tests.common.post_install(True)
class TestPortalRoute(HttpCase):
    """The portal's accept route, as a customer's browser calls it with the e-mailed token."""

    def test_portal_accept_of_a_quotation_waiting_for_approval_is_refused(self):
        # Odoo 11: HTTP requests run on the registry's test cursor, not on self.cr
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env["sale.approval.rule"].search([]).write({"active": False})
            env["sale.approval.rule"].create({
                "name": "Everything", "condition": "amount", "amount_threshold": 0.0,
                "approver_kind": "user", "approver_user_id": env.ref("base.user_root").id})
            partner = env["res.partner"].create({"name": "Portal customer"})
            product = env["product.product"].create({"name": "Chair", "list_price": 50.0})
            order = env["sale.order"].create({"partner_id": partner.id, "order_line": [(0, 0, {
                "product_id": product.id, "name": "Chair", "product_uom_qty": 2,
                "product_uom": product.uom_id.id, "price_unit": 50.0})]})
            # sent by someone who could bypass, then not approved: the customer still cannot confirm it
            cr.execute("UPDATE sale_order SET state = 'sent' WHERE id = %s", [order.id])
            order_id, token = order.id, order.access_token
        payload = {"jsonrpc": "2.0", "method": "call", "params": {
            "res_id": order_id, "access_token": token, "partner_name": "Portal customer",
            "signature": SIGNATURE}}
        response = self.opener.post("http://%s:%s/my/quotes/accept" % (HOST, PORT), data=json.dumps(payload),
                                    headers={"Content-Type": "application/json"}, timeout=60)
        body = response.json()
        self.assertIn("result", body, body)
        # a neutral sentence: the internal rule's name is not the customer's business
        self.assertIn("being reviewed", body["result"].get("error", ""))
        self.assertNotIn("Everything", body["result"]["error"])
        # the quotation is neither shown nor printed to the customer
        base = "http://%s:%s/my/orders" % (HOST, PORT)
        page = self.opener.get("%s/%s?access_token=%s" % (base, order_id, token), timeout=60)
        self.assertIn("being reviewed", page.text)
        self.assertNotIn("Chair", page.text)
        pdf = self.opener.get("%s/pdf/%s?access_token=%s" % (base, order_id, token), timeout=60)
        self.assertNotIn("application/pdf", pdf.headers.get("Content-Type", ""))
        with self.registry.cursor() as cr:
            order = api.Environment(cr, SUPERUSER_ID, {})["sale.order"].browse(order_id)
            order.invalidate_cache()
            self.assertEqual(order.state, "sent")
            self.assertFalse(order.customer_answer_ids)

    def test_the_quotation_page_shows_only_its_own_messages(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env["sale.approval.rule"].search([]).write({"active": False})
            partner = env["res.partner"].create({"name": "Portal customer"})
            order = env["sale.order"].create({"partner_id": partner.id})
            order.write({"state": "sent"})
            order_id, token = order.id, order.access_token
        url = "http://%s:%s/my/orders/%s" % (HOST, PORT, order_id)
        forged = self.opener.get(url, params={"access_token": token, "error": "Call +33 1 23 45 67 89 to pay",
                                              "success": "Pay on evil.example", "warning": "Your card expired"},
                                 timeout=60)
        self.assertEqual(forged.status_code, 200)
        # (the page's download link keeps its query string, URL-encoded: not shown as text)
        for text in ("Call +33 1 23 45 67 89 to pay", "Pay on evil.example", "Your card expired"):
            self.assertNotIn(text, forged.text)
        self.assertIn("There was an error processing this page.", forged.text)
        known = self.opener.get(url, params={"access_token": token, "error": "reason"}, timeout=60)
        self.assertIn("Tell us why you refuse this quotation.", known.text)
