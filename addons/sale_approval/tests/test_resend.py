import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import ApprovalCase


class TestResendApprovalMail(ApprovalCase):
    """A lost approval e-mail sent again from the quotation: to whom, by whom, how often."""

    @classmethod
    def setUpClass(cls):
        super(TestResendApprovalMail, cls).setUpClass()
        # tier 1: the leader and the deputy each approve their own rule; tier 2: the director
        cls._rule("amount", tier=1, approver=cls.leader, amount_threshold=500.0)
        cls._rule("discount", tier=1, approver=cls.deputy, percent_threshold=5.0)
        cls._rule("amount", tier=2, approver=cls.director, amount_threshold=500.0)

    def _mails(self, order, user):
        return self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", order.id),
                                             ("recipient_ids", "in", user.partner_id.ids)])

    def _approve_token(self, mail):
        url = re.search(r'href="([^"]*/sale_approval/\d+/approve\?token=[^"]*)"', mail.body_html).group(1)
        return parse_qs(urlparse(url.replace("&amp;", "&")).query)["token"][0]

    def _age_mails(self, order, minutes):
        """As if the approval e-mails of ``order`` were sent ``minutes`` ago."""
        order._approval_current_requests().write(
            {"mailed_on": fields.Datetime.to_string(datetime.now() - timedelta(minutes=minutes))})

    def test_salesperson_resends_to_the_approvers_still_to_decide_once_per_interval(self):
        order = self._order(discount=10.0)
        order.action_approval_request()
        first_mail = self._mails(order, self.deputy)
        self.assertEqual(len(first_mail), 1)
        old_token = self._approve_token(first_mail)
        order.sudo(self.leader).action_approval_approve()
        # right after the request: too soon, nothing is sent
        with self.assertRaises(UserError):
            order.action_approval_resend()
        self.assertEqual(len(self._mails(order, self.deputy)), 1)
        self._age_mails(order, 16)
        self.assertTrue(order.approval_can_resend)
        order.action_approval_resend()
        # only the deputy, who has not decided yet: not the leader (approved), nor tier 2's director
        new_mail = self._mails(order, self.deputy) - first_mail
        self.assertEqual(len(new_mail), 1)
        self.assertEqual(len(self._mails(order, self.leader)), 1)
        self.assertFalse(self._mails(order, self.director))
        new_token = self._approve_token(new_mail)
        # (the new link expires a validity period from now: the same token as the old one when
        # both were signed within the same second, as in a fast test)
        # both links work, for the deputy only
        as_deputy = order.sudo(self.deputy)
        self.assertFalse(as_deputy._approval_link_problem("approve", new_token))
        self.assertFalse(as_deputy._approval_link_problem("approve", old_token))
        self.assertTrue(order.sudo(self.leader)._approval_link_problem("approve", new_token))
        self.assertIn("Approval e-mail sent again by Salesman to Deputy", order.message_ids[0].body)
        # a second click a minute later sends nothing more
        self._age_mails(order, 1)
        with self.assertRaises(UserError):
            order.action_approval_resend()
        self.assertEqual(len(self._mails(order, self.deputy)), 2)

    def test_interval_is_a_system_parameter(self):
        self.env["ir.config_parameter"].set_param("sale_approval.resend_interval_minutes", "60")
        order = self._order(discount=10.0)
        order.action_approval_request()
        self._age_mails(order, 30)
        with self.assertRaises(UserError):
            order.action_approval_resend()
        self._age_mails(order, 61)
        order.action_approval_resend()
        self.assertEqual(len(self._mails(order, self.leader)), 2)

    def test_only_the_salesperson_and_sales_managers_may_resend(self):
        order = self._order()
        order.action_approval_request()
        self._age_mails(order, 20)
        # the approver reads the quotation but does not re-send its e-mail
        self.assertFalse(order.sudo(self.leader).approval_can_resend)
        with self.assertRaises(AccessError):
            order.sudo(self.leader).action_approval_resend()
        self.assertEqual(len(self._mails(order, self.leader)), 1)
        self.assertTrue(order.sudo(self.director).approval_can_resend)
        order.sudo(self.director).action_approval_resend()
        self.assertEqual(len(self._mails(order, self.leader)), 2)

    def test_nothing_to_resend_once_decided(self):
        order = self._order()
        order.action_approval_request()
        order.sudo(self.leader).action_approval_refuse(note="Too cheap")
        self._age_mails(order, 20)
        self.assertFalse(order.approval_can_resend)
        with self.assertRaises(UserError):
            order.action_approval_resend()
