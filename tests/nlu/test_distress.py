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
        ("il ma etranglee hier soir", "violence"),
        ("J'ai pris une boîte entière de somnifères il y a dix minutes", "medical"),
        ("La maison d'à côté est en feu", "fire"),
        ("plus rien n'a de sens je préfère disparaître", "suicide"),
        ("il a dit qu'il allait se faire du mal", "suicide"),
        ("mon oncle touche ma petite sœur", "child"),
        ("ma fille de 14 ans a fugué depuis hier", "child"),
        ("mon père s'est effondré dans la cuisine", "medical"),
        ("il parle de se jeter par la fenêtre", "suicide"),
        ("je crois que ma mère fait un AVC là", "medical"),
        ("euh il fait un avc je crois", "medical"),
        ("mon beau-père tape ma mère", "violence"),
        ("euh le voisin il bat sa femme on entend tout", "violence"),
        ("mon copain me tape dessus quand il a bu", "violence"),
        ("j'ai préparé la corde, c'est pour ce soir", "suicide"),
        ("on est à la rue ce soir avec les deux petits", "shelter"),
        ("euh j'ai nulle part où dormir", "shelter"),
        ("ma mère m'a mise à la porte ce soir", "shelter"),
        ("jvais devoir dormir dans ma voiture ce soir", "shelter"),
        ("euh ma grand-mère elle est tombée dans les pommes dans la cuisine", "medical"),
        ("mon voisin a pris un coup de couteau il saigne de la tête", "medical"),
        ("on a tous mal au crâne, je crois qu'on est intoxiqués par le poêle", "medical"),
        ("le petit a bu du produit vaisselle, faut appeler le centre antipoison ?", "medical"),
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
        "je suis étranglé par les dettes",
        "ma fille touche l'AAH, et mon fils ?",
        "c'est bon j'ai fini",
        "mon père a fait un AVC l'an dernier, il lui faut un lit médicalisé",
        "le feu vert de la MDPH, c'est quand ?",
        "je tape mon numéro fiscal et ça marche pas",
        "on doit partir dans deux mois, on va se retrouver à la rue",
        "j'ai reçu un commandement de quitter les lieux",
        "le 115 c'est pour qui ?",
        "mon fils est tombé dans la piscine de Calais au club, il faut une licence ?",
        "y a des travaux sur les voies entre Arras et Lens ?",
        "je me suis coupé les cheveux, j'ai besoin d'une photo d'identité",
    ],
)
def test_ordinary_questions_are_not_emergencies(text):
    assert distress_kinds(text, CUES) == []


@pytest.mark.parametrize(
    "ranking",
    [
        [{"name": "emergency", "confidence": 0.31}, {"name": "out_of_scope", "confidence": 0.07}],
        [{"name": "ask_sante", "confidence": 0.6}, {"name": "emergency", "confidence": 0.2}],
    ],
)
def test_a_cue_makes_the_message_a_sure_emergency(ranking):
    """A cue gives emergency full confidence, also when the model already ranked it first
    with a confidence the fallback would have refused."""
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.distress import DistressDetector

    message = Message(
        data={"text": "un gamin est en train de se noyer", "intent": ranking[0], "intent_ranking": ranking}
    )
    [processed] = DistressDetector(CUES).process([message])
    assert processed.get("intent") == {"name": "emergency", "confidence": 1.0}
    names = [item["name"] for item in processed.get("intent_ranking")]
    assert names[0] == "emergency" and names.count("emergency") == 1
    assert {"entity": "urgence", "value": "medical"}.items() <= processed.get("entities")[0].items()
