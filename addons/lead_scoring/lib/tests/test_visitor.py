from .. import visitor

SECRET = "s3cret-of-the-database"


def test_a_handed_out_id_is_valid_for_its_company_only():
    token = visitor.sign(SECRET, 3)
    assert len(token) <= 64
    assert visitor.is_valid(SECRET, token, 3)
    assert visitor.company_of(SECRET, token) == 3
    # another company's website cannot use it
    assert not visitor.is_valid(SECRET, token, 4)
    # two ids handed out are never the same
    assert visitor.sign(SECRET, 3) != token


def test_made_up_altered_or_foreign_ids_are_refused():
    token = visitor.sign(SECRET, 1, "abc")
    assert visitor.is_valid(SECRET, token, 1)
    forged_company = token.replace(".1.", ".2.")
    assert not visitor.is_valid(SECRET, forged_company, 2)
    assert not visitor.is_valid(SECRET, token[:-1] + ("0" if token[-1] != "0" else "1"), 1)
    assert not visitor.is_valid("another database", token, 1)
    for bad in ("visitor-123", "", None, 42, "v1.abc.1", "v1.a b.1." + "0" * 32):
        assert not visitor.is_valid(SECRET, bad, 1)
