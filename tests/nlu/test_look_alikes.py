"""bot.nlu.look_alikes: names that look like a dispositif's move to what they really are."""

from __future__ import annotations

import pytest

from bot.nlu.look_alikes import load_look_alikes, redirect

LOOK_ALIKES = load_look_alikes()
RANKING = [
    {"name": "ask_aide_permis", "confidence": 0.6},
    {"name": "out_of_scope", "confidence": 0.2},
    {"name": "ask_logement_energie", "confidence": 0.15},
    {"name": "ask_demarches_administratives", "confidence": 0.05},
]


def top(text: str) -> str:
    redirected = redirect(RANKING, text, LOOK_ALIKES)
    return (redirected or RANKING)[0]["name"]


@pytest.mark.parametrize(
    "text",
    [
        "cb coute le permis peche pr mon fils il a 12 ans",
        "comment avoir un permis de pêche pour la Lys",
        "euh mon mari veut passer le permis de chasse",
        "combien coûte un permis de construire pour une véranda",
        "jpeu avoir le permis bateau a 16 ans",
    ],
)
def test_other_licences_are_out_of_scope(text):
    assert top(text) == "out_of_scope"


@pytest.mark.parametrize(
    "text",
    [
        "aide pour le permis de conduire",
        "je veux passer le permis B et après le permis bateau",
        "le code de la route coûte cher, et le permis de chasse aussi",
        "jpeu avoir une aide pour le permis si jsuis a lens",
    ],
)
def test_the_driving_licence_keeps_its_aid(text):
    assert top(text) == "ask_aide_permis"


def test_a_removal_firm_is_not_a_housing_aid():
    ranking = [
        {"name": "ask_logement_energie", "confidence": 0.42},
        {"name": "out_of_scope", "confidence": 0.07},
    ]
    text = "Vous connaissez une entreprise de déménagement sérieuse vers Lillers ?"
    assert redirect(ranking, text, LOOK_ALIKES)[0] == {"name": "out_of_scope", "confidence": 0.49}
    asking_for_help = "j'ai pas les moyens de payer les déménageurs, y a une aide ?"
    assert redirect(ranking, asking_for_help, LOOK_ALIKES) is None


def test_confidence_moves_and_is_not_created():
    redirected = redirect(RANKING, "permis de pêche", LOOK_ALIKES)
    assert sum(item["confidence"] for item in redirected) == pytest.approx(1.0)
    assert "ask_aide_permis" not in [item["name"] for item in redirected]


@pytest.mark.parametrize(
    "text",
    ["jveux placer mes economies en bourse", "le cours de bourse de mes actions", "le CAC 40 a baissé ?"],
)
def test_the_stock_exchange_is_not_a_grant(text):
    ranking = [{"name": "ask_jeunesse", "confidence": 0.4}, {"name": "out_of_scope", "confidence": 0.1}]
    assert redirect(ranking, text, LOOK_ALIKES)[0]["name"] == "out_of_scope"


@pytest.mark.parametrize(
    "text",
    ["mon fils a une bourse au mérite au lycée, elle passe en bourse d'études ?", "bourse au permis à Béthune"],
)
def test_grants_stay_grants(text):
    ranking = [{"name": "ask_jeunesse", "confidence": 0.4}, {"name": "out_of_scope", "confidence": 0.1}]
    assert redirect(ranking, text, LOOK_ALIKES) is None
