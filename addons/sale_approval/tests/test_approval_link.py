import re

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tests.common import HOST, PORT, HttpCase


def _local(url):
    """The link as the test server serves it (web.base.url names the production port)."""
    return re.sub(r"^https?://[^/]+", "http://%s:%s" % (HOST, PORT), url)


@odoo.tests.common.at_install(False)
@odoo.tests.common.post_install(True)
class TestApprovalLink(HttpCase):
    """Approve or refuse from the links of the approval request e-mail, over HTTP."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "no_reset_password": True})

    def setUp(self):
        super(TestApprovalLink, self).setUp()
        # Odoo 11: HTTP requests run on the registry's test cursor, not on self.cr
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["sale.approval.rule"].search([]).write({"active": False})
            groups = [(6, 0, [env.ref("base.group_user").id, env.ref("sales_team.group_sale_salesman_all_leads").id])]
            users = {}
            for login in ("alice", "bruno"):
                users[login] = env["res.users"].create({
                    "name": login.title(), "login": "link_" + login, "password": "link_" + login,
                    "email": login + "@example.com", "groups_id": groups, "sale_approval_limit": 50000.0})
            # one rule for each approver, same tier: each one's link decides only their own part
            for login, user in users.items():
                env["sale.approval.rule"].create({
                    "name": "Above 500 (%s)" % login, "condition": "amount", "amount_threshold": 500.0,
                    "approver_kind": "user", "approver_user_id": user.id})
            partner = env["res.partner"].create({"name": "Link customer"})
            product = env["product.product"].create({"name": "Desk", "list_price": 100.0, "taxes_id": [(5, 0, 0)]})
            order = env["sale.order"].create({"partner_id": partner.id, "order_line": [(0, 0, {
                "product_id": product.id, "name": "Desk", "product_uom_qty": 10,
                "product_uom": product.uom_id.id, "price_unit": 100.0, "tax_id": [(5, 0, 0)]})]})
            order.action_approval_request()
            self.order_id = order.id
            self.alice, self.bruno = users["alice"].id, users["bruno"].id
            mails = env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", order.id),
                                             ("recipient_ids", "in", users["alice"].partner_id.ids)])
            self.assertEqual(len(mails), 1, "one approval e-mail for Alice")
            links = dict(re.findall(r'href="([^"]*/sale_approval/\d+/(approve|refuse)\?token=[^"]*)"', mails.body_html))
            self.links = {action: _local(url.replace("&amp;", "&")) for url, action in links.items()}
            self.assertEqual(set(self.links), {"approve", "refuse"})

    def _states(self):
        """{approver login: state of their request} in the current cycle."""
        with self.registry.cursor() as cr:
            order = self._env(cr)["sale.order"].browse(self.order_id)
            order.invalidate_cache()
            return {request.approver_ids.login: request.state for request in order._approval_current_requests()}

    def _get(self, url, login):
        # the users exist on the test cursor only: authenticate() reads them on self.cr
        with self.registry.cursor() as cr:
            own_cr, self.cr = self.cr, cr
            try:
                self.authenticate("link_" + login, "link_" + login)
            finally:
                self.cr = own_cr
        return self.opener.get(url, timeout=60)

    def test_valid_link_approves_that_approvers_part(self):
        response = self._get(self.links["approve"], "alice")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("You approved", response.text)
        self.assertEqual(self._states(), {"link_alice": "approved", "link_bruno": "pending"})
        # a second click has nothing left to approve
        response = self._get(self.links["approve"], "alice")
        self.assertEqual(response.status_code, 403)
        self.assertIn("waits for your approval", response.text)

    def test_link_of_an_earlier_version_of_the_amounts_is_refused(self):
        with self.registry.cursor() as cr:
            order = self._env(cr)["sale.order"].browse(self.order_id)
            order.order_line.write({"price_unit": 90.0})
            order.action_approval_request()
        response = self._get(self.links["approve"], "alice")
        self.assertEqual(response.status_code, 403)
        self.assertIn("earlier version of the quotation", response.text)
        self.assertEqual(self._states(), {"link_alice": "pending", "link_bruno": "pending"})

    def test_forged_link_is_refused(self):
        url = self.links["approve"]
        # the amounts lowered in the token, then the signature changed
        forged = re.sub(r"%3A1000\.00%3A", "%3A100.00%3A", url, count=1)
        self.assertNotEqual(forged, url)
        for link in (forged, url[:-1] + ("0" if url[-1] != "0" else "1"), url.split("?")[0] + "?token=1:2:3"):
            response = self._get(link, "alice")
            self.assertEqual(response.status_code, 403)
            self.assertIn("This link is not valid", response.text)
        self.assertEqual(self._states(), {"link_alice": "pending", "link_bruno": "pending"})

    def test_link_of_another_approver_is_refused(self):
        response = self._get(self.links["approve"], "bruno")
        self.assertEqual(response.status_code, 403)
        self.assertIn("sent to another approver", response.text)
        self.assertEqual(self._states(), {"link_alice": "pending", "link_bruno": "pending"})

    def test_expired_link_is_refused(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["ir.config_parameter"].set_param("sale_approval.link_validity_days", "-1")
            url = env["sale.order"].browse(self.order_id)._approval_link_url(env["res.users"].browse(self.alice),
                                                                             "approve")
        response = self._get(_local(url), "alice")
        self.assertEqual(response.status_code, 403)
        self.assertIn("has expired", response.text)
        self.assertEqual(self._states(), {"link_alice": "pending", "link_bruno": "pending"})

    def test_refuse_link_asks_the_reason(self):
        page = self._get(self.links["refuse"], "alice")
        self.assertEqual(page.status_code, 200, page.text)
        self.assertEqual(self._states(), {"link_alice": "pending", "link_bruno": "pending"})
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
        url = self.links["refuse"].split("?")[0]
        response = self.opener.post(url, data={"csrf_token": csrf, "token": token, "note": "  "}, timeout=60)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Say why", response.text)
        self.assertEqual(self._states(), {"link_alice": "pending", "link_bruno": "pending"})
        response = self.opener.post(url, data={"csrf_token": csrf, "token": token, "note": "Margin too thin"},
                                    timeout=60)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("You refused", response.text)
        with self.registry.cursor() as cr:
            order = self._env(cr)["sale.order"].browse(self.order_id)
            order.invalidate_cache()
            self.assertEqual(order.approval_state, "refused")
            refused = order.approval_request_ids.filtered(lambda request: request.state == "refused")
            self.assertEqual((refused.approver_ids.login, refused.refusal_note), ("link_alice", "Margin too thin"))
