import pytest

from .. import similarity


def test_jaro_winkler_reference_values():
    assert similarity.jaro_winkler("martha", "marhta") == pytest.approx(0.9611, abs=1e-4)
    assert similarity.jaro_winkler("dwayne", "duane") == pytest.approx(0.84, abs=1e-2)
    assert similarity.jaro_winkler("abc", "abc") == 1.0
    assert similarity.jaro_winkler("", "abc") == 0.0


def test_name_similarity_word_order_typos_abbreviations():
    assert similarity.name_similarity("dupont jean", "jean dupont") == 1.0
    assert similarity.name_similarity("jean dupont", "jean dupond") > 0.9
    assert similarity.name_similarity("acme ind", "acme industries") > 0.85
    assert similarity.name_similarity("jean dupont", "paul durand") < 0.8
    assert similarity.name_similarity("", "x") == 0.0
