from .. import matching, normalize, synthetic


def _keys(record_id, **values):
    keys = normalize.partner_keys(values)
    keys["id"] = record_id
    return keys


def test_same_person_typed_twice_scores_high_with_reasons():
    first = _keys(1, name="Jean Dupont", email="jean.dupont@acme.fr", mobile="06 12 34 56 78")
    second = _keys(2, name="DUPONT Jean", email="", mobile="+33 6 12 34 56 78")
    score, reasons = matching.score_pair(first, second)
    assert score >= matching.DEFAULT_THRESHOLD
    codes = [code for code, _value in reasons]
    assert "same_phone" in codes and "same_name" in codes


def test_colleagues_sharing_the_switchboard_are_not_duplicates():
    first = _keys(1, name="Jean Dupont", phone="01 23 45 67 89", company_name="Acme")
    second = _keys(2, name="Marie Curie", phone="01 23 45 67 89", company_name="Acme")
    score, reasons = matching.score_pair(first, second)
    assert score < matching.DEFAULT_THRESHOLD
    assert any(code == "different_name" for code, _value in reasons)


def test_different_vat_vetoes_similar_companies():
    first = _keys(1, name="Acme SAS", is_company=True, vat="FR11111111111", zip="75001")
    second = _keys(2, name="Acme SARL", is_company=True, vat="FR22222222222", zip="75001")
    score, reasons = matching.score_pair(first, second)
    assert score < 0.5
    assert ("different_vat", 0.0) in reasons


def test_name_alone_is_not_enough():
    score, _reasons = matching.score_pair(_keys(1, name="Jean Martin"), _keys(2, name="Jean Martin"))
    assert score < matching.DEFAULT_THRESHOLD


def test_weights_are_configurable():
    first = _keys(1, name="Jean Martin", zip="75001")
    second = _keys(2, name="Jean Martin", zip="75001")
    weights = dict(matching.DEFAULT_WEIGHTS, name=(9.0, -5.0))
    assert matching.score_pair(first, second, weights)[0] > matching.score_pair(first, second)[0]


def test_pairs_make_connected_groups():
    components = matching.Components()
    for first, second in [(1, 2), (2, 3), (7, 5)]:
        components.add(first, second)
    assert components.groups() == [[1, 2, 3], [5, 7]]


def test_scan_excludes_pairs_marked_not_duplicate():
    records = [_keys(1, name="Jean Dupont", email="j@acme.fr"), _keys(2, name="Jean Dupont", email="j@acme.fr")]
    assert len(matching.scan(records)) == 1
    assert matching.scan(records, excluded={(1, 2)}) == []


def _records(book):
    records = []
    for row in book.rows:
        keys = normalize.partner_keys(row)
        keys["id"] = row["id"]
        records.append(keys)
    return records


def test_quality_on_generated_address_book():
    book = synthetic.AddressBook(2000, seed=3)
    found = matching.scan(_records(book))
    precision, recall = matching.precision_recall(found, book.true_pairs)
    assert len(book.true_pairs) > 200
    assert precision >= 0.95 and recall >= 0.95


def test_blocking_keeps_the_recall_of_all_pairs():
    book = synthetic.AddressBook(300, seed=11)
    records = _records(book)
    blocked = {pair[:2] for pair in matching.scan(records)}
    naive = {pair[:2] for pair in matching.scan_all_pairs(records)}
    assert blocked == naive


def test_blocking_keys_pair_a_misspelt_company_by_zip_and_a_person_by_name_and_town():
    company = matching.blocking_keys({"name": "acme industires", "is_company": True, "zip": "75002"})
    assert "c:zipword:75002:acm" in company and "c:name:acme industires" in company
    person = matching.blocking_keys({"name": "jean martin", "city": "paris", "zip": "75002"})
    # a common name alone is no key for a person: only with the town (or the street)
    assert "p:namecity:jean martin:paris" in person
    assert not any(key.startswith("p:name:") for key in person)
    assert "p:zipword:75002:jea" in person
