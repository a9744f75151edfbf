"""A sales manager changes a line's quantity, then the plan, of an invoiced contract in the
web client: the wizard shows the credit or charge before confirming, the form and the
chatter show the result, the next invoice bills it (desktop); the wizard's Confirm button
is reachable on a phone."""
import datetime
import re
import time

import pytest
import pytz
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

import harness


@pytest.fixture
def invoiced_contract(admin_rpc):
    """A customer's contract at 1 x Hosting 30 a month, in advance, from the first of this
    month, this month invoiced; a Premium product at 60; a sales manager's login."""
    stamp = str(int(time.time() * 1000))
    group_ids = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid)
                 for xmlid in ("base.group_user", "sales_team.group_sale_manager")]
    login = "plan-manager-%s" % stamp
    admin_rpc.call("res.users", "create", {
        "name": "Plan Manager %s" % stamp, "login": login, "password": login, "tz": "Europe/Paris",
        "groups_id": [(6, 0, group_ids)]})
    partner = admin_rpc.call("res.partner", "create", {"name": "Plan Bakery %s" % stamp, "customer": True})
    hosting, premium = (admin_rpc.call("product.product", "create", {
        "name": "%s %s" % (name, stamp), "type": "service", "list_price": price, "taxes_id": [(6, 0, [])]})
        for name, price in (("Plan Hosting", 30.0), ("Plan Premium", 60.0)))
    today = datetime.datetime.now(pytz.timezone("Europe/Paris")).date()  # the server's today
    contract = admin_rpc.call("recurring.contract", "create", {
        "partner_id": partner, "date_start": str(today.replace(day=1)), "recurring_interval": 1,
        "recurring_unit": "month", "invoicing_mode": "advance",
        "line_ids": [(0, 0, {"product_id": hosting, "name": "Hosting", "quantity": 1.0, "price_unit": 30.0})]})
    admin_rpc.call("recurring.contract", "action_start", [contract])
    admin_rpc.call("recurring.contract", "action_invoice_now", [contract])
    assert admin_rpc.call("recurring.contract", "read", [contract], ["invoice_count"])[0]["invoice_count"] == 1
    return {"contract": contract, "login": login, "hosting": hosting, "premium": premium,
            "premium_name": "Plan Premium %s" % stamp, "hosting_name": "Plan Hosting %s" % stamp}


def _summary(client):
    """The wizard's "What will happen" once it shows an amount (or says there is none)."""
    def shown(driver):
        try:
            text = driver.find_element(By.CSS_SELECTOR, ".modal .o_field_widget[name=summary]").text
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        return text if re.search(r"(charges|credits) [\d.]+|No proration", text) else False
    return WebDriverWait(client.driver, 30).until(shown)


def _amounts(summary):
    """{"charges": [...], "credits": [...]} as the wizard shows them."""
    return {word: [float(amount) for amount in re.findall(word + r" ([\d.]+)", summary)]
            for word in ("charges", "credits")}


def _confirm(client):
    client.click_text(".modal .modal-footer button", "Confirm")
    WebDriverWait(client.driver, 30).until(
        lambda driver: not driver.find_elements(By.CSS_SELECTOR, ".modal .o_form_view"))
    client.wait_idle()


