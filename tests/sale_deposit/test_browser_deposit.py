"""A salesperson takes an order from quotation to deposit, delivery and final invoice in the web client."""
import time

from selenium.webdriver.common.by import By


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
        desktop.wait_clickable(".o_list_button_add, .o-kanban-button-new").click()
        desktop.wait_css(".o_form_editable")
        desktop.pick_many2one(".o_field_widget[name=partner_id] input", customer)
        desktop.wait_idle()
        desktop.wait_clickable(".o_field_x2many_list_row_add a").click()
        desktop.pick_many2one(".o_data_row .o_field_widget[name=product_id] input", product)
        desktop.wait_idle()
        # (the product's answer fills the line at 1 x 100.00: only then the quantity is typed, else the
        # answer may come back after it and put 1 again; the subtotal shows the quantity was taken)
        desktop.wait_text(".o_data_row", "100.00")
        for attempt in range(3):
            quantity = desktop.wait_clickable(".o_data_row .o_field_widget[name=product_uom_qty]")
            quantity.clear()
            quantity.send_keys("10")
            desktop.wait_idle()
            try:
                desktop.wait_text(".o_data_row", "1,000.00", timeout=10)
                break
            except AssertionError:
                if attempt == 2:
                    raise
        desktop.wait_clickable(".o_form_button_save").click()
        desktop.wait_css(".o_form_readonly")
        desktop.wait_idle()
        order_id = admin_rpc.call("sale.order", "search", [("partner_id.name", "=", customer)])[0]

        # and confirms it: the deposit invoice is there, 300 HT + 60 VAT
        desktop.header_button("Confirm Sale")
        # (the "Deposits paid" smart button, which shows the amount paid)
        desktop.click(".o_form_view .oe_button_box button .fa-money")
        desktop.wait_css(".o_list_view .o_data_row")
        desktop.wait_text(".o_list_view .o_data_row", "360.00")
        rows = desktop.driver.find_elements(By.CSS_SELECTOR, ".o_list_view .o_data_row")
        assert len(rows) == 1
        assert customer in rows[0].text
        rows[0].click()
        desktop.wait_css(".o_form_view")
        desktop.wait_idle()

        # the accountant registers its payment
        desktop.header_button("Register Payment")
        desktop.wait_css(".modal .modal-footer button")
        desktop.click_text(".modal .modal-footer button", "Validate")
        desktop.wait_text(".o_form_view .o_statusbar_status .btn-primary", "Paid")

        # the warehouse validates the delivery
        desktop.open_record("sale.order", order_id)
        desktop.click_text(".o_form_view .oe_button_box button", "Delivery", exact=False)
        desktop.wait_css(".o_form_view")
        desktop.wait_idle()
        desktop.header_button("Validate")
        desktop.wait_css(".modal .modal-footer button")
        desktop.click_text(".modal .modal-footer button", "Apply", exact=False)
        desktop.wait_text(".o_form_view .o_statusbar_status .btn-primary", "Done")

        # the salesperson creates the final invoice: the paid deposit is deducted on it
        desktop.open_record("sale.order", order_id)
        desktop.header_button("Create Invoice")
        desktop.wait_css(".modal .modal-footer button")
        desktop.click_text(".modal .modal-footer button", "Create and View Invoices")
        # the order's invoices (deposit and final) are listed: open the new, draft one
        desktop.wait_css(".o_list_view .o_data_row, .o_form_view .o_field_one2many")
        if desktop.driver.find_elements(By.CSS_SELECTOR, ".o_list_view .o_data_row"):
            desktop.click_text(".o_list_view .o_data_row", "Draft", exact=False)
        desktop.wait_text(".o_form_view .o_field_one2many", "Deduction of")
        desktop.wait_text(".o_form_view .oe_subtotal_footer", "840.00")
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
