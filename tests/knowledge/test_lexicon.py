"""knowledge.lexicon: a real French word is not a typo of a name, an inflection is."""

from __future__ import annotations

import pytest

from knowledge.lexicon import french_lemmas, is_another_word


def test_the_lexicon_is_the_french_model_lemma_list():
    lemmas = french_lemmas()
    assert len(lemmas) > 50_000
    assert {"collegue", "college", "logement", "allocation"} <= lemmas


@pytest.mark.parametrize(
    ("word", "name_word"),
    [("collegue", "college"), ("decrocher", "decrocheur"), ("car", "carte"), ("equation", "equitation")],
)
def test_other_words_are_not_typos(word, name_word):
    assert is_another_word(word, name_word)


@pytest.mark.parametrize(
    ("word", "name_word"),
    [
        ("covoitrage", "covoiturage"),  # a typo
        ("alocation", "allocation"),
        ("locale", "local"),  # gender and number
        ("sociale", "social"),
        ("travailleuse", "travailleur"),
        ("jeune", "jeunes"),
        ("chere", "cher"),
        ("passe", "passer"),  # "passé le permis"
    ],
)
def test_typos_and_inflections_are_the_same_word(word, name_word):
    assert not is_another_word(word, name_word)
