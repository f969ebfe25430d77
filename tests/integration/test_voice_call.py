"""Whole phone calls with the real servers, posted exactly as Twilio posts them
(tests/integration/phone_line.py), and the TwiML parsed as XML."""

from __future__ import annotations

import re

import pytest

from tests.integration.phone_line import CALLER, PUBLIC_URL, VOICE

pytestmark = pytest.mark.servers

OPEN = "2026-11-23T10:00:00+01:00"  # a Monday morning
CLOSED = "2026-11-22T10:00:00+01:00"  # a Sunday
HOTLINE_SPOKEN = "zéro trois, vingt et un, vingt et un, soixante-deux, seize"


def assert_spoken_for_the_ear(twiml) -> None:
    assert twiml.says, twiml.xml
    for say in twiml.says:
        assert say.get("language") == "fr-FR" and say.get("voice") == VOICE
        text = say.text or ""
        assert text.strip()
        assert "http" not in text and "www" not in text
        assert not re.search(r"\d{3,}", text.replace("2025", "").replace("2026", "")), text
        assert not re.search(r"[*#•]|(^|\s)- ", text), text


def assert_listening(twiml) -> None:
    gather = twiml.gather
    assert gather is not None, twiml.xml
    assert gather.get("input") == "speech dtmf"
    assert gather.get("language") == "fr-FR"
    assert gather.get("speechTimeout") == "auto"
    assert gather.get("bargeIn") == "true" and gather.get("actionOnEmptyResult") == "true"
    assert gather.get("action").startswith(PUBLIC_URL)
    hints = gather.get("hints").split(", ")
    assert 0 < len(hints) <= 500 and all(len(hint) <= 100 for hint in hints)


def test_a_call_starts_with_a_greeting_that_says_what_the_line_does(phone_line):
    greeting = phone_line.call().start()
    assert_listening(greeting)
    assert_spoken_for_the_ear(greeting)
    assert "Pas-de-Calais" in greeting.said and "R S A" in greeting.said
    assert greeting.digit_for("parler à un conseiller")


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        ("comment demander le RSA", "documents"),
        ("c'est quoi la PCH", "conditions"),
        ("je voudrais une aide pour payer mon permis de conduire", "conditions"),
        ("comment faire du covoiturage pour aller au travail", "conditions"),
        ("mon propriétaire ne veut pas me rendre ma caution", "contact"),
    ],
)
def test_a_whole_call_for_each_headline_topic(phone_line, question, follow_up):
    call = phone_line.call()
    call.start()
    answer = call.say(question)
    assert_listening(answer)
    assert_spoken_for_the_ear(answer)
    assert answer.gather.get("numDigits") == "1"

    following = call.press(answer.digit_for(follow_up))
    assert_listening(following)
    assert_spoken_for_the_ear(following)
    assert following.said != answer.said


def test_numbers_are_read_in_pairs_and_links_as_site_names(phone_line):
    call = phone_line.call()
    call.start()
    answer = call.say("comment demander le RSA")
    assert "caf point fr" in answer.said
    number = call.say("quel est le numéro de la GPS administration")
    assert HOTLINE_SPOKEN in number.said
    assert "216" not in number.said


def test_the_details_are_sent_by_sms_when_the_caller_says_oui(phone_line):
    before = len(phone_line.twilio_api.messages())
    call = phone_line.call()
    call.start()
    answer = call.say("comment demander le RSA")
    assert "par S M S : dites oui" in answer.said

    confirmed = call.say("oui")
    assert_listening(confirmed)
    assert "finit par 78" in confirmed.said
    [sms] = phone_line.twilio_api.messages()[before:]
    assert sms.form["To"] == [CALLER] and sms.form["From"] == ["+33700000000"]
    body = sms.form["Body"][0]
    assert "caf.fr" in body and "RSA" in body and "03 21 216 216" in body


def test_a_person_is_put_through_while_the_hotline_is_open(phone_line):
    phone_line.set_clock(OPEN)
    call = phone_line.call()
    call.start()
    transfer = call.say("je veux parler à quelqu'un")
    assert transfer.dialled == "+33321216216"
    assert transfer.gather is None
    assert_spoken_for_the_ear(transfer)
    assert "Je vous mets en relation" in transfer.said
    assert call.transfer_ended("completed").hangs_up


def test_a_call_back_is_offered_while_the_hotline_is_closed(phone_line):
    phone_line.set_clock(CLOSED)
    call = phone_line.call()
    call.start()
    offer = call.say("je veux parler à quelqu'un")
    assert offer.dialled is None
    assert_listening(offer)
    assert "fermée" in offer.said and "dites oui ou tapez" in offer.said
    form = call.press(offer.digit_for("oui"))
    assert_listening(form)
    assert "nom" in form.said


def test_repeated_silence_ends_the_call_politely(phone_line):
    call = phone_line.call()
    call.start()
    reprompt = call.stay_silent()
    assert_listening(reprompt)
    assert reprompt.said.startswith("Je ne vous ai pas entendu.")
    goodbye = call.stay_silent()
    assert goodbye.hangs_up and goodbye.gather is None
    assert "Au revoir" in goodbye.said


@pytest.mark.parametrize(
    "speech",
    ["", "   ", "zkrr blop fff qwx", "a" * 10_000, "😀😀", "<script>alert(1)</script>", "'; DROP TABLE events; --",
     "\x00\x01\x02"],
)
def test_odd_speech_never_fails(phone_line, speech):
    call = phone_line.call()
    call.start()
    twiml = call.say(speech, confidence="0.12")
    assert_listening(twiml)
    assert twiml.said.strip()


def test_forged_or_unsigned_requests_are_refused(phone_line):
    fields = phone_line.call().fields(SpeechResult="je veux parler à quelqu'un")
    assert phone_line.post(fields, signature="").status_code == 403
    assert phone_line.post(fields, signature="bm90IGEgc2lnbmF0dXJl").status_code == 403
    other_token = phone_line.post(fields, signature=__import__("twilio.request_validator").request_validator
                                  .RequestValidator("wrong-token").compute_signature(PUBLIC_URL, fields))
    assert other_token.status_code == 403
    signed_for_another_url = phone_line.validator.compute_signature(phone_line.local_url, fields)
    assert phone_line.post(fields, signature=signed_for_another_url).status_code == 403
    assert phone_line.post(fields, body=b"\xff\xfe\x00\x01binary", signature="").status_code == 403


def test_a_signed_request_without_a_call_is_refused_cleanly(phone_line):
    assert phone_line.post({"From": CALLER, "SpeechResult": "bonjour"}).status_code == 400
