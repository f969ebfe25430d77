"""What the assistant takes from a message: the attribute asked and the commune."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from actions.understanding import resolve_attribute, resolve_commune_insee


def message(text: str, *entities: Dict[str, Any]) -> Dict[str, Any]:
    return {"text": text, "entities": list(entities)}


LENS = {"entity": "commune", "value": "62498"}


@pytest.mark.parametrize(
    ("intent", "latest", "previous", "expected"),
    [
        ("ask_documents", message("et il faut quels papiers ?"), "demarches", "documents"),
        ("ask_rsa", message("le rsa c'est combien par mois"), None, "montant"),
        ("ask_apa", message("combien de temps pour avoir l'apa"), None, "delai"),
        ("ask_rsa", message("le rsa c'est quoi"), None, None),
        ("inform_commune", message("Lens", LENS), "documents", "documents"),
        ("inform_commune", message("Lens", LENS), None, "contact"),
        # "je suis à Lens" is often read as a situation: it still only gives the commune.
        ("inform_situation", message("je suis à Lens", LENS), "demarches", "demarches"),
        (
            "inform_situation",
            message("je suis au RSA à Lens", LENS, {"entity": "situation", "value": "beneficiaire_rsa"}),
            "demarches",
            "conditions",
        ),
        ("inform_situation", message("je suis retraité"), "contact", "conditions"),
    ],
)
def test_the_attribute_asked(intent: str, latest: Dict[str, Any], previous: Any, expected: Any):
    assert resolve_attribute(intent, latest, previous) == expected


def test_the_commune_of_the_message_wins_over_the_one_known(knowledge_base):
    arras = "62041"
    assert resolve_commune_insee(knowledge_base, message("à Lens", LENS), arras) == "62498"
    assert resolve_commune_insee(knowledge_base, message("et là ?"), arras) == arras
    assert resolve_commune_insee(knowledge_base, message("?", {"entity": "commune", "value": "99999"}), None) is None
