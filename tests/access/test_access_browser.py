"""In a real browser, on the pages they use: a portal customer sees their contracts and not
another customer's; a salesperson's lead list holds their team's leads and not another team's."""
import harness
from access_rpc import PASSWORD


def _portal_login(server, login, password):
    from selenium.webdriver.common.by import By
    driver = harness.chromium(1400, 900)
    driver.get(server.url + "/web/login")
    driver.find_element(By.NAME, "login").send_keys(login)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.oe_login_form button[type=submit]").click()
    # the click only starts the login: wait until the server has answered it and left the login
    # page (a portal user lands on /my), else the next get() cancels the pending POST and the
    # page asked for is served to an anonymous visitor
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 90, poll_frequency=0.2).until(lambda d: "/web/login" not in d.current_url)
    return driver


def test_portal_customer_sees_only_own_contracts(world, odoo_server):
    """Given customers A and B with a running contract each, when portal customer A opens
    "My contracts" and then B's contract by its address, A's contract is listed, B's is not,
    and B's page sends A back to the portal home."""
    name_a = "Contract a %s" % world.suffix
    name_b = "Contract b %s" % world.suffix
    driver = _portal_login(odoo_server, world.users["portal_a"], PASSWORD)
    try:
        driver.get(odoo_server.url + "/my/contracts")
        page = driver.page_source
        assert name_a in page
        assert name_b not in page
        driver.get("%s/my/contracts/%d" % (odoo_server.url, world.id("ctr_b")))
        assert name_b not in driver.page_source
        assert not driver.current_url.rstrip("/").endswith("/my/contracts/%d" % world.id("ctr_b"))
        driver.get("%s/my/contracts/%d" % (odoo_server.url, world.id("ctr_a")))
        assert "42" in driver.page_source  # the contract line's price, on the customer's own page
    finally:
        driver.quit()


def test_salesman_lead_list_shows_own_team_only(world, odoo_server):
    """Given leads of team 1 (own, team leader's, unassigned) and of team 2, when salesperson 1
    opens the opportunities list, team 1's are there and team 2's, the team-less and the other
    company's are not."""
    client = harness.WebClient(odoo_server, 1400, 900, login=world.users["salesman_1"], password=PASSWORD)
    try:
        client.open_action("crm.crm_lead_opportunities", "list")
        client.wait_text(".o_list_view", "lead_s1 %s" % world.suffix, timeout=90)
        client.wait_idle()
        from selenium.webdriver.common.by import By
        text = client.driver.find_element(By.CSS_SELECTOR, ".o_list_view").text
        for name in ("lead_s1", "lead_tl", "lead_t1_free"):
            assert "%s %s" % (name, world.suffix) in text
        for name in ("lead_s2", "lead_t2_free", "lead_free", "lead_oc"):
            assert "%s %s" % (name, world.suffix) not in text
    finally:
        client.close()
