"""Text normalisation shared by the knowledge base, the commune resolver and the NLU data.

People write "st omer", "Saint-Omer", "ST OMER" or "saint omer": all become "saint omer".
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_SEPARATORS = re.compile(r"[\s\-_/.,;:!?()\"«»\u00a0\u2011\u2013\u2014]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "s/": "sur"}


# Short French words (folded) that a typo never turns into a name: a fuzzy match may not
# rest on one of them differing from the alias ("des aides" is not "mes aides").
FUNCTION_WORDS = frozenset(
    """a à au aux avec c ce ces cet cette d dans de des du elle en et eux il ils j je l la le
    les leur lui m ma mais me mes moi mon n ne ni nous o on ou par pas plus pour qu que qui s
    sa se ses si son sur t ta te tes toi ton tu un une vos votre vous y""".split()
)


def strip_accents(text: str) -> str:
    """Remove diacritics: "Liévin" -> "Lievin", "œ" -> "oe"."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced words; apostrophes split words.

    >>> fold("Saint-Étienne-au-Mont")
    'saint etienne au mont'
    >>> fold("ST  OMER")
    'saint omer'
    """
    text = strip_accents(text.translate(APOSTROPHES)).lower()
    text = text.replace("'", " ")
    words = [word for word in _SEPARATORS.split(text) if word]
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def seed_text(text: str) -> str:
    """Normalise text extracted from a PDF so that a quote can be found in it.

    Joins lines, unifies apostrophes and spaces, and rejoins words split by a hyphen at a
    line end ("Pas-\\nde-Calais" -> "Pas-de-Calais").
    """
    text = text.translate(APOSTROPHES).replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(\w)- (\w)", r"\1-\2", text).strip()
