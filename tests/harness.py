"""Drive a real Odoo server from outside: start it, talk XML-RPC / JSON-RPC, open a browser.

Tests get these through the fixtures of tests/conftest.py. The server runs on the
throwaway database the test command made (ODOO_TEST_DB), on a free port.
"""
import json
import os
import socket
import subprocess
import time
import urllib.request
import xmlrpc.client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv")
LOCAL = os.path.join(ROOT, ".local")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_env():
    env = dict(os.environ)
    env.setdefault("PGHOST", os.path.join(LOCAL, "pgrun"))
    env.setdefault("PGPORT", "5432")
    env.setdefault("PGUSER", "odoo")
    env["ODOO_PRELOAD_ADDONS"] = "no"
    env["PATH"] = os.path.join(ROOT, "node_modules", ".bin") + os.pathsep + env.get("PATH", "")
    return env


def pg_connect(db):
    """A psycopg2 connection to ``db`` on the project's cluster (for what RPC cannot do)."""
    import psycopg2
    env = pg_env()
    return psycopg2.connect(dbname=db, host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"])


def odoo_command(db, *args):
    env = pg_env()
    return [
        os.path.join(VENV, "bin", "python"), os.path.join(ROOT, "scripts", "odoo-bin"),
        "-c", os.path.join(ROOT, "odoo.conf"),
        "--addons-path=%s,%s" % (os.path.join(ROOT, "addons"),
                                 os.path.join(VENV, "lib", "python3.7", "site-packages", "odoo", "addons")),
        "--db_host=%s" % env["PGHOST"], "--db_port=%s" % env["PGPORT"], "--db_user=%s" % env["PGUSER"],
        "--data-dir=%s" % os.path.join(LOCAL, "data"),
        "-d", db, "--db-filter=^%s$" % db,
    ] + list(args)


def odoo_shell(db, script, name):
    """An ``odoo-bin shell`` process on ``db`` running ``script`` (its stdout a pipe of
    text lines, its log in .local/logs/<name>-<db>-<ms>.log): real processes for the tests
    that kill one outright."""
    log = os.path.join(LOCAL, "logs", "%s-%s-%d.log" % (name, db, time.time() * 1000))
    command = odoo_command(db, "--logfile=%s" % log)
    command.insert(2, "shell")
    process = subprocess.Popen(command, env=pg_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, universal_newlines=True)
    process.stdin.write(script)
    process.stdin.close()
    return process


def read_marked_lines(process, marker, count, timeout=240):
    """The values printed by ``process`` on lines ``<marker> <value>``, read until ``count``
    of them came (fewer if it ended or ``timeout`` seconds passed)."""
    values, deadline = [], time.time() + timeout
    while len(values) < count and time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        words = line.split()
        if words and words[0] == marker:
            values.append(" ".join(words[1:]))
    return values


class OdooServer(object):
    """An Odoo process of our own on a free port, stopped at the end of the session."""

    def __init__(self, db, workers=0, extra_args=()):
        """Start Odoo; ``extra_args`` come last and override the defaults (cron threads...)."""
        self.db = db
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = os.path.join(LOCAL, "logs", "server-%s-%d.log" % (db, self.port))
        os.makedirs(os.path.dirname(self.log), exist_ok=True)
        args = ["--http-port=%d" % self.port, "--longpolling-port=%d" % free_port(),
                "--workers=%d" % workers, "--max-cron-threads=0", "--logfile=%s" % self.log]
        self.process = subprocess.Popen(odoo_command(db, *(args + list(extra_args))), env=pg_env(),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_ready()

    def wait_ready(self, timeout=300):
        # the first page of a fresh database builds the routing map and may take long on a
        # busy machine: a short client timeout would only pile up retries on the server
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("Odoo exited with %s: see %s" % (self.process.returncode, self.log))
            try:
                with urllib.request.urlopen(self.url + "/web/login", timeout=120) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.process.kill()
        raise RuntimeError("Odoo did not answer within %ss: see %s" % (timeout, self.log))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def rpc(self, login="admin", password="admin"):
        return RpcClient(self.url, self.db, login, password)


class RpcClient(object):
    """XML-RPC as an external program would use it."""

    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise PermissionError("login refused for %s" % login)
        self.models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)


def post_json(url, payload, headers=None, timeout=30):
    """POST a JSON body; return (status, parsed body or text, headers)."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body, out_headers = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        status, body, out_headers = error.code, error.read(), dict(error.headers)
    try:
        return status, json.loads(body.decode() or "null"), out_headers
    except ValueError:
        return status, body.decode(errors="replace"), out_headers


def chromium(width, height):
    """Headless Chromium sized so that the page itself is width x height."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--disable-quic"):
        options.add_argument(flag)
    if width < 600:
        # phone: emulate the device so that the page, not the window, has the phone's width
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0},
            "userAgent": "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 "
                         "(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"})
    options.add_argument("--window-size=%d,%d" % (max(width, 500), height + 143))
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    return driver


