"""knowledge.spoken_letters and the knowledge base: acronyms spelled out in transcripts."""

from __future__ import annotations

import pytest

from knowledge.spoken_letters import spelled_acronyms
from knowledge.text import fold

KNOWN = {"pch", "mds", "rsa", "apa", "pad", "cpam", "lad"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("la pé cé ache paie le monte-escalier", [("pe ce ache", "pch")]),
        ("euh l'aime dé esse de berck", [("aime de esse", "mds")]),
        ("l'aime des esse de saint-omer", [("aime des esse", "mds")]),
        ("la cé pé a aime d'arras", [("ce pe a aime", "cpam")]),
        ("il a r s a depuis mars", [("r s a", "rsa")]),
    ],
)
def test_letter_names_are_read_back_into_the_acronym(text, expected):
    assert spelled_acronyms(fold(text).split(), KNOWN) == expected


def test_a_letter_belongs_to_one_acronym_the_longest_reading_first():
    assert spelled_acronyms(fold("l'a p a de ma mère").split(), KNOWN) == [("a p a", "apa")]


@pytest.mark.parametrize(
    "text",
    ["elle a des enfants", "je t'aime de tout mon cœur", "c'est à dire", "la pé cé", "euh le j p s"],
)
def test_ordinary_french_and_unknown_spellings_spell_nothing(text):
    assert spelled_acronyms(fold(text).split(), KNOWN) == []


@pytest.mark.parametrize(
    "text, dispositif, found",
    [
        ("ben la pé cé ache elle paie le monte-escalier", "pch", "pé cé ache"),
        ("euh l'aime dé pé ache euh mon dossier", "mdph", "aime dé pé ache"),
        ("la cé pé a aime d'arras", "acces_aux_soins", "cé pé a aime"),
    ],
)
def test_the_knowledge_base_finds_a_spelled_acronym_where_it_was_said(
    knowledge_base, text, dispositif, found
):
    from bot.nlu.knowledge_entities import knowledge_entities

    entities = [e for e in knowledge_entities(text, knowledge_base) if e["entity"] == "dispositif"]
    assert [(e["value"], e["text"]) for e in entities] == [(dispositif, found)]