def test_a_sales_manager_changes_quantity_then_plan_and_the_next_invoice_bills_it(
        odoo_server, admin_rpc, invoiced_contract):
    contract = invoiced_contract["contract"]
    client = harness.WebClient(odoo_server, 1400, 900, login=invoiced_contract["login"],
                               password=invoiced_contract["login"])
    try:
        # when the sales manager opens the contract and clicks the line's "Change quantity or price"
        client.open_record("recurring.contract", contract)
        client.wait_clickable(".o_field_widget[name=line_ids] .o_data_row button[title='Change quantity or price']"
                              ).click()
        field = client.wait_clickable(".modal .o_field_widget[name=quantity]")
        client.wait_idle()
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("3", Keys.TAB)
        client.wait_idle()
        # then the wizard shows the change and the charge of the days already invoiced
        summary = _summary(client)
        assert "goes from 1 x 30.00 €" in summary and "to 3 x 30.00 €" in summary
        quantity_amounts = _amounts(summary)
        assert len(quantity_amounts["charges"]) == 1 and not quantity_amounts["credits"], summary
        _confirm(client)
        # and, confirmed, the line shows 3 units
        client.wait_text(".o_field_widget[name=line_ids] .o_data_row", "3.000")

        # when she clicks "Change plan" and picks Premium
        client.header_button("Change plan")
        client.wait_css(".modal .o_form_view")
        client.wait_idle()
        client.pick_many2one(".modal .o_field_widget[name=product_id] input", invoiced_contract["premium_name"])
        client.wait_idle()
        summary = _summary(client)
        plan_amounts = _amounts(summary)
        # the new plan keeps the 3 units, at Premium's price
        assert "%s (3 x 60.00 €" % invoiced_contract["premium_name"] in summary and "stops" in summary
        assert len(plan_amounts["credits"]) == 1 and len(plan_amounts["charges"]) == 1, summary
        _confirm(client)
        # then the form lists the Premium line and the chatter notes the change of plan
        client.wait_text(".o_field_widget[name=line_ids] .o_data_row", invoiced_contract["premium_name"])
        rows = client.driver.find_elements(By.CSS_SELECTOR, ".o_field_widget[name=line_ids] .o_data_row")
        premium_row = [row.text for row in rows if invoiced_contract["premium_name"] in row.text]
        assert len(premium_row) == 1 and "3.000" in premium_row[0] and "180.00" in premium_row[0], premium_row
        client.wait_text(".o_thread_message", "Plan changed from")
        notes = [element.text for element in client.driver.find_elements(By.CSS_SELECTOR, ".o_thread_message")
                 if "Plan changed from" in element.text]
        assert len(notes) == 1
        assert invoiced_contract["hosting_name"] in notes[0] and invoiced_contract["premium_name"] in notes[0]
    finally:
        client.screenshot("recurring-plan-change")
        client.close()

    # and over RPC: one change of plan, with the amounts the wizard showed
    changes = admin_rpc.call("recurring.contract.amendment", "search_read",
                             [("contract_id", "=", contract), ("kind", "=", "plan")],
                             fields=["credit_amount", "charge_amount", "create_uid"])
    # (in cents: Odoo 11 rounds a float of 2 digits as cents x 0.01, which reads 87.10000000000001 for 87.10)
    assert [(round(row["credit_amount"], 2), round(row["charge_amount"], 2)) for row in changes] == [
        (plan_amounts["credits"][0], plan_amounts["charges"][0])]
    assert changes[0]["create_uid"][1].startswith("Plan Manager")
    # the next invoice (made now: invoiced as many days ahead as there are to the next month) bills 3 units
    # of Premium, the quantity's charge, Hosting's credit and Premium's charge
    today = datetime.datetime.now(pytz.timezone("Europe/Paris")).date()  # the server's today
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    admin_rpc.call("recurring.contract", "write", [contract], {"days_ahead": (next_month - today).days})
    admin_rpc.call("recurring.contract", "action_invoice_now", [contract])
    invoices = admin_rpc.call("account.invoice", "search_read", [("recurring_contract_id", "=", contract)],
                              fields=["invoice_line_ids"], order="id desc")
    assert len(invoices) == 2
    lines = admin_rpc.call("account.invoice.line", "read", invoices[0]["invoice_line_ids"],
                           ["product_id", "price_subtotal"])
    billed = sorted((line["product_id"][0], round(line["price_subtotal"], 2)) for line in lines)
    hosting, premium = invoiced_contract["hosting"], invoiced_contract["premium"]
    assert billed == sorted([(premium, 180.0), (hosting, quantity_amounts["charges"][0]),
                             (hosting, -plan_amounts["credits"][0]), (premium, plan_amounts["charges"][0])])


def test_on_a_phone_the_change_wizard_can_be_confirmed(phone, admin_rpc, invoiced_contract):
    contract = invoiced_contract["contract"]
    phone.open_record("recurring.contract", contract)
    try:
        # on a phone the header's buttons are in a menu (web_responsive)
        phone.wait_clickable(".o_form_view .o_statusbar_buttons_dropdown .dropdown-toggle").click()
        phone.click_text(".o_form_view .o_statusbar_buttons_dropdown .dropdown-menu button", "Change plan")
        phone.wait_css(".modal .o_form_view")
        phone.wait_idle()
        phone.pick_many2one(".modal .o_field_widget[name=product_id] input", invoiced_contract["premium_name"])
        phone.wait_idle()
        _summary(phone)
        button = phone.wait_clickable(".modal .modal-footer button.btn-primary")
        phone.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        width = phone.driver.execute_script("return document.documentElement.clientWidth")
        rect = phone.driver.execute_script("var r = arguments[0].getBoundingClientRect();"
                                           "return [r.left, r.right, r.top, r.bottom, window.innerHeight];", button)
        # the button lies within the screen and nothing covers its middle
        assert 0 <= rect[0] and rect[1] <= width and 0 <= rect[2] and rect[3] <= rect[4], rect
        on_top = phone.driver.execute_script(
            "var r = arguments[0].getBoundingClientRect();"
            "var hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);"
            "return hit === arguments[0] || arguments[0].contains(hit);", button)
        assert on_top
        phone.screenshot("recurring-plan-change-phone-wizard")
        button.click()
        WebDriverWait(phone.driver, 30).until(
            lambda driver: not driver.find_elements(By.CSS_SELECTOR, ".modal .o_form_view"))
    finally:
        phone.screenshot("recurring-plan-change-phone")
    changes = admin_rpc.call("recurring.contract.amendment", "search_count",
                             [("contract_id", "=", contract), ("kind", "=", "plan")])
    assert changes == 1
