"""Payload cleaning, user picking and rate limiting without a database."""
from .. import api, assignment, export, form, intake


def test_clean_payload_strips_and_lowers():
    values, extra, errors = intake.clean_payload({"name": "  A   b ", "email": " X@Y.FR ", "country": "fr",
                                                  "utm_source": " ads ", "tags": ["solar"]})
    assert errors == []
    assert values["name"] == "A b" and values["email_from"] == "x@y.fr"
    assert extra["country_code"] == "FR" and extra["utm"] == {"source": "ads"} and extra["tags"] == ["solar"]


def test_clean_payload_reports_the_field_at_fault():
    assert intake.clean_payload({"name": 1, "email": "a@b.fr"})[2][0][0] == "name"
    assert intake.clean_payload({"name": "x", "email": "a@"})[2][0][0] == "email"
    assert intake.clean_payload({"name": "x"})[2][0][0] == "email"
    assert intake.clean_payload({"email": "a@b.fr", "expected_revenue": True})[2][0][0] == "expected_revenue"
    assert intake.clean_payload([1])[2]
    # the name falls back on the company or the e-mail
    assert intake.clean_payload({"email": "a@b.fr"})[0]["name"] == "a@b.fr"


def test_round_robin_load_weight_and_cap():
    members = [(1, 1), (2, 1), (3, 1)]
    assert assignment.pick_user("round_robin", members, last_user_id=1) == 2
    assert assignment.pick_user("round_robin", members, last_user_id=3) == 1
    assert assignment.pick_user("round_robin", members, open_counts={2: 5}, max_open=5, last_user_id=1) == 3
    assert assignment.pick_user("load", members, open_counts={1: 4, 2: 1, 3: 2}) == 2
    assert assignment.pick_user("weight", [(1, 3), (2, 1)], rule_counts={1: 2, 2: 1}) == 1
    assert assignment.pick_user("weight", [(1, 3), (2, 1)], rule_counts={1: 3, 2: 0}) == 2
    assert assignment.pick_user("load", members, open_counts={1: 1, 2: 1, 3: 1}, max_open=1) is None
    assert assignment.pick_user("round_robin", members, exclude=(1, 2)) == 3


def test_zip_prefixes():
    assert assignment.matches_zip("75 011", "75, 92")
    assert not assignment.matches_zip("69001", "75,92")
    assert assignment.matches_zip("69001", "")


def test_keys_tokens_and_origins():
    key = api.new_key()
    assert key.startswith("crm_") and len(key) > 30
    assert api.hash_key(key) == api.hash_key(key) != api.hash_key(key + "x") and key not in api.hash_key(key)
    assert api.token_from_headers({"Authorization": "Bearer abc"}) == "abc"
    assert api.token_from_headers({"X-Api-Key": " k "}) == "k"
    assert api.token_from_headers({}) is None
    assert api.origin_allowed("https://www.example.com/", "https://www.example.com\nhttps://b.fr")
    assert not api.origin_allowed("https://evil.com", "https://www.example.com")
    assert api.origin_allowed("https://any.com", "*")


def test_rate_decision_is_a_sliding_minute():
    # two requests counted at 100 and 130: a limit of 2 refuses at 150 until 160, when the first leaves
    assert api.rate_decision([(100, 1), (130, 1)], 150.0, limit=2) == (False, 10)
    assert api.rate_decision([(100, 1), (130, 1)], 160.5, limit=2) == (True, 0)
    assert api.rate_decision([(100, 1), (130, 1)], 150.0, limit=3) == (True, 0)
    # a burst in one second waits for that second to leave the window
    assert api.rate_decision([(100, 5)], 100.2, limit=5) == (False, 60)
    assert api.rate_decision([], 100.0, limit=2, cost=3) == (False, 60)


def test_keys_say_their_kind():
    assert api.new_key("secret").startswith("crm_sk_")
    assert api.new_key("publishable").startswith("crm_pk_")


def test_clean_payload_keeps_the_visitor_id_apart_for_the_pipeline():
    values, extra, errors = intake.clean_payload({"name": "A", "email": "a@b.fr", "visitor_id": "  v-1 "})
    assert not errors and extra["visitor_id"] == "v-1" and "visitor_id" not in values
    assert intake.clean_payload({"name": "A", "email": "a@b.fr", "visitor_id": 7})[2][0][0] == "visitor_id"
    assert len(intake.clean_payload({"name": "A", "email": "a@b.fr", "visitor_id": "v" * 200})[1]["visitor_id"]) == 64


