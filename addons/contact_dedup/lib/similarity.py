"""String similarity in plain Python: Jaro-Winkler and token matching."""
import functools


def jaro(first, second):
    """Jaro similarity between 0 and 1."""
    if first == second:
        return 1.0 if first else 0.0
    len1, len2 = len(first), len(second)
    if not len1 or not len2:
        return 0.0
    window = max(max(len1, len2) // 2 - 1, 0)
    matched1 = [False] * len1
    matched2 = [False] * len2
    matches = 0
    for i, char in enumerate(first):
        start, end = max(0, i - window), min(i + window + 1, len2)
        for j in range(start, end):
            if not matched2[j] and second[j] == char:
                matched1[i] = matched2[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    j = 0
    for i in range(len1):
        if matched1[i]:
            while not matched2[j]:
                j += 1
            if first[i] != second[j]:
                transpositions += 1
            j += 1
    transpositions /= 2.0
    return (matches / len1 + matches / len2 + (matches - transpositions) / matches) / 3.0


@functools.lru_cache(maxsize=262144)
def jaro_winkler(first, second, prefix_scale=0.1):
    """Jaro-Winkler similarity: Jaro boosted by a common prefix of up to 4 characters."""
    similarity = jaro(first, second)
    prefix = 0
    for char1, char2 in zip(first[:4], second[:4]):
        if char1 != char2:
            break
        prefix += 1
    return similarity + prefix * prefix_scale * (1.0 - similarity)


def _monge_elkan(words1, words2):
    # names are made of a few hundred common words: the cache makes a scan's comparisons cheap
    return sum(1.0 if word in words2 else max(jaro_winkler(word, other) for other in words2)
               for word in words1) / len(words1)


def name_similarity(first, second):
    """Similarity of two normalised names, robust to word order and abbreviations.

    Symmetric Monge-Elkan over Jaro-Winkler: each word is paired with its best match in
    the other name ('acme ind' ~ 'acme industries', 'dupont jean' ~ 'jean dupond').
    """
    if not first or not second:
        return 0.0
    if first == second:
        return 1.0
    words1, words2 = first.split(), second.split()
    if "".join(sorted(words1)) == "".join(sorted(words2)) or first.replace(" ", "") == second.replace(" ", ""):
        return 1.0
    token_score = (_monge_elkan(words1, words2) + _monge_elkan(words2, words1)) / 2.0
    return max(token_score, jaro_winkler(first, second) if len(words1) == len(words2) == 1 else 0.0)
