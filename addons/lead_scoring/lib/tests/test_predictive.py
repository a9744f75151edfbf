"""Naive Bayes predictive score and AUC."""
import json
import random
import time

import pytest

from .. import predictive


def test_auc_of_perfect_random_and_inverted_rankings():
    assert predictive.auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert predictive.auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    assert predictive.auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]) == 0.5
    assert predictive.auc([0.1, 0.2], [1, 1]) is None


def test_empty_history_gives_no_model_and_no_crash():
    result = predictive.train_and_evaluate([])
    assert result["auc"] is None and not result["use"]
    assert result["model"].predict({"country": "FR"}) is None


def test_only_won_history_gives_no_model():
    samples = [(i, {"country": "FR"}, True) for i in range(20)]
    result = predictive.train_and_evaluate(samples)
    assert not result["use"] and result["model"].predict({"country": "FR"}) is None


def test_frequent_winning_value_raises_probability_and_unseen_value_is_smoothed():
    samples = [({"country": "FR"}, True)] * 8 + [({"country": "FR"}, False)] * 2 + \
        [({"country": "US"}, True)] * 2 + [({"country": "US"}, False)] * 8
    model = predictive.NaiveBayes().fit(samples)
    assert model.predict({"country": "FR"}) > 0.7
    assert model.predict({"country": "US"}) < 0.3
    assert 0.3 < model.predict({"country": "XX"}) < 0.7
    again = predictive.NaiveBayes.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.predict({"country": "FR"}) == pytest.approx(model.predict({"country": "FR"}))


def _history(count, seed=4):
    rng = random.Random(seed)
    samples = []
    for key in range(count):
        country = rng.choice(["FR", "DE", "ES", "US", "IT"])
        size = rng.choice(["1-9", "10-49", "50-249", "250+"])
        downloads = rng.randint(0, 5)
        pricing = rng.random() < 0.3
        logit = -2.0 + {"FR": 1.0, "DE": 0.5}.get(country, -0.5) + {"250+": 1.2, "50-249": 0.6}.get(size, -0.4) \
            + 0.6 * downloads + (1.5 if pricing else 0.0) + rng.gauss(0, 0.5)
        won = rng.random() < 1 / (1 + 2.718281828 ** -logit)
        features = {"country": country, "size": size, "downloads": predictive.count_bucket(downloads),
                    "pricing": pricing}
        samples.append((key, features, won))
    return samples


def test_generated_history_is_learnt_with_good_auc_and_beats_a_weak_rule_score():
    samples = _history(20000)
    rule_scores = {key: (1 if features["country"] == "FR" else 0) for key, features, _won in samples}
    start = time.perf_counter()
    result = predictive.train_and_evaluate(samples, rule_scores)
    assert time.perf_counter() - start < 10
    assert result["auc"] > 0.8
    assert result["rule_auc"] < result["auc"]
    assert result["use"]
    assert result["test_count"] == 4000


def test_model_not_used_when_rules_rank_better():
    samples = _history(2000)
    perfect = {key: (1 if won else 0) for key, _features, won in samples}
    result = predictive.train_and_evaluate(samples, perfect)
    assert result["rule_auc"] == 1.0 and not result["use"]


def test_model_with_numbers_and_booleans_survives_json():
    samples = [({"source": 3, "title": True}, True)] * 5 + [({"source": 4, "title": False}, False)] * 5
    model = predictive.NaiveBayes().fit(samples)
    again = predictive.NaiveBayes.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.predict({"source": 3, "title": True}) == pytest.approx(model.predict({"source": 3, "title": True}))
    assert again.predict({"source": 3, "title": True}) > 0.9


def test_buckets():
    assert predictive.bucket(5, [10, 100]) == "<10"
    assert predictive.bucket(50, [10, 100]) == "10-100"
    assert predictive.bucket(500, [10, 100]) == ">=100"
    assert predictive.bucket(None, [10]) == "none"
    assert [predictive.count_bucket(n) for n in (0, 1, 3, 9)] == ["0", "1", "2-3", "4+"]
