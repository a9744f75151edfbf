"""Spam defence and field mapping of the website form, without a database."""
from .. import form


def test_signed_timestamp_accepts_a_person_and_refuses_bots():
    token = form.sign_timestamp("secret", "abc", now=1000)
    # a person who took 10 seconds
    assert form.check_timestamp("secret", "abc", token, 3, now=1010) == form.OK
    # a bot that posts within a second of loading the form
    assert form.check_timestamp("secret", "abc", token, 3, now=1001) == form.SPAM
    # a forged or missing token, or one of another form or database
    assert form.check_timestamp("secret", "abc", "1000.deadbeef", 3, now=1010) == form.SPAM
    assert form.check_timestamp("secret", "abc", None, 3, now=1010) == form.SPAM
    assert form.check_timestamp("secret", "abc", "x.y", 3, now=1010) == form.SPAM
    assert form.check_timestamp("secret", "other", token, 3, now=1010) == form.SPAM
    assert form.check_timestamp("other", "abc", token, 3, now=1010) == form.SPAM
    # a page left open for two days is expired, not spam
    assert form.check_timestamp("secret", "abc", token, 3, now=1000 + 2 * 24 * 3600) == form.EXPIRED


def test_honeypot():
    assert form.is_honeypot_filled({form.HONEYPOT: "http://spam.example"})
    assert not form.is_honeypot_filled({form.HONEYPOT: " ", "name": "x"})
    assert not form.is_honeypot_filled({})


def test_form_payload_maps_fields_and_keeps_the_visitor():
    payload, visitor = form.form_payload({"name": " Devis toiture ", "email": "a@b.fr", "message": "Bonjour",
                                          "phone": "", "csrf_token": "x", "visitor_id": "v-42"})
    assert payload == {"name": "Devis toiture", "email": "a@b.fr", "description": "Bonjour"}
    assert visitor == "v-42"
    assert form.form_payload({"email": "a@b.fr"})[1] is None


def test_form_payload_keeps_the_language_of_the_page():
    payload, _visitor = form.form_payload({"email": "a@b.fr", "lang": "fr_FR"})
    assert payload == {"email": "a@b.fr", "language": "fr_FR"}
