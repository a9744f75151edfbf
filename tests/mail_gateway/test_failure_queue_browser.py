"""A sales manager works the failure queue in a real browser (desktop and phone)."""
import uuid

import harness
from common_mail import gateway_records, message

SECRET = "s3cret-browser"


def _failed_message(odoo_server, admin_rpc):
    """Given a team alias with a broken default (a configuration bug) and a message sent to it."""
    tag = uuid.uuid4().hex[:8]
    team_id = admin_rpc.call("crm.team", "create", {"name": "Broken %s" % tag, "alias_name": "broken-%s" % tag})
    alias_id = admin_rpc.call("crm.team", "read", [team_id], ["alias_id"])[0]["alias_id"][0]
    admin_rpc.call("mail.alias", "write", [alias_id], {"alias_defaults": "{'type': 'bogus'}"})
    admin_rpc.call("ir.config_parameter", "set_param", "mail_gateway.http_secret", SECRET)
    subject = "Failed request %s" % tag
    status, body, _h = harness.post_json(
        odoo_server.url + "/mail_gateway/inbound", message(subject=subject, to="broken-%s@example.com" % tag),
        headers={"Content-Type": "message/rfc822", "X-Mail-Gateway-Secret": SECRET})
    assert status == 200 and body["state"] == "failed", body
    return subject, alias_id, body["id"]


def _row(client, subject):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        client.open_action("mail_gateway.action_mail_gateway_failures")
    except TimeoutException:
        # the first page of a cold server on a loaded machine may still be building its assets
        client.open_action("mail_gateway.action_mail_gateway_failures")
    return WebDriverWait(client.driver, 30).until(ec.element_to_be_clickable(
        (By.XPATH, "//tr[contains(@class, 'o_data_row')]/td[normalize-space()='%s']" % subject)))


def test_manager_sees_the_failed_message_in_the_queue(odoo_server, admin_rpc, desktop):
    subject, alias_id, record_id = _failed_message(odoo_server, admin_rpc)
    # when the manager opens the failure queue, the message is there, in red
    row = _row(desktop, subject)
    desktop.screenshot("mail-gateway-failure-desktop")
    assert "text-danger" in row.find_element("xpath", "..").get_attribute("class")
    # and once the cause is fixed, retrying it makes the lead
    admin_rpc.call("mail.alias", "write", [alias_id], {"alias_defaults": "{}"})
    admin_rpc.call("mail.gateway.message", "action_retry", [record_id])
    record = gateway_records(admin_rpc, [("id", "=", record_id)])[0]
    assert (record["state"], record["result"], record["res_model"]) == ("processed", "created", "crm.lead")


def test_failure_queue_on_a_phone(odoo_server, admin_rpc, phone):
    subject, _alias_id, _record_id = _failed_message(odoo_server, admin_rpc)
    row = _row(phone, subject)
    phone.screenshot("mail-gateway-failure-phone")
    assert row.is_displayed()
    width = phone.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400, "the page does not scroll sideways (%spx)" % width
