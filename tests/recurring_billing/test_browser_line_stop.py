"""The Stop button of the web client: a salesperson stops a line of an invoiced contract
from a wizard (the line's action_stop, as over RPC), the unused days already invoiced are
credited; the wizard works on a phone; a billing user, who may not stop lines, does not see it."""
import datetime
import time

import pytest
import pytz
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import harness


@pytest.fixture
def stop_contract(admin_rpc):
    """A salesperson's contract of Hosting at 31 a month in advance, from the first of last
    month, both months invoiced; the salesperson's and a billing user's logins."""
    stamp = str(int(time.time() * 1000))
    logins = {}
    for key, groups in (("sales", ("base.group_user", "sales_team.group_sale_salesman")),
                        ("billing", ("base.group_user", "account.group_account_invoice"))):
        login = "stop-ui-%s-%s" % (key, stamp)
        group_ids = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid) for xmlid in groups]
        logins[key] = login
        logins[key + "_id"] = admin_rpc.call("res.users", "create", {
            "name": "Stop UI %s %s" % (key, stamp), "login": login, "password": login, "tz": "Europe/Paris",
            "email": "%s@example.com" % login, "groups_id": [(6, 0, group_ids)]},
            context={"no_reset_password": True})
    partner = admin_rpc.call("res.partner", "create", {"name": "Stop UI Bakery %s" % stamp, "customer": True})
    product = admin_rpc.call("product.product", "create", {"name": "Stop UI Hosting %s" % stamp, "type": "service",
                                                           "taxes_id": [(6, 0, [])]})
    today = datetime.datetime.now(pytz.timezone("Europe/Paris")).date()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    contract = admin_rpc.call("recurring.contract", "create", {
        "partner_id": partner, "date_start": str(last_month), "recurring_interval": 1, "recurring_unit": "month",
        "invoicing_mode": "advance", "user_id": logins["sales_id"],
        "line_ids": [(0, 0, {"product_id": product, "name": "Hosting", "quantity": 1.0, "price_unit": 31.0})]})
    admin_rpc.call("recurring.contract", "action_start", [contract])
    admin_rpc.call("recurring.contract", "action_invoice_now", [contract])
    line = admin_rpc.call("recurring.contract", "read", [contract], ["line_ids"])[0]["line_ids"][0]
    return {"contract": contract, "line": line, "logins": logins, "today": today}


def _open(client, contract):
    """The contract's form (``open_record`` loads the page afresh when the web client, still
    starting after the login, missed the change of address)."""
    client.wait_idle()
    client.open_record("recurring.contract", contract)


def _expected_credit(today):
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    month_days = (next_month - today.replace(day=1)).days
    return round(-31.0 * (next_month - today).days / month_days, 2)


def _stopped(admin_rpc, stop_contract):
    line = admin_rpc.call("recurring.contract.line", "read", [stop_contract["line"]], ["date_end"])[0]
    credits = admin_rpc.call("recurring.contract.adjustment", "search_read",
                             [("contract_id", "=", stop_contract["contract"])], ["amount"])
    return line["date_end"], [credit["amount"] for credit in credits]


def test_a_salesperson_stops_a_line_from_the_wizard(odoo_server, admin_rpc, stop_contract):
    contract, today = stop_contract["contract"], stop_contract["today"]
    billing = harness.WebClient(odoo_server, 1400, 900, login=stop_contract["logins"]["billing"],
                                password=stop_contract["logins"]["billing"])
    try:
        # a billing user sees the contract but no Stop button (they may not edit its lines)
        _open(billing, contract)
        buttons = [" ".join(b.text.split()) for b in billing.driver.find_elements(
            By.CSS_SELECTOR, ".o_form_view .o_statusbar_buttons button") if b.is_displayed()]
        assert "Close" in buttons and "Stop a line" not in buttons, buttons
        assert not billing.driver.find_elements(By.CSS_SELECTOR, ".o_data_row button[title='Stop']")
    finally:
        billing.close()
    client = harness.WebClient(odoo_server, 1400, 900, login=stop_contract["logins"]["sales"],
                               password=stop_contract["logins"]["sales"])
    try:
        _open(client, contract)
        client.wait_clickable(".o_field_widget[name=line_ids] .o_data_row button[title='Stop']").click()
        client.wait_css(".modal .o_form_view .o_field_widget[name=date]")
        client.wait_idle()
        # the wizard names the line and proposes today
        assert "Hosting" in client.driver.find_element(By.CSS_SELECTOR, ".modal .o_field_widget[name=line_id]"
                                                       ).get_attribute("innerText") + client.driver.find_element(
            By.CSS_SELECTOR, ".modal .o_field_widget[name=line_id] input").get_attribute("value")
        client.click_text(".modal .modal-footer button", "Stop the line")
        WebDriverWait(client.driver, 30).until(
            lambda driver: not driver.find_elements(By.CSS_SELECTOR, ".modal .o_form_view"))
        client.wait_text(".o_thread_message", "stopped from")
    finally:
        client.screenshot("recurring-line-stop")
        client.close()
    # the line ends yesterday, the days from today of this month are credited once
    assert _stopped(admin_rpc, stop_contract) == (str(today - datetime.timedelta(days=1)),
                                                  [_expected_credit(today)])


def test_on_a_phone_the_stop_wizard_can_be_confirmed(odoo_server, admin_rpc, stop_contract):
    login = stop_contract["logins"]["sales"]
    phone = harness.WebClient(odoo_server, 390, 844, login=login, password=login)
    try:
        _open(phone, stop_contract["contract"])
        phone.wait_clickable(".o_form_view .o_statusbar_buttons_dropdown .dropdown-toggle").click()
        phone.click_text(".o_form_view .o_statusbar_buttons_dropdown .dropdown-menu button", "Stop a line")
        phone.wait_css(".modal .o_form_view .o_field_widget[name=date]")
        phone.wait_idle()
        button = phone.wait_clickable(".modal .modal-footer button.btn-primary")
        phone.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
        width = phone.driver.execute_script("return document.documentElement.clientWidth")
        rect = phone.driver.execute_script("var r = arguments[0].getBoundingClientRect();"
                                           "return [r.left, r.right, r.top, r.bottom, window.innerHeight];", button)
        assert 0 <= rect[0] and rect[1] <= width and 0 <= rect[2] and rect[3] <= rect[4], rect
        on_top = phone.driver.execute_script(
            "var r = arguments[0].getBoundingClientRect();"
            "var hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);"
            "return hit === arguments[0] || arguments[0].contains(hit);", button)
        assert on_top
        # the date field fits the screen too
        field = phone.driver.find_element(By.CSS_SELECTOR, ".modal .o_field_widget[name=date]")
        right = phone.driver.execute_script("return arguments[0].getBoundingClientRect().right;", field)
        assert right <= width, (right, width)
        button.click()
        WebDriverWait(phone.driver, 30).until(
            lambda driver: not driver.find_elements(By.CSS_SELECTOR, ".modal .o_form_view"))
    finally:
        phone.screenshot("recurring-line-stop-phone")
        phone.close()
    today = stop_contract["today"]
    assert _stopped(admin_rpc, stop_contract) == (str(today - datetime.timedelta(days=1)),
                                                  [_expected_credit(today)])
