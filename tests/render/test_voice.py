"""The phone line's renderer: bot messages rewritten for the ear."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import bot.render.voice as voice_module
from bot.render.french_numbers_speech import number_words, phone_number_words, short_number_words
from bot.render.voice import (
    MORE,
    SMS,
    MenuChoice,
    VoicePhrases,
    match_choice,
    render_turn,
    sms_text,
    speak,
)


@pytest.fixture(scope="module")
def phrases() -> VoicePhrases:
    return VoicePhrases()


def answer(items: int, buttons: bool = True, **custom) -> dict:
    lines = ["Le RSA : qui peut en bénéficier ?"] + [f"- Condition numéro {n}." for n in range(1, items + 1)]
    message = {"text": "\n".join(lines), "custom": {"dispositif": "rsa", "handoff": False, **custom}}
    if buttons:
        message["buttons"] = [
            {"title": "Les conditions", "payload": "/ask_conditions"},
            {"title": "Faire la demande", "payload": "/ask_demarches"},
            {"title": "Parler à un conseiller", "payload": "/ask_human"},
        ]
    return message


# --------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("number", "words"),
    [(0, "zéro"), (16, "seize"), (21, "vingt et un"), (62, "soixante-deux"), (71, "soixante et onze"),
     (80, "quatre-vingts"), (81, "quatre-vingt-un"), (97, "quatre-vingt-dix-sept"), (112, "cent douze"),
     (200, "deux cents"), (1990, "mille neuf cent quatre-vingt-dix")],
)
def test_french_number_words(number, words):
    assert number_words(number) == words


def test_phone_numbers_are_read_in_pairs():
    assert phone_number_words("0321216216") == "zéro trois, vingt et un, vingt et un, soixante-deux, seize"
    assert short_number_words("3114") == "trente et un quatorze"


# --------------------------------------------------------------------------- speak
@pytest.mark.parametrize(
    "written",
    ["03 21 216 216", "0321216216", "03.21.21.62.16", "+33 3 21 21 62 16", "+33 (0)3 21 21 62 16"],
)
def test_the_hotline_number_is_read_slowly_in_pairs(written):
    spoken = speak(f"Appelez le {written}.")
    assert spoken == "Appelez le zéro trois, vingt et un, vingt et un, soixante-deux, seize."


def test_a_free_number_is_read_in_pairs_too():
    assert speak("Numéro vert : 0 805 29 62 62") == (
        "Numéro vert : zéro huit, zéro cinq, vingt-neuf, soixante-deux, soixante-deux."
    )


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Appelez le 15.", "Appelez le quinze."),
        ("- le 112 : urgences", "le cent douze : urgences."),
        ("Appelez le 3114, jour et nuit.", "Appelez le trente et un quatorze, jour et nuit."),
        ("Composez le 3919.", "Composez le trente-neuf dix-neuf."),
        ("Enfance en danger : appelez le 119.", "Enfance en danger : appelez le cent dix-neuf."),
    ],
)
def test_short_service_numbers_are_said_in_words(written, spoken):
    assert speak(written) == spoken


@pytest.mark.parametrize(
    "written",
    ["le 15 janvier", "le 15 h", "au 15 mars 2025", "depuis le 112 jours"],
)
def test_dates_and_quantities_are_not_mistaken_for_service_numbers(written):
    assert "quinze" not in speak(written) and "cent douze" not in speak(written)


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("ouvert à 8h00", "ouvert à 8 heures."),
        ("de 8h30 à 16h30", "de 8 heures 30 à 16 heures 30."),
        ("de 8 h à 21 h", "de 8 heures à 21 heures."),
        ("à 1h", "à 1 heure."),
        ("à 09:05", "à 9 heures 5."),
        ("ouvert 24h/24 et 7j/7", "ouvert 24 heures sur 24 et 7 jours sur 7."),
        ("montant au 01/04/2025", "montant au 1er avril 2025."),
        ("montant au 15/03/2024", "montant au 15 mars 2024."),
        ("depuis le 2025-01-01", "depuis le 1er janvier 2025."),
        ("646,52 euros par mois", "646 euros 52 par mois."),
        ("500 € pour 20 %", "500 euros pour 20 pour cent."),
    ],
)
def test_hours_dates_and_amounts_are_said_naturally(written, spoken):
    assert speak(written) == spoken


def test_links_become_the_name_of_the_site():
    spoken = speak("CAF du Pas-de-Calais — https://www.caf.fr/allocataires/droits-et-prestations")
    assert spoken == "Caf du Pas-de-Calais, sur le site caf point fr."
    assert speak("Faites la demande sur le site de la CAF (caf.fr).") == (
        "Faites la demande sur le site de la Caf, caf point fr."
    )
    assert speak("Écrivez à contact@adil62.org") == "Écrivez à contact arobase adil62 point org."
    assert speak("Voir [le formulaire](https://www.service-public.fr/cerfa).") == "Voir le formulaire."


@pytest.mark.parametrize(
    "text",
    [
        "**Important** : voir https://mdph.pasdecalais.fr/demande?x=1&y=2 😀",
        "# Titre\n- un\n* deux\n• trois\n1. quatre",
        "Site : www.pasdecalais.fr/Solidarite-sante — ou mesdroitssociaux.gouv.fr !",
    ],
)
def test_no_url_markdown_bullet_or_emoji_is_spoken(text):
    spoken = speak(text)
    assert "http" not in spoken and "www" not in spoken and "/" not in spoken
    assert not re.search(r"[*#•😀\[\]]", spoken)
    assert not re.search(r"(^|\s)[-*]\s", spoken)


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("le RSA", "le R S A."),
        ("la PCH et la MDPH", "la P C H et la M D P H."),
        ("votre EPCI ou le CCAS", "votre E P C I ou le C C A S."),
        ("l'APA, la CAF et l'ADIL", "l'Apa, la Caf et l'Adil."),
    ],
)
def test_acronyms_are_spelled_unless_said_as_words(written, spoken):
    assert speak(written) == spoken


def test_parentheses_and_dashes_become_pauses_and_lines_sentences():
    assert speak("Revenu de solidarité active (RSA) : comment faire\nÀ contacter — la CAF") == (
        "Revenu de solidarité active, R S A : comment faire. À contacter, la Caf."
    )


# --------------------------------------------------------------------------- turns
def test_buttons_become_a_spoken_menu_with_digits(phrases):
    turn = render_turn([answer(1)], phrases)
    assert turn.menu_text == (
        "Pour les conditions, dites conditions ou tapez 1. "
        "Pour faire la demande, dites demande ou tapez 2. "
        "Pour parler à un conseiller, dites conseiller ou tapez 3."
    )
    assert [choice.payload for choice in turn.menu] == ["/ask_conditions", "/ask_demarches", "/ask_human"]


def test_a_long_menu_is_listed_in_one_sentence(phrases, domain):
    turn = render_turn([domain["responses"]["utter_greet"][0]], phrases)
    assert len(turn.menu) == 7
    assert "1 pour le R S A, 2 pour le handicap" in turn.menu_text
    assert "7 pour parler à un conseiller" in turn.menu_text


def test_a_button_caption_is_not_spoken(phrases):
    turn = render_turn(
        [{"text": "Bonjour."}, {"text": "Suite", "buttons": [{"title": "Qui contacter", "payload": "/x"}]}],
        phrases,
    )
    assert turn.text == "Bonjour."
    assert "qui contacter" in turn.menu_text


def test_a_long_answer_stops_after_a_few_items_and_offers_the_rest(phrases):
    turn = render_turn([answer(7)], phrases)
    assert "Condition numéro 3" in turn.text and "Condition numéro 4" not in turn.text
    assert turn.position == 3 and turn.remaining == 4
    assert turn.menu[0].payload == MORE
    assert turn.menu_text.startswith("Pour entendre la suite, dites suite ou tapez 1.")
    assert "Pour les conditions, dites conditions ou tapez 2." in turn.menu_text

    following = render_turn([answer(7)], phrases, start=turn.position)
    assert following.text == "Condition numéro 4. Condition numéro 5. Condition numéro 6."
    assert "qui peut" not in following.text
    last = render_turn([answer(7)], phrases, start=following.position)
    assert last.text == "Condition numéro 7." and last.remaining == 0
    assert all(choice.payload != MORE for choice in last.menu)


def test_a_long_paragraph_is_cut_into_sentences(phrases):
    paragraph = " ".join(f"Phrase numéro {n} qui explique quelque chose d'assez long pour la compter." for n in range(12))
    turn = render_turn([{"text": paragraph}], phrases)
    assert turn.remaining > 0 and len(turn.text) < len(paragraph) / 2


def test_a_handoff_is_said_in_full(phrases):
    numbers = "Si vous êtes en danger, appelez tout de suite :\n" + "\n".join(
        f"- le {number} : service" for number in ["112", "15", "17", "3114", "3919", "119"]
    )
    turn = render_turn([{"text": numbers, "custom": {"handoff": True}}], phrases)
    assert "cent dix-neuf" in turn.text and turn.remaining == 0


def test_details_are_offered_by_sms_only_when_possible(phrases):
    with_link = {"text": "Demande sur https://www.caf.fr/rsa.", "buttons": answer(1)["buttons"]}
    offered = render_turn([with_link], phrases, sms_available=True)
    assert offered.menu[0] == MenuChoice(SMS, "un SMS", "oui")
    assert "par S M S : dites oui, ou tapez 1." in offered.menu_text
    assert "Pour les conditions, dites conditions ou tapez 2." in offered.menu_text
    assert "https://www.caf.fr/rsa" in offered.details and "http" not in offered.speech

    assert not render_turn([with_link], phrases).offers_sms
    assert not render_turn([{"text": "Bonjour."}], phrases, sms_available=True).offers_sms
    question = {"text": "Voir https://x.fr. Voulez-vous être rappelé ?",
                "buttons": [{"title": "Oui", "payload": "/affirm"}, {"title": "Non", "payload": "/deny"}]}
    assert not render_turn([question], phrases, sms_available=True).offers_sms


def test_a_yes_no_question_is_answered_by_oui_or_non(phrases):
    turn = render_turn(
        [{"text": "Voulez-vous qu'un conseiller vous rappelle ?",
          "buttons": [{"title": "Oui, être rappelé", "payload": "/request_callback"},
                      {"title": "Non merci", "payload": "/deny"}]}],
        phrases,
    )
    assert turn.menu_text == "Pour être rappelé, dites oui ou tapez 1. Pour refuser, dites non ou tapez 2."
    assert match_choice("oui merci", turn.menu) == 0
    assert match_choice("Non.", turn.menu) == 1


@pytest.mark.parametrize(
    ("said", "index"),
    [("conditions", 1), ("Conditions.", 1), ("deux", 1), ("2", 1), ("la suite", 0), ("suite", 0),
     ("faire la demande", 2), ("je voudrais parler du RSA", None), ("", None), ("neuf", None)],
)
def test_a_menu_choice_can_be_said(phrases, said, index):
    menu = render_turn([answer(7)], phrases).menu
    assert match_choice(said, menu) == index


def test_the_sms_holds_the_text_with_its_links_and_fits():
    body = sms_text("Département :", "Le RSA\n- https://www.caf.fr\n- 03 21 216 216")
    assert body == "Département :\nLe RSA\n- https://www.caf.fr\n- 03 21 216 216"
    long_body = sms_text("Département :", "\n".join(f"- ligne {n} " + "x" * 60 for n in range(60)))
    assert len(long_body) <= 1600


def test_every_phrase_of_the_phone_line_is_a_domain_response(domain):
    source = Path(voice_module.__file__).read_text(encoding="utf-8")
    channel = (Path(voice_module.__file__).parent.parent / "channels" / "twilio_voice.py").read_text(encoding="utf-8")
    used = set(re.findall(r"\"(utter_voice_\w+)\"", source + channel))
    assert used and used <= set(domain["responses"])


def test_the_renderer_knows_no_dispositif(knowledge_base):
    source = Path(voice_module.__file__).read_text(encoding="utf-8")
    named = [record_id for record_id in knowledge_base.dispositifs if re.search(rf"\b{record_id}\b", source)]
    assert named == []
