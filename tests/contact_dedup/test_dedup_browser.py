"""A sales manager reviews a duplicate pair in the browser and merges it."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait


def _click(client, xpath, timeout=30):
    element = WebDriverWait(client.driver, timeout).until(ec.element_to_be_clickable((By.XPATH, xpath)))
    client.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    element.click()
    return element


def test_review_and_merge_a_pair(admin_rpc, desktop):
    stamp = int(time.time()) % 1000000
    word = "Zephyrine%d" % stamp
    digits = "%06d" % stamp
    # Given a company typed twice (legal form, phone format and street abbreviation differ)
    kept = admin_rpc.call("res.partner", "create", {
        "name": "%s Tuileries SARL" % word, "is_company": True,
        "phone": "04 78 %s %s %s" % (digits[:2], digits[2:4], digits[4:]),
        "street": "%s avenue Foch" % digits, "zip": digits[1:], "city": "Lyon", "email": "contact@%s.fr" % word.lower(),
    })
    copy = admin_rpc.call("res.partner", "create", {
        "name": "%s TUILERIES" % word.upper(), "is_company": True, "phone": "+33 478%s" % digits,
        "street": "%s av. Foch" % digits, "zip": digits[1:], "city": "Lyon", "website": "www.%s.fr" % word.lower()})
    admin_rpc.call("contact.dedup.group", "scan_partners")
    # When the manager opens the review list, then the pair is there with its reasons
    desktop.open_action("contact_dedup.action_contact_dedup_group", "list")
    desktop.screenshot("contact-dedup-review-list")
    desktop.wait_css(".o_list_view .o_data_row")
    rows = desktop.driver.find_elements(By.CSS_SELECTOR, ".o_list_view .o_data_row")
    row = next(row for row in rows if word.upper() in row.text.upper())
    assert "same phone" in row.text
    row.click()
    desktop.wait_css(".o_form_view .o_form_statusbar")
    desktop.screenshot("contact-dedup-group-form")
    # and opening it then merging keeps one company
    _click(desktop, "//div[contains(@class, 'o_statusbar_buttons')]/button[normalize-space()='Merge']")
    desktop.wait_css(".modal .o_form_view")
    desktop.screenshot("contact-dedup-merge-wizard")
    _click(desktop, "//div[contains(@class, 'modal-footer')]//button[normalize-space()='Merge']")
    WebDriverWait(desktop.driver, 30).until(lambda driver: not admin_rpc.call(
        "res.partner", "search_count", [("id", "=", copy)]))
    merged = admin_rpc.call("res.partner", "read", [copy], ["active", "dedup_merged_into_id"],
                            context={"active_test": False})[0]
    assert merged["active"] is False
    assert merged["dedup_merged_into_id"][0] == kept
    desktop.wait_css(".o_form_view .o_form_sheet")
    desktop.screenshot("contact-dedup-merged")
    assert word in desktop.driver.find_element(By.CSS_SELECTOR, ".o_form_view .oe_title").text
