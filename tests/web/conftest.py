"""Browser fixtures: Debian's Chromium driven by Playwright, and the servers it talks to.

* ``browser``: one headless Chromium for the session (``/usr/bin/chromium``, installed by
  ``make system-deps``; Playwright's own browser download is never used).
* ``scripted_assistant``: the web channel in a bare app that answers from a script
  (``tests/web/scripted_assistant.py``), for the protocol and rendering, no model needed.
* ``web_assistant``: the real action server and Rasa server, with a temporary tracker
  store, call-back store and a pinned clock.
* ``chat``: a fresh browser context (empty localStorage) on the chat page; a screenshot of
  the page is saved in ``var/test-artifacts/web/`` when the test ends.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, sync_playwright

from bot.launcher import PROJECT_DIR, Servers
from tests.integration.conftest import MODEL, free_port, local_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_DIR / "var" / "test-artifacts" / "web"
STORAGE_KEY = "pas-de-calais-chat"
REPLY_TIMEOUT_MS = 45_000


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make system-deps` (make test does it)")
    # Playwright gives each launch a new, empty profile directory.
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
    )
    yield browser
    browser.close()


def _wait_for_page(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url}: not ready after {timeout:.0f} s")


@pytest.fixture(scope="session")
def scripted_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the web channel with a scripted assistant behind it."""
    port = free_port()
    log = tmp_path_factory.mktemp("scripted") / "server.log"
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.web.scripted_assistant", "--port", str(port)],
            cwd=PROJECT_DIR,
            env={**os.environ, "PYTHONPATH": str(PROJECT_DIR), "TF_CPP_MIN_LOG_LEVEL": "3"},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_page(f"http://localhost:{port}/webhooks/web/", process, log)
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class WebAssistant:
    """The real servers: their base URL, the pinned clock and the call-back store."""

    def __init__(self, servers: Servers, clock_file: Path, callbacks_url: str) -> None:
        self.url = servers.url
        self.clock_file = clock_file
        self.callbacks_url = callbacks_url

    def set_clock(self, iso_moment: str) -> None:
        self.clock_file.write_text(iso_moment, encoding="utf-8")


@pytest.fixture(scope="session")
def web_assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebAssistant]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does it)")
    directory = tmp_path_factory.mktemp("web-assistant")
    clock_file = directory / "clock"
    callbacks_url = f"sqlite:///{directory / 'callbacks.db'}"
    env = {"ASSISTANT_CLOCK_FILE": str(clock_file), "CALLBACK_DB_URL": callbacks_url}
    with Servers(local_settings(directory, env)) as servers:
        _wait_for_page(f"{servers.url}/webhooks/web/", servers.processes[-1], servers.rasa_log)
        yield WebAssistant(servers, clock_file, callbacks_url)


class ChatPage:
    """The chat page in one browser tab, with the waits a person would do."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.url = f"{base_url}/webhooks/web/"
        self.errors: List[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self) -> "ChatPage":
        self.page.goto(self.url)
        self.wait_connected()
        return self

    def reload(self) -> None:
        self.page.reload()
        self.wait_connected()

    def wait_connected(self) -> None:
        """Wait until the page's socket has its session confirmed by the server."""
        self.page.locator('#chat[data-connection="ready"]').wait_for(state="attached")

    @property
    def input(self) -> Locator:
        return self.page.get_by_label("Votre message")

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator("#messages > li.message.bot:not([data-welcome])")

    @property
    def user_messages(self) -> Locator:
        return self.page.locator("#messages > li.message.user")

    def say(self, text: str) -> List[Locator]:
        """Type ``text``, press Enter, and return the bot messages of the answer."""
        return self.after(lambda: (self.input.fill(text), self.input.press("Enter")))

    def click_quick_reply(self, title: str) -> List[Locator]:
        return self.after(lambda: self.quick_reply(title).click())

    def click_advisor(self) -> List[Locator]:
        """Click the "Parler à un conseiller" button that stays under the conversation."""
        return self.after(lambda: self.page.locator("#ask-human").click())

    def quick_reply(self, title: str) -> Locator:
        return self.page.locator("#messages .quick-replies").get_by_role(
            "button", name=title, exact=True
        ).last

    def after(self, action: Callable[[], Any]) -> List[Locator]:
        """Do ``action``; return the bot messages that answer it (none new for 1 s)."""
        before = self.bot_messages.count()
        action()
        self.page.wait_for_function(
            "n => document.querySelectorAll("
            "'#messages > li.message.bot:not([data-welcome])').length > n",
            arg=before,
            timeout=REPLY_TIMEOUT_MS,
        )
        count, stable_since = -1, time.monotonic()
        while time.monotonic() - stable_since < 1.0:
            current = self.bot_messages.count()
            if current != count:
                count, stable_since = current, time.monotonic()
            self.page.wait_for_timeout(100)
        return [self.bot_messages.nth(index) for index in range(before, count)]

    def stored(self) -> Dict[str, Any]:
        """What the page keeps in localStorage: session id and displayed messages."""
        return json.loads(self.page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})") or "null")

    def stored_bot_metadata(self) -> List[Dict[str, Any]]:
        return [m.get("custom") or {} for m in self.stored()["messages"] if m["from"] == "bot"]

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def _artefact_name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:120]


def _chat_page(
    browser: Browser, base_url: str, request: pytest.FixtureRequest, viewport: Optional[Dict[str, int]]
) -> Iterator[ChatPage]:
    context = browser.new_context(
        locale="fr-FR", viewport=viewport or {"width": 1024, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT_MS)
    chat = ChatPage(page, base_url)
    try:
        yield chat
        assert not chat.errors, chat.errors
    finally:
        try:
            chat.screenshot(_artefact_name(request))
        finally:
            context.close()


@pytest.fixture
def chat(browser: Browser, web_assistant: WebAssistant, request: pytest.FixtureRequest) -> Iterator[ChatPage]:
    """The chat page of the real assistant, in a fresh browser context."""
    viewport = getattr(request, "param", None)
    yield from _chat_page(browser, web_assistant.url, request, viewport)


@pytest.fixture
def scripted_chat(
    browser: Browser, scripted_assistant: str, request: pytest.FixtureRequest
) -> Iterator[ChatPage]:
    """The chat page of the scripted assistant, in a fresh browser context."""
    yield from _chat_page(browser, scripted_assistant, request, None)
