"""A salesperson creates a contract in the web client, starts it and sees its first invoice."""
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait


def test_create_a_contract_and_see_its_first_invoice(desktop, admin_rpc):
    # given a customer and a service sold by subscription
    stamp = str(int(time.time()))
    partner_name = "Browser Bakery %s" % stamp
    product_name = "Browser Hosting %s" % stamp
    admin_rpc.call("res.partner", "create", {"name": partner_name, "customer": True})
    admin_rpc.call("product.product", "create", {"name": product_name, "type": "service", "list_price": 42.0})

    # when a user creates a monthly contract from today in the form
    desktop.open_action("recurring_billing.action_recurring_contract")
    desktop.wait_clickable(".o_list_button_add").click()
    desktop.wait_css(".o_form_editable")
    desktop.pick_many2one(".o_field_widget[name=partner_id] input", partner_name)
    desktop.wait_clickable(".o_field_x2many_list_row_add a").click()
    desktop.pick_many2one(".o_data_row .o_field_widget[name=product_id] input", product_name)
    desktop.wait_idle()
    desktop.wait_clickable(".o_form_button_save").click()
    desktop.wait_css(".o_form_readonly")
    desktop.wait_idle()
    # and starts it, then invoices it now
    desktop.header_button("Start")
    desktop.wait_idle()
    desktop.header_button("Invoice now")

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
