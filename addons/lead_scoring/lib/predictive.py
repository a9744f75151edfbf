"""Predictive lead scoring: naive Bayes over per-value frequencies, without the ORM.

As Odoo 13+ does for its "probability", the model counts, for every feature value
(country=FR, source=Website, event:download=2+...), how many won and how many lost
leads had it. The probability of winning of a new lead multiplies, for each of its
values, the smoothed frequency among won leads against the one among lost leads
(Laplace smoothing, so an unseen value never gives 0). The model is plain data
(``to_dict`` / ``from_dict``) that can be stored as JSON.

Quality is the area under the ROC curve (AUC) on held-out history: the chance that
a won lead drawn at random gets a higher probability than a lost one.
"""
import math


def bucket(value, edges):
    """Put a number in a named bucket: ``bucket(12, [10, 100]) == '10-100'``."""
    if value is None or value is False:
        return "none"
    previous = None
    for edge in edges:
        if value < edge:
            return "<%s" % edge if previous is None else "%s-%s" % (previous, edge)
        previous = edge
    return ">=%s" % previous


def count_bucket(count):
    """Event counts as 0, 1, 2-3, 4+ (more detail would only spread the history thin)."""
    if count <= 0:
        return "0"
    if count == 1:
        return "1"
    if count <= 3:
        return "2-3"
    return "4+"


class NaiveBayes(object):
    """Won / lost naive Bayes over categorical features.

    :param alpha: Laplace smoothing (pseudo-count added to every value)
    """

    def __init__(self, alpha=1.0):
        self.alpha = float(alpha)
        self.won = 0
        self.lost = 0
        # feature -> value -> [won count, lost count]
        self.counts = {}

    @property
    def trained(self):
        return self.won > 0 and self.lost > 0

    def fit(self, samples):
        """Learn from ``(features, won)`` pairs; ``features`` is a dict feature -> value."""
        counts = self.counts
        for features, won in samples:
            index = 0 if won else 1
            if won:
                self.won += 1
            else:
                self.lost += 1
            for feature, value in features.items():
                # values are kept as text so that the model survives a JSON round trip
                value = str(value)
                values = counts.get(feature)
                if values is None:
                    values = counts[feature] = {}
                pair = values.get(value)
                if pair is None:
                    pair = values[value] = [0, 0]
                pair[index] += 1
        return self

    def _log_tables(self):
        """Per feature, the log-likelihood ratio of each value and of an unseen value."""
        tables = {}
        alpha = self.alpha
        for feature, values in self.counts.items():
            # one more slot for values never seen in training
            size = len(values) + 1
            won_total = sum(pair[0] for pair in values.values()) + alpha * size
            lost_total = sum(pair[1] for pair in values.values()) + alpha * size
            ratios = {
                value: math.log((pair[0] + alpha) / won_total) - math.log((pair[1] + alpha) / lost_total)
                for value, pair in values.items()
            }
            unseen = math.log(alpha / won_total) - math.log(alpha / lost_total)
            tables[feature] = (ratios, unseen)
        return tables

    def predictor(self):
        """A fast function ``features -> probability of winning`` (None before training)."""
        if not self.trained:
            return None
        tables = self._log_tables()
        prior = math.log(self.won) - math.log(self.lost)

        def predict(features):
            log_odds = prior
            for feature, value in features.items():
                table = tables.get(feature)
                if table is None:
                    continue
                log_odds += table[0].get(str(value), table[1])
            if log_odds > 35:
                return 1.0
            if log_odds < -35:
                return 0.0
            return 1.0 / (1.0 + math.exp(-log_odds))
        return predict

    def predict(self, features):
        predictor = self.predictor()
        return None if predictor is None else predictor(features)

    def to_dict(self):
        return {"alpha": self.alpha, "won": self.won, "lost": self.lost, "counts": self.counts}

    @classmethod
    def from_dict(cls, data):
        model = cls(alpha=data.get("alpha", 1.0))
        model.won = int(data.get("won", 0))
        model.lost = int(data.get("lost", 0))
        model.counts = {feature: {value: list(pair) for value, pair in values.items()}
                        for feature, values in (data.get("counts") or {}).items()}
        return model


def auc(scores, outcomes):
    """Area under the ROC curve of ``scores`` for binary ``outcomes`` (ties count half).

    None when the outcomes hold only one class (no AUC can be measured).
    """
    pairs = sorted(zip(scores, outcomes), key=lambda pair: pair[0])
    positives = sum(1 for _score, won in pairs if won)
    negatives = len(pairs) - positives
    if not positives or not negatives:
        return None
    rank_sum = 0.0
    index = 0
    total = len(pairs)
    while index < total:
        end = index
        while end + 1 < total and pairs[end + 1][0] == pairs[index][0]:
            end += 1
        average_rank = (index + end) / 2.0 + 1.0
        rank_sum += average_rank * sum(1 for k in range(index, end + 1) if pairs[k][1])
        index = end + 1
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def is_held_out(key, every=5):
    """Deterministic split: one sample in ``every`` (by its key) is kept for testing."""
    return hash(key) % every == 0 if not isinstance(key, int) else key % every == 0


def train_and_evaluate(samples, rule_scores=None, alpha=1.0, every=5):
    """Train on most of the history and measure on the rest.

    :param samples: list of ``(key, features, won)``
    :param rule_scores: optional dict key -> rule score, measured on the same held-out part
    :return: dict with ``model`` (trained on all samples), ``auc``, ``rule_auc``,
        ``train_count``, ``test_count``, and ``use`` (the model beats the rule score)
    """
    train = [(features, won) for key, features, won in samples if not is_held_out(key, every)]
    test = [(key, features, won) for key, features, won in samples if is_held_out(key, every)]
    held_model = NaiveBayes(alpha).fit(train)
    model_auc = rule_auc = None
    if held_model.trained and test:
        predict = held_model.predictor()
        outcomes = [won for _key, _features, won in test]
        model_auc = auc([predict(features) for _key, features, _won in test], outcomes)
        if rule_scores is not None:
            rule_auc = auc([rule_scores.get(key, 0) for key, _features, _won in test], outcomes)
    full_model = NaiveBayes(alpha).fit((features, won) for _key, features, won in samples)
    use = bool(full_model.trained and model_auc is not None and (rule_auc is None or model_auc > rule_auc))
    return {
        "model": full_model,
        "auc": model_auc,
        "rule_auc": rule_auc,
        "train_count": len(train),
        "test_count": len(test),
        "use": use,
    }
