"""The tracking script's address keeps it in browsers for an hour, not a week: a fix to the
script reaches the visitors of every website within the hour."""
import re
import urllib.error
import urllib.request


def _get(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_tracker_script_is_kept_an_hour_and_checked_with_its_etag(odoo_server):
    url = odoo_server.url + "/api/crm/v1/tracker.js"
    # when a visitor's browser loads the script pasted into a website
    status, headers, body = _get(url)
    # then it gets the tracker, to keep at most an hour
    assert status == 200
    assert b"window.leadScoring" in body
    assert headers["Content-Type"].startswith("application/javascript")
    max_age = int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1))
    assert 0 < max_age <= 3600, headers["Cache-Control"]
    # and, the hour past, asking again with its ETag costs a 304 without body while the script is the same
    assert headers.get("ETag")
    status, again, body = _get(url, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    assert again["ETag"] == headers["ETag"]
    # another version in the browser's cache gets the script
    assert _get(url, {"If-None-Match": '"an-older-version"'})[0] == 200
