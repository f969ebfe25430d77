"""Acronyms spelled out loud, as a speech transcript writes them.

A caller who says "la PCH" letter by letter reaches us as "la pé cé ache"; "l'MDS" as
"l'aime dé esse", "la CPAM" as "la cé pé a aime". Written aliases cannot list every way of
writing each letter, so the runs of letter names of a (folded) message are read back into
the acronyms they spell.

Many letter names are also French words ("a", "de", "elle", "aime", "te"). A run is only
read as an acronym when it holds at least one name that is not a word ("pé", "esse",
"ache"...) or a consonant on its own ("r s a"), and when it spells at least three letters:
"elle a des enfants" spells nothing.
"""

from __future__ import annotations

from typing import Container, Dict, FrozenSet, List, Tuple

# Folded letter names ("pé" -> "pe") and how transcripts mishear them ("des" for "dé").
LETTER_NAMES: Dict[str, str] = {
    **{letter: letter for letter in "abcdefghijklmnopqrstuvwxyz"},
    "be": "b",
    "ce": "c",
    "de": "d",
    "des": "d",
    "eu": "e",
    "effe": "f",
    "ef": "f",
    "ge": "g",
    "ache": "h",
    "hache": "h",
    "ji": "j",
    "ka": "k",
    "elle": "l",
    "el": "l",
    "emme": "m",
    "aime": "m",
    "em": "m",
    "enne": "n",
    "pe": "p",
    "ku": "q",
    "erre": "r",
    "esse": "s",
    "es": "s",
    "te": "t",
    "ve": "v",
    "ixe": "x",
    "zede": "z",
}

# Letter names that are also common words, or elided words ("l'", "d'", "j'").
AMBIGUOUS_NAMES: FrozenSet[str] = frozenset(
    "a c d e i j l m n o s t u y ce de des eu el elle em aime es te".split()
)

MIN_LETTERS = 3


def spelled_acronyms(words: List[str], known: Container[str]) -> List[Tuple[str, str]]:
    """The ``known`` acronyms spelled by runs of letter names in ``words`` (folded): pairs
    of (the words as they were, the acronym). Longer readings win, and a letter belongs to
    one acronym only: "l'a p a de ma mère" is the APA, not also a "pad"."""
    found: List[Tuple[str, str]] = []
    start = 0
    while start < len(words):
        if words[start] not in LETTER_NAMES:
            start += 1
            continue
        end = start
        while end < len(words) and words[end] in LETTER_NAMES:
            end += 1
        taken = [False] * (end - start)
        for size in range(end - start, MIN_LETTERS - 1, -1):
            for first in range(end - start - size + 1):
                if any(taken[first : first + size]):
                    continue
                names = words[start + first : start + first + size]
                acronym = "".join(LETTER_NAMES[name] for name in names)
                if acronym in known and any(name not in AMBIGUOUS_NAMES for name in names):
                    found.append((" ".join(names), acronym))
                    taken[first : first + size] = [True] * size
        start = end
    return found
