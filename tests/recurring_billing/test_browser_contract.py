"""A salesperson creates a contract in the web client, starts it and sees its first invoice."""
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def _wait_clickable(client, selector, timeout=30):
    return WebDriverWait(client.driver, timeout).until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector)))


def _pick_many2one(client, selector, text):
    field = _wait_clickable(client, selector)
    field.click()
    field.send_keys(text)

    def click_proposal(driver):
        # the autocomplete list is redrawn while the name search answers: retry on stale items
        try:
            for item in driver.find_elements(By.CSS_SELECTOR, "ul.ui-autocomplete li a"):
                if item.is_displayed() and text in item.text:
                    item.click()
                    return True
        except StaleElementReferenceException:
            return False
        return False
    WebDriverWait(client.driver, 30).until(click_proposal)


def _click_button(client, label, timeout=30):
    """Click the visible header button with that label (Odoo 11 gives buttons no name)."""
    def click(driver):
        try:
            for button in driver.find_elements(By.CSS_SELECTOR, ".o_form_view .o_statusbar_buttons button"):
                if button.is_displayed() and button.is_enabled() and button.text.strip() == label:
                    button.click()
                    return True
        except StaleElementReferenceException:
            return False
        return False
    WebDriverWait(client.driver, timeout).until(click)


def _wait_idle(client, timeout=30):
    """Wait until the web client has no RPC in flight (the blocking overlay is gone)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        busy = client.driver.execute_script(
            "return document.querySelectorAll('.o_loading:not(.hidden), .blockUI').length")
        if not busy:
            return
        time.sleep(0.2)


def test_create_a_contract_and_see_its_first_invoice(desktop, admin_rpc):
    # given a customer and a service sold by subscription
    stamp = str(int(time.time()))
    partner_name = "Browser Bakery %s" % stamp
    product_name = "Browser Hosting %s" % stamp
    admin_rpc.call("res.partner", "create", {"name": partner_name, "customer": True})
    admin_rpc.call("product.product", "create", {"name": product_name, "type": "service", "list_price": 42.0})

    # when a user creates a monthly contract from today in the form
    desktop.open_action("recurring_billing.action_recurring_contract")
    _wait_clickable(desktop, ".o_list_button_add").click()
    desktop.wait_css(".o_form_editable")
    _pick_many2one(desktop, ".o_field_widget[name=partner_id] input", partner_name)
    _wait_clickable(desktop, ".o_field_x2many_list_row_add a").click()
    _pick_many2one(desktop, ".o_data_row .o_field_widget[name=product_id] input", product_name)
    _wait_idle(desktop)
    _wait_clickable(desktop, ".o_form_button_save").click()
    desktop.wait_css(".o_form_readonly")
    _wait_idle(desktop)
    # and starts it, then invoices it now
    _click_button(desktop, "Start")
    _wait_idle(desktop)
    _click_button(desktop, "Invoice now")

    # then the invoice list opens on the contract's first invoice, for that customer
    def invoice_rows(driver):
        try:
            rows = driver.find_elements(By.CSS_SELECTOR, ".o_list_view .o_data_row")
            return rows if rows and all(partner_name in row.text for row in rows) else False
        except StaleElementReferenceException:
            return False
    try:
        rows = WebDriverWait(desktop.driver, 60).until(invoice_rows)
    finally:
        desktop.screenshot("recurring-first-invoice")
    assert len(rows) == 1
    assert partner_name in rows[0].text
    contracts = admin_rpc.call("recurring.contract", "search_read", [("partner_id.name", "=", partner_name)],
                               fields=["state", "invoice_count", "amount_period"])
    assert contracts == [dict(contracts[0], state="running", invoice_count=1, amount_period=42.0)]
    desktop.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
