"""The knowledge base of dispositifs: complete, linked, queryable."""

from __future__ import annotations

import pytest

from knowledge.base import KnowledgeBase
from knowledge.schema import PublicSource
from knowledge.text import fold

CANONICAL = [
    "rsa", "pch", "mdph", "apa", "aide_permis", "covoiturage", "mobilite_solidaire", "adil",
    "prevention_expulsions", "gps_administration", "france_services", "mds", "velo",
]
PAYS_MONEY = ["rsa", "pch", "apa"]


def test_the_knowledge_base_loads_without_broken_links():
    base = KnowledgeBase.load(strict=False)
    assert base.problems() == []


@pytest.mark.parametrize("dispositif_id", CANONICAL)
def test_canonical_records_are_complete(knowledge_base, dispositif_id):
    record = knowledge_base.get(dispositif_id)
    assert record is not None, f"missing canonical record {dispositif_id}"
    assert 2 <= record.summary.text.count(".") + record.summary.text.count("?") <= 4, "2-3 sentences"
    assert "http" not in record.summary.text, "summaries are read aloud: no URL"
    assert record.public or record.conditions
    assert record.demarches
    assert record.contacts
    assert record.related
    for contact in record.contacts:
        assert contact.sources


@pytest.mark.parametrize("dispositif_id", PAYS_MONEY)
def test_benefits_that_pay_money_have_dated_amounts(knowledge_base, dispositif_id):
    record = knowledge_base.get(dispositif_id)
    assert record.amounts
    for amount in record.amounts:
        assert amount.as_of.year >= 2024


def test_public_references_are_dated_and_marked_unverified(knowledge_base):
    public = [
        source
        for record in knowledge_base.dispositifs.values()
        for source in record.sources.values()
        if isinstance(source, PublicSource)
    ]
    assert public
    assert all(source.as_of and source.verified is False for source in public)


def test_every_intent_family_has_its_default_record(knowledge_base):
    for family in knowledge_base.intents.values():
        record = knowledge_base.get(family.default)
        assert record is not None and record.intent == family.name


def test_every_alias_finds_its_record(knowledge_base):
    for record in knowledge_base.dispositifs.values():
        for alias in record.aliases:
            found = [match.dispositif_id for match in knowledge_base.find(alias)]
            assert record.id in found, f"{record.id}: alias {alias!r} finds {found}"


@pytest.mark.parametrize(
    ("text", "dispositif_id"),
    [
        ("la PCH", "pch"),
        ("la pch", "pch"),
        ("Prestation de Compensation du Handicap", "pch"),
        ("prestation de compensasion du handicap", "pch"),
        ("covoitrage", "covoiturage"),
        ("l'alocation personnalisée d'autonomie", "apa"),
        ("l'allocation personnalisée d'autonomie", "apa"),
        ("allocation personnalisee d autonomie", "apa"),
        ("revenu de solidarite active", "rsa"),
        ("l'ADIL", "adil"),
        ("la maison départementale des personnes handicapées", "mdph"),
        ("euh c'est quoi ma mobilité soixante-deux", "mamobilite62"),  # a phone transcript
    ],
)
def test_aliases_are_accent_case_and_typo_tolerant(knowledge_base, text, dispositif_id):
    assert dispositif_id in [match.dispositif_id for match in knowledge_base.find(text)]


def test_ordinary_words_do_not_name_a_dispositif(knowledge_base):
    for text in ["bonjour", "merci beaucoup", "quelle heure est-il", "je suis perdu", "oui"]:
        assert knowledge_base.find(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "a calais",  # not "caf calais"
        "la 4g passe pas à berck",  # not "pass pass"
        "il y a des aides ?",  # not "mes aides"
        "le Département finance une partie du permis",  # not "perte du permis"
        "noeux les mines",  # a commune, not the miners' health centres
        "que faire avec les enfants",
        "mon collègue me pique mon yaourt",  # a word of its own, not "collège"
        "mon collegue me pique mon yaourt",
    ],
)
def test_everyday_words_near_an_alias_do_not_name_a_dispositif(knowledge_base, text):
    assert knowledge_base.find(text) == [], text


@pytest.mark.parametrize(
    ("dispositif_id", "old_name"),
    [("france_travail", "pole emploi"), ("france_services", "msap"), ("complementaire_sante_solidaire", "cmu")],
)
def test_outdated_names_are_explained(knowledge_base, dispositif_id, old_name):
    record = knowledge_base.get(dispositif_id)
    assert record is not None
    assert any(old_name in fold(note.text) for note in record.notes)
    assert any(old_name in fold(alias) for alias in record.aliases)


def test_queries_by_category_and_intent(knowledge_base):
    assert knowledge_base.get("pch") in knowledge_base.by_category("handicap")
    assert knowledge_base.default_for_intent("ask_rsa").id == "rsa"
    assert knowledge_base.default_for_intent("greet") is None


def test_no_phone_number_without_a_source(knowledge_base):
    for record in knowledge_base.dispositifs.values():
        for contact in record.contacts:
            if contact.phone:
                assert contact.sources
