"""A salesperson takes an order from quotation to deposit, delivery and final invoice in the web client."""
import time

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def _wait_clickable(client, selector, timeout=30):
    return WebDriverWait(client.driver, timeout).until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector)))


def _wait_idle(client, timeout=30):
    """Wait until the web client has no RPC in flight (the blocking overlay is gone)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        busy = client.driver.execute_script(
            "return document.querySelectorAll('.o_loading:not(.hidden), .blockUI').length")
        if not busy:
            return
        time.sleep(0.2)


def _click_text(client, selector, label, timeout=30, exact=True):
    """Click the first visible, enabled element matching ``selector`` whose text is (or contains) ``label``."""
    def click(driver):
        try:
            for element in driver.find_elements(By.CSS_SELECTOR, selector):
                text = " ".join(element.text.split())
                if element.is_displayed() and element.is_enabled() and (
                        text == label if exact else label in text):
                    element.click()
                    return True
        except (StaleElementReferenceException, WebDriverException):
            return False
        return False
    WebDriverWait(client.driver, timeout).until(click)
    _wait_idle(client)


def _header_button(client, label):
    _click_text(client, ".o_form_view .o_statusbar_buttons button", label)


def _modal_button(client, label):
    _click_text(client, ".modal .modal-footer button", label)


def _pick_many2one(client, selector, text):
    field = _wait_clickable(client, selector)
    field.click()
    field.send_keys(text)
    _click_text(client, "ul.ui-autocomplete li a", text, exact=False)


def _wait_text(client, selector, text, timeout=30):
    def shown(driver):
        try:
            return any(text in element.text for element in driver.find_elements(By.CSS_SELECTOR, selector))
        except StaleElementReferenceException:
            return False
    WebDriverWait(client.driver, timeout).until(shown)


def _open_record(client, model, record_id):
    client.driver.get("%s/web#id=%d&model=%s&view_type=form" % (client.server.url, record_id, model))
    client.wait_css(".o_form_view")
    _wait_idle(client)


def test_quotation_to_deposit_delivery_and_final_invoice(desktop, admin_rpc):
    # given a business customer whose orders take a 30% down payment, paid before delivery
    stamp = str(int(time.time()))
    customer = "Browser Joinery %s" % stamp
    product = "Browser Oak Table %s" % stamp
    vat = admin_rpc.call("account.tax", "search", [("type_tax_use", "=", "sale"), ("amount", "=", 20),
                                                   ("price_include", "=", False)], limit=1)
    admin_rpc.call("res.partner", "create", {
        "name": customer, "customer": True, "is_company": True,
        "deposit_kind": "acompte", "deposit_method": "percent_untaxed", "deposit_value": 30,
        "deposit_due": "confirmation", "deposit_confirm_unpaid": True, "deposit_deliver_unpaid": False})
    admin_rpc.call("product.product", "create", {
        "name": product, "type": "consu", "list_price": 100.0, "invoice_policy": "order",
        "taxes_id": [(6, 0, vat)]})

    try:
        # when the salesperson writes the quotation for 10 tables
        desktop.open_action("sale.action_quotations")
        _wait_clickable(desktop, ".o_list_button_add, .o-kanban-button-new").click()
        desktop.wait_css(".o_form_editable")
        _pick_many2one(desktop, ".o_field_widget[name=partner_id] input", customer)
        _wait_idle(desktop)
        _wait_clickable(desktop, ".o_field_x2many_list_row_add a").click()
        _pick_many2one(desktop, ".o_data_row .o_field_widget[name=product_id] input", product)
        _wait_idle(desktop)
        quantity = _wait_clickable(desktop, ".o_data_row .o_field_widget[name=product_uom_qty]")
        quantity.clear()
        quantity.send_keys("10")
        _wait_idle(desktop)
        _wait_clickable(desktop, ".o_form_button_save").click()
        desktop.wait_css(".o_form_readonly")
        _wait_idle(desktop)
        order_id = admin_rpc.call("sale.order", "search", [("partner_id.name", "=", customer)])[0]

        # and confirms it: the deposit invoice is there, 300 HT + 60 VAT
        _header_button(desktop, "Confirm Sale")
        # (the "Deposits paid" smart button, which shows the amount paid)
        _wait_clickable(desktop, ".o_form_view .oe_button_box button .fa-money").click()
        desktop.wait_css(".o_list_view .o_data_row")
        _wait_text(desktop, ".o_list_view .o_data_row", "360.00")
        rows = desktop.driver.find_elements(By.CSS_SELECTOR, ".o_list_view .o_data_row")
        assert len(rows) == 1
        assert customer in rows[0].text
        rows[0].click()
        desktop.wait_css(".o_form_view")
        _wait_idle(desktop)

        # the accountant registers its payment
        _header_button(desktop, "Register Payment")
        desktop.wait_css(".modal .modal-footer button")
        _modal_button(desktop, "Validate")
        _wait_text(desktop, ".o_form_view .o_statusbar_status .btn-primary", "Paid")

        # the warehouse validates the delivery
        _open_record(desktop, "sale.order", order_id)
        _click_text(desktop, ".o_form_view .oe_button_box button", "Delivery", exact=False)
        desktop.wait_css(".o_form_view")
        _wait_idle(desktop)
        _header_button(desktop, "Validate")
        desktop.wait_css(".modal .modal-footer button")
        _click_text(desktop, ".modal .modal-footer button", "Apply", exact=False)
        _wait_text(desktop, ".o_form_view .o_statusbar_status .btn-primary", "Done")

        # the salesperson creates the final invoice: the paid deposit is deducted on it
        _open_record(desktop, "sale.order", order_id)
        _header_button(desktop, "Create Invoice")
        desktop.wait_css(".modal .modal-footer button")
        _modal_button(desktop, "Create and View Invoices")
        # the order's invoices (deposit and final) are listed: open the new, draft one
        desktop.wait_css(".o_list_view .o_data_row, .o_form_view .o_field_one2many")
        if desktop.driver.find_elements(By.CSS_SELECTOR, ".o_list_view .o_data_row"):
            _click_text(desktop, ".o_list_view .o_data_row", "Draft", exact=False)
        _wait_text(desktop, ".o_form_view .o_field_one2many", "Deduction of")
        _wait_text(desktop, ".o_form_view .oe_subtotal_footer", "840.00")
    finally:
        desktop.screenshot("sale-deposit-final-invoice")

    # then the books say the same: 360 of deposit paid, 840 left on the final invoice
    invoices = admin_rpc.call("account.invoice", "search_read", [("partner_id.name", "=", customer)],
                              fields=["type", "state", "amount_untaxed", "amount_tax", "amount_total",
                                      "deposit_order_id"], order="id")
    assert [(i["state"], i["amount_total"], bool(i["deposit_order_id"])) for i in invoices] == [
        ("paid", 360.0, True), ("draft", 840.0, False)]
    assert (invoices[1]["amount_untaxed"], invoices[1]["amount_tax"]) == (700.0, 140.0)
    order = admin_rpc.call("sale.order", "read", [order_id], ["deposit_paid", "deposit_remaining", "state"])[0]
    assert (order["state"], order["deposit_paid"], order["deposit_remaining"]) == ("sale", 360.0, 0.0)
    pickings = admin_rpc.call("stock.picking", "search_read", [("sale_id", "=", order_id)], fields=["state"])
    assert [p["state"] for p in pickings] == ["done"]
