"""bot.nlu.distress: the cues that make a message an emergency, whatever else it asks."""

from __future__ import annotations

import pytest

from bot.nlu.distress import distress_kinds, load_cues

CUES = load_cues()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("mon mari me frappe", "violence"),
        ("Mon copain m'a frappée hier soir", "violence"),
        ("je suis en danger chez moi", "violence"),
        ("jveux en finir", "suicide"),
        ("euh j'ai des idées noires tout le temps", "suicide"),
        ("ma mère fait un malaise elle respire plus", "medical"),
        ("il a mal à la poitrine depuis ce matin", "medical"),
        ("y a le feu chez le voisin au feu", "fire"),
        ("je crois que le voisin maltraite son enfant", "child"),
    ],
)
def test_distress_is_recognised_typed_or_spoken(text, kind):
    assert kind in distress_kinds(text, CUES)


@pytest.mark.parametrize(
    "text",
    [
        "mon mari est paralysé depuis son AVC, on voudrait la PCH",
        "la CAF ne répond jamais",
        "je suis en fin de droits",
        "comment demander le RSA ?",
        "mon fils a le permis, il cherche une voiture",
    ],
)
def test_ordinary_questions_are_not_emergencies(text):
    assert distress_kinds(text, CUES) == []