class WebClient(object):
    """A logged-in Odoo web client in a real browser."""

    def __init__(self, server, width=1400, height=900, login="admin", password="admin"):
        self.server = server
        self.driver = chromium(width, height)
        self.login(login, password)

    def login(self, login, password):
        from selenium.webdriver.common.by import By
        driver = self.driver
        driver.get(self.server.url + "/web/login")
        driver.find_element(By.NAME, "login").send_keys(login)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form.oe_login_form button[type=submit]").click()
        self.wait_css(".o_web_client")
        # the client is still starting (loading its first action): a hash navigation now can
        # be overridden by it, the page staying on Discuss. Its first action is done once it
        # has written its address (``#action=...``).
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            WebDriverWait(driver, 30, poll_frequency=0.1).until(lambda d: "action=" in d.current_url)
        except TimeoutException:
            pass  # a user whose home action writes no address: the retry of _navigate covers it
        self.wait_idle()

    def _navigate(self, url, selector):
        """Go to ``url`` (an address of the web client) and wait for ``selector``. When the
        address only changes the web client's hash while it is still busy with its first
        action, the client may finish that action and write its address over ours (seen:
        the form's views loaded, its record never read, the page left on Discuss): the page
        is then loaded afresh at ``url``, so that the client starts on it. (A reload would
        load the address the first action wrote.)"""
        from selenium.common.exceptions import TimeoutException
        self.driver.get(url)
        try:
            self.wait_css(selector, timeout=30)
        except TimeoutException:
            base, _, fragment = url.partition("#")
            self.driver.get("%s%sreload=%d#%s" % (base, "&" if "?" in base else "?", time.time(), fragment))
            self.wait_css(selector, timeout=60)

    def open_action(self, xmlid, view_type=None):
        """Open a window action by XML id, as a menu click would (optionally in a given view)."""
        url = "%s/web#action=%s" % (self.server.url, xmlid)
        if view_type:
            url += "&view_type=%s" % view_type
        self._navigate(url, ".o_view_controller, .o_content .o_view_manager_content > div")

    def _wait(self, timeout):
        """A wait that looks again when the web client redraws the element between finding it
        and checking it (seen: the form's button box redrawn after Confirm Sale, a
        StaleElementReferenceException out of ``element_to_be_clickable``)."""
        from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.driver, timeout,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))

    def wait_css(self, selector, timeout=30):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        return self._wait(timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))

    def wait_idle(self, timeout=30):
        """Wait until the web client has no RPC in flight.

        Odoo 11 shows its "Loading" indicator (``.o_loading``) with jQuery's show() and hides
        it with hide(), so it is idle when that element is not displayed and no blockUI
        overlay is left. Raises TimeoutException if it stays busy.
        """
        from selenium.webdriver.support.ui import WebDriverWait
        script = ("return Array.prototype.filter.call("
                  "document.querySelectorAll('.o_loading, .blockUI'),"
                  " function (el) { return window.getComputedStyle(el).display !== 'none'; }).length")
        WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(
            lambda driver: driver.execute_script(script) == 0)

    def wait_clickable(self, selector, timeout=30):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec
        return self._wait(timeout).until(ec.element_to_be_clickable((By.CSS_SELECTOR, selector)))

    def click(self, selector, timeout=30):
        """Click the first visible, enabled element matching ``selector``, whatever its text."""
        self.click_text(selector, None, timeout)

    def click_text(self, selector, label, timeout=30, exact=True):
        """Click the first visible, enabled element matching ``selector`` whose text is (or
        contains) ``label`` (None: any text), retrying while the web client redraws it; then
        wait until idle."""
        from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        def click(driver):
            try:
                for element in driver.find_elements(By.CSS_SELECTOR, selector):
                    text = " ".join(element.text.split())
                    if element.is_displayed() and element.is_enabled() and (
                            label is None or (text == label if exact else label in text)):
                        element.click()
                        return True
            except (StaleElementReferenceException, WebDriverException):
                return False
            return False
        WebDriverWait(self.driver, timeout).until(click)
        self.wait_idle()

    def header_button(self, label):
        """Click a form's status bar button by its label (Odoo 11 buttons have no name)."""
        self.click_text(".o_form_view .o_statusbar_buttons button", label)

    def pick_many2one(self, selector, text):
        """Type ``text`` in a many2one input and choose the proposal that contains it."""
        field = self.wait_clickable(selector)
        field.click()
        field.send_keys(text)
        self.click_text("ul.ui-autocomplete li a", text, exact=False)

    def wait_text(self, selector, text, timeout=30):
        """Wait until an element matching ``selector`` shows ``text``."""
        from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        def shown(driver):
            try:
                return any(text in element.text for element in driver.find_elements(By.CSS_SELECTOR, selector))
            except StaleElementReferenceException:
                return False
        try:
            WebDriverWait(self.driver, timeout).until(shown)
        except TimeoutException:
            seen = [element.text for element in self.driver.find_elements(By.CSS_SELECTOR, selector)]
            raise AssertionError("%r never showed %r in %d s; it shows %r" % (selector, text, timeout, seen[:5]))

    def open_record(self, model, record_id):
        self._navigate("%s/web#id=%d&model=%s&view_type=form" % (self.server.url, record_id, model), ".o_form_view")
        self.wait_idle()

    def screenshot(self, name):
        path = os.path.join(LOCAL, "screenshots", name + ".png")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.driver.save_screenshot(path)
        return path

    def close(self):
        self.driver.quit()
