"""How the page shows bot messages, in Chromium, with the scripted assistant's replies."""

from __future__ import annotations

from tests.web.scripted_assistant import MARKUP_TEXT


def test_bot_markup_is_shown_as_text_and_only_http_urls_become_links(scripted_chat):
    chat = scripted_chat.open()
    [answer] = chat.say("html")
    bubble = answer.locator(".bubble")
    first_paragraph = bubble.locator("p").first
    assert first_paragraph.inner_text().startswith(
        '<b>gras</b> <img src=x onerror="window.__xss=1"> <script>window.__xss=1</script>'
    )
    assert chat.page.evaluate("window.__xss") is None
    assert answer.locator("b, img, script").count() == 0

    links = bubble.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "https://exemple.fr/aide?x=1&y=2",
        "https://exemple.fr/a_(b)",
    ]
    for i in range(links.count()):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert "noopener" in links.nth(i).get_attribute("rel")
    assert "javascript:window.__xss=1" in bubble.inner_text()

    assert bubble.locator("ul > li").all_text_contents() == [
        "premier point",
        "second point (voir https://exemple.fr/a_(b) (nouvelle fenêtre))",
    ]
    assert bubble.locator("p").last.inner_text() == "Fin."
    assert MARKUP_TEXT.count("\n") == 5


def test_sources_are_listed_once_each_with_links_and_the_unverified_mark(scripted_chat):
    chat = scripted_chat.open()
    [answer] = chat.say("bonjour")
    sources = answer.locator(".sources li")
    assert sources.all_text_contents() == [
        "Source : Guide public (nouvelle fenêtre) (référence publique, non vérifiée)",
        "Source : Schéma départemental (2017)",
    ]
    assert sources.first.locator("a").get_attribute("href") == "https://exemple.fr/guide"


def test_quick_replies_send_their_payload_and_show_their_title(scripted_chat):
    chat = scripted_chat.open()
    chat.say("bonjour")
    [answer] = chat.click_quick_reply("Suite")
    assert chat.user_messages.last.inner_text().endswith("Suite")
    assert " ".join(answer.text_content().split()).startswith("L'assistant : Vous avez écrit : /suite")
    # Only the latest answer's quick replies are offered.
    assert chat.page.locator("#messages .quick-replies").count() == 1


def test_several_bot_messages_of_one_turn_are_all_shown(scripted_chat):
    chat = scripted_chat.open()
    answers = chat.say("deux messages")
    assert [answer.locator(".bubble p").all_inner_texts() for answer in answers] == [
        ["Premier message."],
        ["Second message.", "Avec un paragraphe."],
    ]


def test_the_typing_indicator_shows_while_waiting(scripted_chat):
    chat = scripted_chat.open()
    typing = chat.page.locator("#typing")
    assert typing.is_hidden()
    chat.page.evaluate(
        "() => { window.__typingSeen = false; new MutationObserver(() => {"
        " if (!document.getElementById('typing').hidden) window.__typingSeen = true; })"
        ".observe(document.getElementById('typing'), {attributes: true}); }"
    )
    chat.say("bonjour")
    assert chat.page.evaluate("window.__typingSeen") is True
    assert typing.is_hidden()


def test_new_conversation_clears_the_history_and_the_session(scripted_chat):
    chat = scripted_chat.open()
    chat.say("bonjour")
    first_session = chat.stored()["sessionId"]
    chat.page.get_by_role("button", name="Nouvelle conversation").click()
    assert chat.bot_messages.count() == 0 and chat.user_messages.count() == 0
    assert chat.stored()["sessionId"] != first_session
    assert chat.stored()["messages"] == []
    assert len(chat.say("bonjour")) == 1
