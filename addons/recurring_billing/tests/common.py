import datetime

from odoo.tests.common import SavepointCase


def d(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d").date()


class RecurringCase(SavepointCase):
    """Shared fixtures: a French customer, a monthly service taxed 20 %, and real roles."""

    @classmethod
    def setUpClass(cls):
        super(RecurringCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True,
                                       tz="Europe/Paris"))
        cls.company = cls.env.user.company_id
        cls.Contract = cls.env["recurring.contract"]
        cls.customer = cls.env["res.partner"].create({
            "name": "Boulangerie Martin", "email": "martin@example.com", "customer": True})
        cls.tax = cls.env["account.tax"].create({
            "name": "TVA 20 % (test)", "amount": 20.0, "amount_type": "percent", "type_tax_use": "sale",
            "company_id": cls.company.id})
        cls.product = cls.env["product.product"].create({
            "name": "Hosting", "type": "service", "list_price": 100.0, "taxes_id": [(6, 0, cls.tax.ids)]})
        cls.usage_product = cls.env["product.product"].create({
            "name": "SMS sent", "type": "service", "list_price": 0.1, "taxes_id": [(6, 0, cls.tax.ids)]})
        users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.salesman = users.create({
            "name": "Sam Salesman", "login": "rb_salesman", "email": "sam@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("sales_team.group_sale_salesman").id])]})
        cls.other_salesman = users.create({
            "name": "Olga Other", "login": "rb_other", "email": "olga@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("sales_team.group_sale_salesman").id])]})
        cls.manager = users.create({
            "name": "Mia Manager", "login": "rb_manager", "email": "mia@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                  cls.env.ref("sales_team.group_sale_manager").id])]})

    @classmethod
    def make_contract(cls, start="2027-01-01", price=100.0, quantity=1.0, start_it=True, **values):
        # the test tax is this company's: a contract of another company gets none (a line's taxes
        # are its contract's company's)
        taxes = cls.tax if values.get("company_id", cls.company.id) == cls.company.id else cls.tax.browse()
        line_values = {"product_id": cls.product.id, "name": "Hosting", "quantity": quantity,
                       "price_unit": price, "tax_ids": [(6, 0, taxes.ids)]}
        contract = cls.Contract.create(dict({
            "partner_id": cls.customer.id,
            "date_start": start,
            "recurring_interval": 1,
            "recurring_unit": "month",
            "line_ids": [(0, 0, line_values)],
        }, **values))
        if start_it:
            contract.action_start()
        return contract

    def run_invoicing(self, contracts, today):
        return contracts._invoice_contracts(d(today), commit=False)

    @staticmethod
    def periods_of(invoices):
        return sorted((line.recurring_period_start, line.recurring_period_end)
                      for line in invoices.mapped("invoice_line_ids") if line.recurring_period_start)
