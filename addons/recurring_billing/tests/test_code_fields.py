from odoo.exceptions import AccessError

from .common import RecurringCase


class TestCodeFields(RecurringCase):
    """What the application writes is refused to users, whatever the context they send; the
    buttons keep writing it for them."""

    @classmethod
    def setUpClass(cls):
        super(TestCodeFields, cls).setUpClass()
        cls.contract = cls.make_contract(start="2026-11-01", user_id=cls.salesman.id)
        cls.others = cls.make_contract(start="2026-11-01", user_id=cls.other_salesman.id)
        cls.other_company = cls.env["res.company"].create({"name": "Filiale (test)"})

    def test_salesman_cannot_write_the_state_even_with_a_forged_context(self):
        contract = self.contract.sudo(self.salesman).with_context(recurring_terms_change=True,
                                                                  recurring_apply_now=True)
        for values in ({"state": "closed"}, {"mrr": 1.0}, {"next_invoice_date": "2031-01-01"},
                       {"sale_order_id": False, "notice_date": "2026-01-01"}):
            with self.assertRaises(AccessError) as caught:
                contract.write(values)
            self.assertIn(sorted(values)[0], caught.exception.name)
        self.assertEqual(self.contract.state, "running")

    def test_salesman_cannot_link_another_salesmans_contract_nor_another_company(self):
        contract = self.contract.sudo(self.salesman)
        with self.assertRaises(AccessError):
            contract.write({"template_id": self.others.id})
        with self.assertRaises(AccessError):
            contract.write({"company_id": self.other_company.id})
        with self.assertRaises(AccessError):
            contract.line_ids.write({"contract_id": self.others.id})
        self.assertFalse(self.contract.template_id)
        self.assertEqual(self.contract.company_id, self.company)

    def test_salesman_buttons_still_run_the_lifecycle(self):
        contract = self.contract.sudo(self.salesman)
        contract.with_context(recurring_today="2026-11-30").action_pause()
        self.assertEqual((contract.state, contract.next_invoice_date), ("paused", False))
        contract.with_context(recurring_today="2026-12-01").action_resume()
        self.assertEqual(contract.state, "running")
        self.assertTrue(contract.next_invoice_date)
        contract.line_ids.with_context(recurring_today="2026-11-30").apply_change("2027-02-01", quantity=2.0)
        self.assertEqual(contract.line_ids.amendment_ids.mapped("state"), ["pending"])
        contract.action_give_notice()
        self.assertTrue(contract.notice_date)
        contract.with_context(recurring_today="2026-12-01").action_close()
        self.assertEqual(contract.state, "closed")

    def test_state_change_is_tracked_under_the_users_name(self):
        contract = self.contract.sudo(self.salesman).with_context(tracking_disable=False, mail_notrack=False)
        contract.with_context(recurring_today="2026-11-30").action_pause()
        message = self.contract.message_ids.filtered("tracking_value_ids")[:1]
        self.assertEqual(message.author_id, self.salesman.partner_id)
        self.assertIn("Paused", message.tracking_value_ids.mapped("new_value_char"))
