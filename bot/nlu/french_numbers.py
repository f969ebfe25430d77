"""Read French numbers written in words, as speech transcripts give them.

"vingt-trois" -> 23, "quatre vingt deux" -> 82, "soixante et onze" -> 71.
"""

from __future__ import annotations

import re
from typing import List, Optional

from knowledge.text import fold

UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16,
}
TENS = {
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
}
NUMBER_WORDS = set(UNITS) | set(TENS) | {"cent", "cents", "et"}


def words_to_number(words: List[str]) -> Optional[int]:
    """Value of a run of folded French number words below 1 000, or None."""
    if not words or words[0] == "et" or words[-1] == "et":
        return None
    total = 0
    current = 0
    for word in words:
        if word == "et":
            continue
        if word in ("cent", "cents"):
            current = (current or 1) * 100
        elif word in TENS:
            # "quatre vingt": four twenties
            if word.startswith("vingt") and current in (4,):
                current = 80
            else:
                current += TENS[word]
        elif word in UNITS:
            current += UNITS[word]
        else:
            return None
    total += current
    return total


# Words just before "<number> ans" that make it an age, not a duration ("depuis deux ans").
AGE_CUES = {"ai", "jai", "a", "as", "age", "agee", "ages", "agees", "de", "aurai", "aura", "avoir", "fete"}


def find_age(text: str) -> Optional[int]:
    """An age stated in the text ("j'ai 23 ans", "elle a quatre vingt deux ans")."""
    words = re.sub(r"(\d)([a-z])", r"\1 \2", fold(text)).split()
    for index, word in enumerate(words):
        if word not in ("ans", "an") or index == 0:
            continue
        start = index - 1
        if words[start].isdigit():
            age: Optional[int] = int(words[start])
        else:
            while start > 0 and words[start - 1] in NUMBER_WORDS:
                start -= 1
            if words[start] not in NUMBER_WORDS:
                continue
            age = words_to_number(words[start:index])
        if age is None or not 0 < age < 120:
            continue
        if start == 0 and len(words) <= 6:
            return age
        cue = words[start - 1] if start > 0 else ""
        if cue in AGE_CUES and words[max(start - 2, 0) : start] != ["y", "a"]:
            return age
    return None