def test_parse_json_refuses_what_postgresql_cannot_hold():
    assert api.parse_json(b'{"name": "ok", "revenue": 1200.5, "tags": ["a"]}') == {
        "name": "ok", "revenue": 1200.5, "tags": ["a"]}
    assert api.parse_json(b"") is None
    for body in (b'{"a": NaN}', b'{"a": -Infinity}', b"{not json", b"[" * 5000 + b"]" * 5000):
        try:
            api.parse_json(body)
        except api.UnstorableValue:
            raise AssertionError("%r is not JSON, not an unstorable value" % body[:20])
        except (ValueError, RecursionError):
            continue
        raise AssertionError("%r was accepted" % body[:20])
    for body, words in ((b'{"name": "a\\u0000"}', "body.name holds a NUL"),
                        (b'{"tags": ["x", "\\udc00"]}', "body.tags[1] holds an unpaired surrogate"),
                        (b'{"revenue": 1e308}', "out of range"),
                        (b'{"revenue": 1' + b"0" * 30 + b'}', "out of range"),
                        (b"[" * 25 + b"]" * 25, "deeper than")):
        try:
            api.parse_json(body)
        except api.UnstorableValue as error:
            assert words in str(error), (body[:20], str(error))
        else:
            raise AssertionError("%r was accepted" % body[:20])
    # a form's fields too
    try:
        api.check_storable({"message": "a\x00b"}, "form")
    except api.UnstorableValue as error:
        assert "form.message" in str(error)
    else:
        raise AssertionError("a NUL in a form field was accepted")


def test_tags_are_bounded_in_count_and_length():
    intake_lib = intake
    lead = {"name": "A", "email": "a@b.fr"}
    assert intake_lib.limit_error(dict(lead, tags=["t%d" % n for n in range(1000)]))[0] == "tags"
    assert intake_lib.limit_error(dict(lead, tags=["x" * 51]))[0] == "tags"
    assert intake_lib.limit_error(dict(lead, tags=["t%d" % n for n in range(20)])) is None
    # the same name twice (any case) is one tag
    values, extra, errors = intake_lib.clean_payload(dict(lead, tags=["Solar", "solar ", "Roof"]))
    assert not errors and extra["tags"] == ["Solar", "Roof"]
    assert intake_lib.clean_payload(dict(lead, tags=["t%d" % n for n in range(21)]))[2][0][0] == "tags"


def test_body_hash_ignores_key_order_and_spacing():
    api_lib = api
    assert api_lib.body_hash({"a": 1, "b": [1, 2]}) == api_lib.body_hash(api_lib.parse_json(b'{ "b": [1,2], "a": 1 }'))
    assert api_lib.body_hash({"a": 1}) != api_lib.body_hash({"a": 2})


def test_submission_ids_are_new_at_each_load_and_signed():
    form_lib = form
    first, second = form_lib.new_submission_id("s", "form"), form_lib.new_submission_id("s", "form")
    assert first != second
    assert form_lib.check_submission_id("s", "form", first) == (True, first)
    assert form_lib.check_submission_id("s", "other-form", first) == (True, None)
    assert form_lib.check_submission_id("s", "form", "made.up") == (True, None)
    assert form_lib.check_submission_id("s", "form", None) == (False, None)


def test_export_amounts_count_nan_and_infinity_as_zero():
    export_lib = export
    rows = [{"expected_revenue": float("nan"), "probability": 50.0},
            {"expected_revenue": float("inf"), "probability": 50.0},
            {"expected_revenue": 100.0, "probability": 50.0}]
    assert export_lib.summarise(rows)["total"]["expected_revenue"] == 100.0
    assert export_lib.summarise(rows)["total"]["weighted_revenue"] == 50.0
    assert "nan" not in export_lib.csv_lines(rows).lower()


def test_clean_payload_refuses_a_phone_without_digits():
    _values, _extra, errors = intake.clean_payload({"name": "Sans chiffres", "phone": "abc"})
    # the phone first: the lead has no other contact either
    assert [field for field, _message in errors] == ["phone", "email"]
    values, _extra, errors = intake.clean_payload({"name": "Avec chiffres", "phone": "+33 1 23 45 67 89"})
    assert not errors and values["phone"] == "+33 1 23 45 67 89"
