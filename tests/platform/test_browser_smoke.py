"""The web client renders with its styles, on a desktop and on a phone."""


def _css(client, selector, prop):
    return client.driver.execute_script(
        "var e = document.querySelector(arguments[0]);"
        "return e ? window.getComputedStyle(e)[arguments[1]] : null;", selector, prop)


def test_desktop_opens_crm_pipeline_with_styles(desktop):
    # Given a salesperson logged in on a desktop, when they open the CRM pipeline
    desktop.open_action("crm.crm_lead_opportunities_tree_view", "kanban")
    desktop.wait_css(".o_kanban_view")
    desktop.screenshot("smoke-desktop")
    # then the kanban is styled: the compiled LESS bundle is loaded (flex columns, navbar colour)
    assert _css(desktop, ".o_kanban_view", "display") == "flex"
    assert _css(desktop, ".o_cp_buttons .btn-primary", "background-color") not in (None, "rgba(0, 0, 0, 0)")
    assert _css(desktop, ".navbar", "position") in ("relative", "fixed", "static")
    width = desktop.driver.execute_script("return document.documentElement.clientWidth")
    assert width >= 1300


def test_phone_layout_has_no_sidebar_and_full_width_kanban(phone):
    # Given the same user on a phone, when they open the pipeline
    phone.open_action("crm.crm_lead_opportunities_tree_view")
    phone.wait_css(".o_kanban_view")
    phone.screenshot("smoke-phone")
    width = phone.driver.execute_script("return document.documentElement.clientWidth")
    assert width <= 400
    # then no application sidebar eats the screen and the kanban uses the full width
    sidebar = phone.driver.execute_script(
        "var s = document.querySelector('.o_sub_menu');"
        "return s ? s.getBoundingClientRect().width : 0;")
    assert sidebar < width / 4
    kanban = phone.driver.execute_script(
        "return document.querySelector('.o_kanban_view').getBoundingClientRect().width")
    assert kanban >= width * 0.9
