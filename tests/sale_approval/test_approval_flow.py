"""The approval cycle and the customer's signature on a real server: RPC and a real browser."""
import time
import xmlrpc.client

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture(scope="module")
def approval_setup(admin_rpc, odoo_server):
    """A salesman (password "salesman") whose quotations above 100 € need the admin's approval."""
    stamp = str(int(time.time() * 1000))
    team = admin_rpc.call("crm.team", "create", {"name": "Approval browser team %s" % stamp})
    groups = [admin_rpc.call("ir.model.data", "xmlid_to_res_id", xmlid) for xmlid in (
        "base.group_user", "sales_team.group_sale_salesman")]
    login = "approval_salesman_%s" % stamp
    salesman = admin_rpc.call("res.users", "create", {
        "name": "Approval Salesman %s" % stamp, "login": login, "password": "salesman",
        "email": "%s@example.com" % login, "groups_id": [(6, 0, groups)], "sale_team_id": team})
    admin_rpc.call("sale.approval.rule", "create", {
        "name": "Browser rule %s" % stamp, "condition": "amount", "amount_threshold": 100.0,
        "team_ids": [(6, 0, [team])], "approver_kind": "user", "approver_user_id": admin_rpc.uid})
    customer = admin_rpc.call("res.partner", "create", {
        "name": "Signing Customer %s" % stamp, "email": "customer-%s@example.com" % stamp, "customer": True})
    product = admin_rpc.call("product.product", "create", {"name": "Approval desk %s" % stamp,
                                                           "list_price": 400.0, "type": "consu"})
    return {"team": team, "salesman": salesman, "login": login, "customer": customer, "product": product,
            "rpc": odoo_server.rpc(login, "salesman")}


def _quotation(setup):
    return setup["rpc"].call("sale.order", "create", {
        "partner_id": setup["customer"], "team_id": setup["team"], "user_id": setup["salesman"],
        "order_line": [(0, 0, {"product_id": setup["product"], "product_uom_qty": 3, "price_unit": 400.0})]})


def test_salesman_cannot_confirm_or_send_by_rpc(approval_setup, admin_rpc):
    order_id = _quotation(approval_setup)
    rpc = approval_setup["rpc"]
    for method, args in (("action_confirm", []), ("write", [{"state": "sent"}]), ("action_quotation_send", [])):
        with pytest.raises(xmlrpc.client.Fault) as error:
            rpc.call("sale.order", method, [order_id], *args)
        assert "need approval" in error.value.faultString
    assert admin_rpc.call("sale.order", "read", [order_id], ["state"])[0]["state"] == "draft"


def _header_button(client, label, timeout=60):
    """Click a status bar button; on a phone web_responsive folds them into a "Task" dropdown,
    which a redraw of the form may close again: open it and click, until the click lands."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def click(driver):
        try:
            for button in driver.find_elements(By.CSS_SELECTOR, ".o_form_view .o_statusbar_buttons button, "
                                               ".o_form_view .o_statusbar_buttons_dropdown .dropdown-menu button"):
                if button.is_displayed() and " ".join(button.text.split()) == label:
                    button.click()
                    return True
            for toggle in driver.find_elements(
                    By.CSS_SELECTOR, ".o_form_view .o_statusbar_buttons_dropdown .dropdown-toggle"):
                if toggle.is_displayed():
                    toggle.click()
                    break
        except (StaleElementReferenceException, WebDriverException):
            pass
        return False
    WebDriverWait(client.driver, timeout, poll_frequency=0.5).until(click)
    client.wait_idle()


def _wait_button(client, label, timeout=60, offered=True):
    """Wait until the form offers (or no longer offers) a status bar button, shown or folded
    in the phone's dropdown."""
    script = ("var label = arguments[0];"
              "return Array.prototype.some.call(document.querySelectorAll('.o_form_view .o_statusbar_buttons button'),"
              " function (b) { return b.textContent.trim() === label"
              " && !b.classList.contains('o_invisible_modifier'); });")
    WebDriverWait(client.driver, timeout).until(lambda driver: driver.execute_script(script, label) == offered)
    client.wait_idle()


def _wait_field(rpc, order_id, field, value, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if rpc.call("sale.order", "read", [order_id], [field])[0][field] == value:
            return
        time.sleep(0.5)
    raise AssertionError("order %s: %s never became %s" % (order_id, field, value))


def _sign(client, name):
    """Type the name and draw a stroke on the portal's signature pad, then accept."""
    driver = client.driver
    field = client.wait_clickable("#o_portal_sign_name")
    field.clear()
    field.send_keys(name)
    pad = client.wait_css("#o_portal_signature canvas")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", pad)
    ActionChains(driver).move_to_element_with_offset(pad, -60, 0).click_and_hold().move_by_offset(
        40, 20).move_by_offset(40, -30).move_by_offset(30, 25).release().perform()
    client.wait_clickable(".o_portal_sign_submit").click()
    # accepting renders the quotation PDF for its SHA-256: slow on a loaded machine
    client.wait_css("#o_portal_sign_accept .alert-success, .alert-success", timeout=180)


@pytest.mark.parametrize("layout", ["desktop", "phone"])
def test_request_approve_send_sign_confirmed(layout, request, approval_setup, admin_rpc, odoo_server):
    client = request.getfixturevalue(layout)
    order_id = _quotation(approval_setup)
    try:
        # the salesperson's quotation needs approval: the approver (admin) requests and approves it
        client.open_record("sale.order", order_id)
        client.wait_css(".o_sale_approval_banner")
        _wait_button(client, "Request approval")
        _header_button(client, "Request approval")
        _wait_field(admin_rpc, order_id, "approval_state", "pending")
        _wait_button(client, "Approve")
        _header_button(client, "Approve")
        _wait_field(admin_rpc, order_id, "approval_state", "approved")
        _wait_button(client, "Approve", offered=False)
        # then sends it by e-mail (the composer renders the quotation PDF: slow on a loaded machine)
        _header_button(client, "Send by Email")
        client.wait_css(".modal .modal-footer button", timeout=180)
        client.wait_idle(timeout=120)
        # (clicked without waiting for the web client: sending may outlast its idle wait)
        [send] = [button for button in client.driver.find_elements(By.CSS_SELECTOR, ".modal .modal-footer button")
                  if button.is_displayed() and button.text.strip() == "Send"]
        send.click()
        _wait_field(admin_rpc, order_id, "state", "sent", timeout=180)
        order = admin_rpc.call("sale.order", "read", [order_id], ["state", "approval_state", "access_token"])[0]
        assert (order["state"], order["approval_state"]) == ("sent", "approved")

        # the customer opens the e-mailed link (logged out) and signs
        client.driver.get(odoo_server.url + "/web/session/logout")
        client.driver.get("%s/my/orders/%d?access_token=%s" % (odoo_server.url, order_id, order["access_token"]))
        _sign(client, "Jeanne Signataire")
    finally:
        client.screenshot("sale-approval-signed-%s" % layout)

    order = admin_rpc.call("sale.order", "read", [order_id], ["state", "customer_answer"])[0]
    assert (order["state"], order["customer_answer"]) == ("sale", "accepted")
    answers = admin_rpc.call("sale.quotation.answer", "search_read", [("order_id", "=", order_id)],
                             fields=["answer", "signed_by", "ip_address", "document_sha256"])
    assert [(a["answer"], a["signed_by"], a["ip_address"]) for a in answers] == [
        ("accepted", "Jeanne Signataire", "127.0.0.1")]
    assert len(answers[0]["document_sha256"]) == 64
