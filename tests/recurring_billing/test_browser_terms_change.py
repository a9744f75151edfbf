"""A salesperson changes the frequency of an invoiced contract in the web client."""
import datetime
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def test_an_invoiced_contract_changes_its_frequency_from_the_next_period(desktop, admin_rpc):
    # given a monthly contract of this month and the last, invoiced up to this month
    stamp = str(int(time.time()))
    partner = admin_rpc.call("res.partner", "create", {"name": "Terms Bakery %s" % stamp, "customer": True})
    product = admin_rpc.call("product.product", "create", {"name": "Terms Hosting %s" % stamp, "type": "service",
                                                           "list_price": 30.0})
    start = (datetime.date.today() - datetime.timedelta(days=40)).replace(day=1)
    contract = admin_rpc.call("recurring.contract", "create", {
        "partner_id": partner, "date_start": str(start), "recurring_interval": 1, "recurring_unit": "month",
        "line_ids": [(0, 0, {"product_id": product, "name": "Hosting", "quantity": 1.0, "price_unit": 30.0})]})
    admin_rpc.call("recurring.contract", "action_start", [contract])
    admin_rpc.call("recurring.contract", "action_invoice_now", [contract])
    periods = admin_rpc.call("recurring.contract.period", "search_read", [("contract_id", "=", contract)],
                             fields=["date_end"], order="date_start desc")
    assert len(periods) >= 2
    boundary = datetime.datetime.strptime(periods[0]["date_end"], "%Y-%m-%d").date() + datetime.timedelta(days=1)

    # when the user edits it: the frequency itself is read-only
    driver = desktop.driver
    try:
        desktop.open_record("recurring.contract", contract)
        desktop.wait_clickable(".o_form_button_edit").click()
        desktop.wait_css(".o_form_editable")
        desktop.wait_idle()
        interval = driver.find_element(By.CSS_SELECTOR, ".o_form_view .o_field_widget[name=recurring_interval]")
        assert "o_readonly_modifier" in interval.get_attribute("class")
        assert interval.tag_name != "input"
        # and adds, under Terms, a change of billing terms to every 3 months with no date
        tab = WebDriverWait(driver, 30).until(ec.element_to_be_clickable(
            (By.XPATH, "//ul[contains(@class, 'nav-tabs')]//a[normalize-space()='Terms']")))
        driver.execute_script("arguments[0].scrollIntoView(); arguments[0].click();", tab)
        add = desktop.wait_clickable(".o_field_widget[name=terms_change_ids] .o_field_x2many_list_row_add a")
        driver.execute_script("arguments[0].scrollIntoView(); arguments[0].click();", add)
        field = desktop.wait_clickable(
            ".o_field_widget[name=terms_change_ids] .o_data_row input[name=recurring_interval]")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("3")
        desktop.wait_idle()
        desktop.wait_clickable(".o_form_button_save").click()
        desktop.wait_css(".o_form_readonly")
        desktop.wait_idle()
    finally:
        desktop.screenshot("recurring-terms-change")

    # then the change starts with the next period not invoiced, the months before stay monthly
    changes = admin_rpc.call("recurring.contract.amendment", "search_read",
                             [("contract_id", "=", contract), ("kind", "=", "terms")],
                             fields=["date", "recurring_interval", "old_recurring_interval", "recurring_unit"])
    assert [(row["date"], row["recurring_interval"], row["old_recurring_interval"], row["recurring_unit"])
            for row in changes] == [(str(boundary), 3, 1, "month")]
    assert admin_rpc.call("recurring.contract", "read", [contract], ["recurring_interval"])[0][
        "recurring_interval"] == 1
    desktop.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
