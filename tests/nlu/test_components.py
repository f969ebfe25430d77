"""Custom NLU components: length cap, ages, entities from the knowledge base."""

from __future__ import annotations

import pytest

from bot.nlu.french_numbers import find_age, words_to_number
from bot.nlu.knowledge_entities import knowledge_entities
from bot.nlu.length_cap import cap_text


def test_long_messages_are_cut_at_a_word_boundary():
    text = "bonjour " * 2000
    capped = cap_text(text, 600)
    assert len(capped) <= 600
    assert capped.endswith("bonjour")
    assert cap_text("court", 600) == "court"


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("et si j'ai 23 ans ?", 23),
        ("jai 23ans", 23),
        ("et si j'ai vingt-trois ans", 23),
        ("euh ma mère elle a quatre vingt deux ans", 82),
        ("soixante et onze ans", 71),
        ("mon fils de 17 ans", 17),
        ("depuis deux ans je cherche du travail", None),
        ("il y a 3 ans j'ai perdu mon emploi", None),
        ("mon loyer de 500 euros", None),
    ],
)
def test_ages_in_digits_and_words(text, age):
    assert find_age(text) == age


def test_number_words():
    assert words_to_number(["quatre", "vingt", "dix", "neuf"]) == 99
    assert words_to_number(["soixante", "et", "onze"]) == 71
    assert words_to_number(["bonjour"]) is None


def test_dispositifs_are_found_by_alias_with_typos(knowledge_base):
    values = {e["value"] for e in knowledge_entities("jpeu avoir le rsa si jsuis a lens", knowledge_base) if e["entity"] == "dispositif"}
    assert "rsa" in values
    values = {e["value"] for e in knowledge_entities("le revenu de solidarite activ", knowledge_base) if e["entity"] == "dispositif"}
    assert "rsa" in values


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("jveux la prestation de compansation du handicap a Lens", "prestation de compansation du handicap"),
        ("C'est quoi l'APA ?", "APA"),
        ("le covoitrage vers arras", "covoitrage"),
        ("la M.D.P.H de Saint-Omer", "M.D.P.H"),
    ],
)
def test_a_dispositif_entity_spans_the_words_that_named_it(knowledge_base, text, span):
    [entity] = [e for e in knowledge_entities(text, knowledge_base) if e["entity"] == "dispositif"]
    assert entity["text"] == span
    assert text[entity["start"] : entity["end"]] == span


def test_commune_and_age_entities(knowledge_base):
    entities = knowledge_entities("jpeu avoir le rsa si jsuis a lens, j'ai 24 ans", knowledge_base)
    by_name = {entity["entity"]: entity for entity in entities}
    lens = knowledge_base.communes.resolve("Lens")
    assert by_name["commune"]["value"] == lens.insee
    assert by_name["age"]["value"] == 24


def test_only_known_situations_are_kept():
    from bot.nlu.known_situations import known_situations_only

    entities = [
        {"entity": "situation", "value": "jsuis"},
        {"entity": "situation", "value": "beneficiaire_rsa"},
        {"entity": "dispositif", "value": "rsa"},
    ]
    assert [e["value"] for e in known_situations_only(entities)] == ["beneficiaire_rsa", "rsa"]


def test_every_situation_of_the_training_data_is_known():
    import re
    from pathlib import Path

    from bot.nlu.known_situations import SITUATIONS

    data_dir = Path(__file__).resolve().parents[2] / "data" / "nlu"
    data = "".join(path.read_text(encoding="utf-8") for path in data_dir.glob("*.yml"))
    values = set(re.findall(r'"entity": "situation", "value": "([^"]+)"', data))
    assert values and values <= SITUATIONS
