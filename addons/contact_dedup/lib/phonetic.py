"""Phonetic keys of a word, so that names spelt differently but said alike share a blocking key.

English: Metaphone (jellyfish). French: a short rule set written for this addon (in the spirit
of Soundex-FR / Phonex): letters sounding alike folded, silent letters dropped.
"""
import functools
import re

import jellyfish

_FRENCH_RULES = [
    (r"eaux?", "o"), (r"au", "o"), (r"[ae]i", "e"), (r"ou", "u"), (r"oi", "wa"), (r"ph", "f"), (r"qu", "k"),
    (r"gu([ei])", r"G\1"), (r"g([eiy])", r"j\1"), (r"c([eiy])", r"s\1"), (r"ch", "x"), (r"sch", "x"), (r"ck", "k"),
    (r"c", "k"), (r"q", "k"), (r"w", "v"), (r"y", "i"), (r"z", "s"), (r"h", ""), (r"([aeiou])s([aeiou])", r"\1z\2"),
    (r"e?[nm]([^aeiou]|$)", r"n\1"), (r"(.)\1+", r"\1"), (r"(?<=.)[aeiou]+", ""), (r"[stdxp]+$", ""),
]
_FRENCH_RULES = [(re.compile(pattern), replacement) for pattern, replacement in _FRENCH_RULES]


@functools.lru_cache(maxsize=32768)
def french(word):
    """'Dupond' and 'Dupont' -> 'dpn'; 'Lefèvre' and 'Lefebvre' share theirs too (accents are gone before)."""
    text = re.sub(r"[^a-z]", "", (word or "").lower())
    for pattern, replacement in _FRENCH_RULES:
        text = pattern.sub(replacement, text)
    return text.lower()


@functools.lru_cache(maxsize=32768)
def english(word):
    """Metaphone of the word ('Smith' and 'Smyth' -> 'SM0')."""
    text = re.sub(r"[^a-z]", "", (word or "").lower())
    return jellyfish.metaphone(text).lower() if text else ""
