"""The chat page with the real assistant behind it, in headless Chromium.

A screenshot of each test's last state is saved in ``var/test-artifacts/web/``.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.servers

OPEN_MONDAY = "2026-11-23T10:00:00+01:00"
CLOSED_SUNDAY = "2026-11-22T10:00:00+01:00"


def test_an_rsa_question_is_answered_with_its_source_and_quick_replies(chat, web_assistant):
    web_assistant.set_clock(OPEN_MONDAY)
    chat.open()
    answers = chat.say("comment demander le RSA ?")

    answer = answers[0]
    assert "RSA" in answer.locator(".bubble").inner_text()
    sources = answer.locator(".sources li")
    assert sources.count() >= 1
    assert all(text.startswith("Source : ") for text in sources.all_text_contents())
    assert chat.stored_bot_metadata()[0]["dispositif"] == "rsa"

    # Links in an answer open in a new tab and are real http(s) links.
    for link in answer.locator(".bubble a").all():
        assert re.match(r"https?://", link.get_attribute("href") or "")

    quick_replies = chat.page.locator("#messages .quick-replies button")
    assert quick_replies.count() >= 1
    title = quick_replies.first.inner_text()
    follow_up = chat.click_quick_reply(title)
    assert follow_up and chat.user_messages.last.inner_text().endswith(title)
    chat.screenshot("rsa-answer-with-sources", full_page=False)


def test_the_advisor_button_starts_the_human_route(chat, web_assistant):
    web_assistant.set_clock(OPEN_MONDAY)
    chat.open()
    answers = chat.click_advisor()
    text = " ".join(answer.inner_text() for answer in answers)
    assert "03 21 216 216" in text
    assert chat.stored_bot_metadata()[-1]["handoff"] is True


def test_a_call_back_can_be_requested_from_the_page_when_closed(chat, web_assistant):
    from actions.callback_store import CallbackRepository

    web_assistant.set_clock(CLOSED_SUNDAY)
    chat.open()
    offer = chat.click_advisor()
    assert "rouvre" in " ".join(answer.inner_text() for answer in offer)
    asked_name = chat.click_quick_reply("Oui, être rappelé")
    assert "votre nom" in asked_name[-1].inner_text()
    asked_phone = chat.say("Marie Dupont")
    assert "numéro de téléphone" in asked_phone[-1].inner_text()
    wrong = chat.say("12345")
    assert "numéro français valide" in " ".join(answer.inner_text() for answer in wrong)
    asked_subject = chat.say("06 12 34 56 78")
    assert "quel sujet" in asked_subject[-1].inner_text()
    asked_consent = chat.say("ma demande de RSA")
    assert "Acceptez-vous" in asked_consent[-1].inner_text()
    saved = chat.click_quick_reply("Oui, j'accepte")
    assert "vous rappellera" in " ".join(answer.inner_text() for answer in saved)

    requests = CallbackRepository(web_assistant.callbacks_url).list()
    assert [(r.name, r.phone) for r in requests] == [("Marie Dupont", "+33612345678")]


def test_the_conversation_survives_a_reload(chat, web_assistant):
    web_assistant.set_clock(OPEN_MONDAY)
    chat.open()
    chat.say("c'est quoi la PCH ?")
    before_users = chat.user_messages.all_inner_texts()
    before_bots = chat.bot_messages.all_inner_texts()
    session = chat.stored()["sessionId"]

    chat.reload()
    assert chat.user_messages.all_inner_texts() == before_users
    assert chat.bot_messages.all_inner_texts() == before_bots
    assert chat.stored()["sessionId"] == session
    # The server kept the context too: a follow-up is about the PCH.
    chat.say("et il faut quels papiers ?")
    assert chat.stored_bot_metadata()[-1]["dispositif"] == "pch"


def test_markup_typed_by_the_user_is_shown_as_typed_and_runs_nothing(chat, web_assistant):
    web_assistant.set_clock(OPEN_MONDAY)
    chat.open()
    typed = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    chat.say(typed)
    assert chat.user_messages.last.locator(".bubble").inner_text() == typed
    assert chat.page.evaluate("window.__xss") is None
    assert chat.page.locator("#messages img, #messages script").count() == 0


def test_keyboard_only_use(chat, web_assistant):
    web_assistant.set_clock(OPEN_MONDAY)
    chat.open()
    page = chat.page
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    page.locator("#message").focus()
    assert page.evaluate("document.activeElement.id") == "message"
    before = chat.bot_messages.count()
    page.keyboard.type("c'est quoi l'APA")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#messages > li.message.bot:not([data-welcome])').length > n",
        arg=before,
    )
    # Focus is visible: the focused control draws an outline.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_screen_reader_structure(chat, web_assistant):
    chat.open()
    log = chat.page.locator("#messages")
    assert log.get_attribute("aria-live") == "polite"
    assert log.get_attribute("role") == "log"
    assert chat.page.get_by_label("Votre message").count() == 1
    for button in chat.page.locator("button").all():
        assert button.inner_text().strip() or button.get_attribute("aria-label")


@pytest.mark.parametrize("chat", [{"width": 320, "height": 640}], indirect=True)
def test_the_page_works_320_pixels_wide(chat, web_assistant):
    web_assistant.set_clock(OPEN_MONDAY)
    chat.open()
    chat.say("aide pour le permis de conduire")
    scroll_width = chat.page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320
    assert chat.page.locator("#send").is_visible()
    assert chat.page.locator("#ask-human").is_visible()
    chat.screenshot("page-320px")
