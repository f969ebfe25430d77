"""Bot messages rewritten for the ear: the one renderer of the phone line.

Generic rules only, nothing here knows a dispositif:

* a link becomes "sur le site service-public point fr" (the SMS carries the link itself);
* no markdown, bullets or emoji; parentheses and dashes become pauses;
* French phone numbers are read slowly in pairs, short service numbers ("le 3114") in
  words, because a synthesiser reads "0321216216" as one huge number;
* dates and hours are said naturally ("1er avril 2025", "8 heures 30");
* acronyms a synthesiser mangles are spelled ("R S A"), those said as words stay words;
* buttons become a short spoken menu with keypad digits;
* a long answer stops after a few items, with "dites suite" (and the SMS) for the rest.

The sentences of the menu and of the offers are domain responses (``utter_voice_*``,
read through ``VoicePhrases``); the tables below are pronunciation rules.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import urlsplit

import yaml

from actions.texts import response_buttons, response_text
from bot.render.french_numbers_speech import phone_number_words, short_number_words
from knowledge.text import fold

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent

# Special menu entries that the channel handles itself.
MORE = "#suite"
SMS = "#sms"

MAX_MENU = 9
FULL_MENU = 4
MAX_ITEMS = 3
ITEMS_BUDGET = 480
LONG_PARAGRAPH = 600
SMS_MAX_CHARACTERS = 1600

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]
# Upper-case words said as words; every other 2-5 letter upper-case word is spelled.
SAID_AS_WORDS = {
    "ADIL", "ANAH", "ANIL", "APA", "CAF", "CALL", "CARMI", "CARSAT", "CESU", "CROUS", "DALO",
    "DILA", "EDEN", "EHPAD", "FACE", "FALC", "GIR", "INSEE", "MOOV", "ONISEP", "OPAH", "PACS",
    "PAEJ", "PIMMS", "PLIE", "RIB", "SAMU", "SMUR", "ULIS", "URSSAF", "VRAC",
}
# Ordinary words written in capitals: said in lower case.
CAPITALISED_WORDS = {
    "AU", "AUX", "AVEC", "DE", "DES", "DU", "EN", "ET", "LA", "LE", "LES", "NON", "OU", "OUI",
    "PAR", "POUR", "SANS", "SUR", "UN", "UNE",
}
SERVICE_NUMBER = r"(?:15|17|18|112|114|115|119|191|196|197|3\d{3})"
NOT_A_PHONE_AFTER = (
    r"(?:[.,]\d|\s*(?:h\b|heures?|ans?\b|jours?|mois|semaines?|euros?|€|%|minutes?|km|"
    + "|".join(MONTHS)
    + r"))"
)
AFFIRMATIONS = {
    "oui", "ouais", "oui merci", "d accord", "ok", "okay", "volontiers", "je veux bien",
    "oui je veux bien", "oui s il vous plait", "oui svp", "avec plaisir", "sms", "par sms",
    "un sms", "envoyez", "envoyez moi", "envoyez le", "envoyez les", "oui envoyez",
}
NEGATIONS = {"non", "non merci", "pas besoin", "ca ira", "non ca ira", "c est bon", "non c est bon"}
MORE_WORDS = {"suite", "la suite", "suivant", "continuer", "continue", "encore", "et apres", "oui la suite"}
DIGIT_WORDS = {
    "un": "1", "une": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6",
    "sept": "7", "huit": "8", "neuf": "9",
}
ARTICLES = re.compile(r"^(?:le|la|les|l'|un|une|des)\s*", re.IGNORECASE)

MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)\s]+)\)")
EMAIL = re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b")
URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"«»]+", re.IGNORECASE)
DOMAIN = re.compile(
    r"(?<![@\w.])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:fr|com|org|net|eu|info)\b(?:/[^\s)»,;]*)?",
    re.IGNORECASE,
)
SITE_BEFORE = re.compile(r"(?:\(|\b(?:site|sur|adresse)\s*:?)\s*$", re.IGNORECASE)
PHONE = re.compile(
    r"(?<![\d+])(?:\+33|0033|0)[\s.\-]?(?:\(0\)[\s.\-]?)?[1-9](?:[\s.\-]?\d){8}(?!\d)"
)
SHORT_NUMBER = re.compile(
    r"\b(le|au|du|composez|appelez|appeler|numéro|numero)(\s+)(" + SERVICE_NUMBER + r")\b"
    r"(?!" + NOT_A_PHONE_AFTER + ")",
    re.IGNORECASE,
)
DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
ROUND_THE_CLOCK = re.compile(r"\b24\s?h\s?/\s?24\b", re.IGNORECASE)
EVERY_DAY = re.compile(r"\b7\s?j\s?/\s?7\b", re.IGNORECASE)
HOUR = re.compile(r"\b([01]?\d|2[0-4])\s?[hH]\s?([0-5]\d)?(?!\w)")
CLOCK = re.compile(r"\b([01]?\d|2[0-4]):([0-5]\d)\b")
CENTS = re.compile(r"\b(\d+),(\d{2})\s+euros\b")
ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
BULLET = re.compile(r"^\s*(?:[-*•–·]|\d{1,2}[.)])\s+")
EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U00002B00-\U00002BFF"
    "\U0000FE00-\U0000FE0F\U0000200D\U000020E3\U0001F1E6-\U0001F1FF]"
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9])")


def _site_words(address: str) -> str:
    """"https://www.service-public.fr/particuliers" -> "service tiret public point fr"."""
    host = urlsplit(address if "//" in address else f"http://{address}").hostname or address
    host = host.lower().removeprefix("www.")
    return host.replace(".", " point ").replace("-", " tiret ")


def _split_trailing_punctuation(address: str) -> Tuple[str, str]:
    trailing = ""
    while address and (address[-1] in ".,;:!?" or (address[-1] == ")" and "(" not in address)):
        trailing = address[-1] + trailing
        address = address[:-1]
    return address, trailing


def _spoken_site(match: "re.Match[str]") -> str:
    address, trailing = _split_trailing_punctuation(match.group(0))
    words = _site_words(address)
    if SITE_BEFORE.search(match.string[: match.start()]):
        return words + trailing
    return f"sur le site {words}{trailing}"


def _spoken_email(match: "re.Match[str]") -> str:
    local = match.group(1).replace(".", " point ").replace("-", " tiret ")
    return f"{local} arobase {_site_words(match.group(2))}"


def _spoken_phone(match: "re.Match[str]") -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return phone_number_words("0" + digits[-9:])


def _spoken_short_number(match: "re.Match[str]") -> str:
    return f"{match.group(1)}{match.group(2)}{short_number_words(match.group(3))}"


def _spoken_date(day: int, month: int, year: str) -> Optional[str]:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]} {year}"


def _spoken_hour(hours: str, minutes: Optional[str]) -> str:
    hour = int(hours)
    spoken = f"{hour} heure{'s' if hour > 1 else ''}"
    return f"{spoken} {int(minutes)}" if minutes and int(minutes) else spoken


def _spoken_acronym(match: "re.Match[str]") -> str:
    word = match.group(0)
    if word in SAID_AS_WORDS:
        return word.capitalize()
    if word in CAPITALISED_WORDS:
        return word.lower()
    return " ".join(word)


def speak(text: str) -> str:
    """One text rewritten for the ear (see the module docstring); lines become sentences."""
    text = EMOJI.sub("", text.replace("’", "'"))
    text = "\n".join(BULLET.sub("", line) for line in text.splitlines())
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"(?<!\w)\*(\S(?:.*?\S)?)\*(?!\w)|`([^`]*)`", lambda m: m.group(1) or m.group(2) or "", text)
    text = re.sub(r"(?m)^\s*(?:#{1,6}|>)\s*", "", text)
    text = EMAIL.sub(_spoken_email, text)
    text = URL.sub(_spoken_site, text)
    text = DOMAIN.sub(_spoken_site, text)
    text = PHONE.sub(_spoken_phone, text)
    text = DATE.sub(lambda m: _spoken_date(int(m.group(1)), int(m.group(2)), m.group(3)) or m.group(0), text)
    text = ISO_DATE.sub(lambda m: _spoken_date(int(m.group(3)), int(m.group(2)), m.group(1)) or m.group(0), text)
    text = ROUND_THE_CLOCK.sub("24 heures sur 24", text)
    text = EVERY_DAY.sub("7 jours sur 7", text)
    text = HOUR.sub(lambda m: _spoken_hour(m.group(1), m.group(2)), text)
    text = CLOCK.sub(lambda m: _spoken_hour(m.group(1), m.group(2)), text)
    text = SHORT_NUMBER.sub(_spoken_short_number, text)
    text = re.sub(r"(\d)\s?€", r"\1 euros", text)
    text = CENTS.sub(r"\1 euros \2", text)
    text = re.sub(r"(\d)\s?%", r"\1 pour cent", text)
    text = re.sub(r"\bn°\s?", "numéro ", text)
    text = text.replace("&", " et ").replace("…", ".")
    text = re.sub(r"\bet/ou\b", "et ou", text)
    text = re.sub(r"(?<=[^\W\d])/(?=[^\W\d])", " ou ", text)
    text = ACRONYM.sub(_spoken_acronym, text)
    text = re.sub(r"\((?:e|s|es|x|ne)\)", "", text)
    text = re.sub(r"[ \t]*\(([^()\n]*)\)", r", \1,", text)
    text = re.sub(r"(\d)[ \t]*[—–][ \t]*(\d)", r"\1 à \2", text)
    text = re.sub(r"[ \t]+[—–-][ \t]+|[ \t]*[—–][ \t]*", ", ", text)
    text = re.sub(r"[«»“”\"*#_|<>\[\]{}→►▶•]", " ", text)
    sentences = [_tidy(line) for line in text.splitlines()]
    return " ".join(sentence for sentence in sentences if sentence)


def _tidy(line: str) -> str:
    """Spaces and punctuation of one line, ending as a sentence."""
    line = re.sub(r"\s+", " ", line).strip()
    line = re.sub(r"\s+([,.])", r"\1", line)
    line = re.sub(r",\s*(?=[,.])", "", line)
    line = re.sub(r",(\s*[;:!?])", r"\1", line)
    line = re.sub(r"([:;])\s*,", r"\1", line)
    line = re.sub(r"\.{2,}", ".", line)
    line = line.strip(" ,;")
    if not re.search(r"\w", line):
        return ""
    return line if line[-1] in ".!?:" else line + "."


def is_caption(text: str) -> bool:
    """A short title carried by a group of buttons ("Suite", "Sujets"), not a sentence."""
    return len(text.split()) <= 3 and not re.search(r"[.!?:]\s*$", text.strip())


# --------------------------------------------------------------------------- phrases
@functools.lru_cache(maxsize=1)
def _project_responses() -> Dict[str, List[Dict[str, Any]]]:
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))
    return dict(domain.get("responses") or {})


class VoicePhrases:
    """The spoken sentences of the phone line, from the domain's responses.

    The model's domain wins; a response it lacks (a model trained before the response was
    added) is read from the project's ``domain.yml``.
    """

    def __init__(self, responses: Optional[Mapping[str, List[Dict[str, Any]]]] = None) -> None:
        self._domain = {"responses": {**_project_responses(), **dict(responses or {})}}

    def text(self, name: str, **values: Any) -> str:
        return response_text(self._domain, name, **values)

    def message(self, name: str, **values: Any) -> Dict[str, Any]:
        """Response ``name`` as a bot message (text and buttons), ready for ``render_turn``."""
        return {"text": self.text(name, **values), "buttons": response_buttons(self._domain, name)}

    def menu_words(self) -> Dict[str, Dict[str, str]]:
        """payload -> {"label", "word"}: how each button is said in a menu."""
        variations = self._domain["responses"].get("utter_voice_menu_words") or [{}]
        return dict(variations[0].get("custom") or {})


# --------------------------------------------------------------------------- turns
@dataclass(frozen=True)
class MenuChoice:
    """One entry of a spoken menu: what it sends, how it is announced, what to say."""

    payload: str
    label: str
    word: str


@dataclass
class SpokenTurn:
    """What the caller hears for one bot turn, and what the channel keeps for the next."""

    text: str
    menu: List[MenuChoice] = field(default_factory=list)
    menu_text: str = ""
    position: int = 0
    remaining: int = 0
    details: str = ""

    @property
    def speech(self) -> str:
        return " ".join(part for part in (self.text, self.menu_text) if part)

    @property
    def offers_sms(self) -> bool:
        return any(choice.payload == SMS for choice in self.menu)


def _choice_for_button(button: Mapping[str, Any], words: Mapping[str, Mapping[str, str]]) -> MenuChoice:
    payload = str(button.get("payload") or "")
    known = words.get(payload) or words.get(payload.split("{")[0]) or {}
    title = re.sub(r"\s*\([^)]*\)", "", str(button.get("title") or "")).strip()
    if known.get("label"):
        label = known["label"]
    else:
        label = title if title[:2].isupper() else title[:1].lower() + title[1:]
    word = known.get("word") or ARTICLES.sub("", label)
    return MenuChoice(payload, label, word)


def _blocks(texts: Sequence[str], shorten: bool) -> List[Tuple[str, str]]:
    """("text" | "item", line) for every line; long paragraphs are cut into sentences."""
    blocks: List[Tuple[str, str]] = []
    for text in texts:
        for line in (line for line in text.splitlines() if line.strip()):
            if BULLET.match(line):
                blocks.append(("item", BULLET.sub("", line)))
            elif shorten and len(line) > LONG_PARAGRAPH:
                sentences = SENTENCE_END.split(line.strip())
                blocks.append(("text", sentences[0]))
                blocks.extend(("item", sentence) for sentence in sentences[1:])
            else:
                blocks.append(("text", line))
    return blocks


def _has_details(texts: Iterable[str]) -> bool:
    """Worth an SMS: a link, an e-mail address or a phone number to keep."""
    return any(URL.search(text) or DOMAIN.search(text) or EMAIL.search(text) or PHONE.search(text) for text in texts)


def _collect(
    messages: Sequence[Mapping[str, Any]],
) -> Tuple[List[str], List[Mapping[str, Any]], bool]:
    """The texts to say, the buttons (each payload once) and whether it is a handoff."""
    texts: List[str] = []
    buttons: List[Mapping[str, Any]] = []
    handoff = False
    for message in messages:
        text = str(message.get("text") or "").strip()
        message_buttons = [
            button for button in (message.get("buttons") or message.get("quick_replies") or [])
            if isinstance(button, Mapping) and button.get("payload")
        ]
        if text and not (message_buttons and is_caption(text)):
            texts.append(text)
        seen = {str(button["payload"]) for button in buttons}
        buttons.extend(button for button in message_buttons if str(button["payload"]) not in seen)
        custom = message.get("custom")
        handoff = handoff or (isinstance(custom, Mapping) and bool(custom.get("handoff")))
    return texts, buttons, handoff


def _select(blocks: Sequence[Tuple[str, str]], start: int, shorten: bool) -> Tuple[List[str], int]:
    """The sentences to say and the number of items said once they are said.

    From the beginning: every text line and the first items (at most ``MAX_ITEMS``, within
    ``ITEMS_BUDGET`` characters). From item ``start`` ("suite"): the next items only.
    """
    spoken: List[str] = []
    item = position = 0
    budget = ITEMS_BUDGET
    stopped = False
    for kind, line in blocks:
        if kind == "item":
            item += 1
            if item <= start:
                continue
        elif start:
            continue
        sentence = speak(line)
        if kind == "item" and shorten:
            said = position - start
            if stopped or said >= MAX_ITEMS or (said and len(sentence) > budget):
                stopped = True
                continue
            budget -= len(sentence)
        if kind == "item":
            position = item
        spoken.append(sentence)
    return spoken, max(position, start)


def render_turn(
    messages: Sequence[Mapping[str, Any]],
    phrases: VoicePhrases,
    *,
    start: int = 0,
    sms_available: bool = False,
) -> SpokenTurn:
    """The spoken form of one bot turn.

    Args:
        messages: the bot's messages of the turn (``text``, ``buttons``, ``custom``).
        phrases: the domain's sentences for menus and offers.
        start: items already said ("dites suite" asks for the next ones from there).
        sms_available: the caller can receive an SMS, so details may be offered by SMS.
    """
    texts, buttons, handoff = _collect(messages)
    # A handoff (emergency numbers, the hotline) is said in full.
    blocks = _blocks(texts, shorten=not handoff)
    spoken, position = _select(blocks, start, shorten=not handoff)
    remaining = sum(1 for kind, _ in blocks if kind == "item") - position

    yes_no = any(str(button["payload"]).split("{")[0] in ("/affirm", "/deny") for button in buttons)
    choices: List[MenuChoice] = []
    if remaining:
        choices.append(MenuChoice(MORE, "la suite", "suite"))
    if sms_available and not yes_no and (remaining or _has_details(texts)):
        choices.append(MenuChoice(SMS, "un SMS", "oui"))
    words = phrases.menu_words()
    choices.extend(_choice_for_button(button, words) for button in buttons)
    choices = choices[:MAX_MENU]

    return SpokenTurn(
        text=" ".join(sentence for sentence in spoken if sentence),
        menu=choices,
        menu_text=menu_speech(choices, phrases, remaining),
        position=position,
        remaining=remaining,
        details="\n".join(texts),
    )


def menu_speech(choices: Sequence[MenuChoice], phrases: VoicePhrases, remaining: int = 0) -> str:
    """The spoken menu, digits in the order said: one sentence per choice, or, past
    ``FULL_MENU`` buttons, the buttons in one list ("1 pour le RSA, 2 pour ...")."""
    sentences = []
    buttons = [(digit, choice) for digit, choice in enumerate(choices, start=1) if choice.payload not in (MORE, SMS)]
    for digit, choice in enumerate(choices, start=1):
        if choice.payload == MORE:
            sentences.append(phrases.text("utter_voice_more", count=remaining, digit=digit))
        elif choice.payload == SMS:
            sentences.append(phrases.text("utter_voice_sms_offer", digit=digit))
        elif len(buttons) <= FULL_MENU:
            sentences.append(
                phrases.text("utter_voice_menu_item", label=choice.label, word=choice.word, digit=digit)
            )
    if len(buttons) > FULL_MENU:
        listed = ", ".join(
            phrases.text("utter_voice_menu_compact_item", digit=digit, label=choice.label)
            for digit, choice in buttons
        )
        sentences.append(phrases.text("utter_voice_menu_compact", choices=listed))
    return speak("\n".join(sentences))


def match_choice(said: str, choices: Sequence[MenuChoice]) -> Optional[int]:
    """The index of the menu choice a caller said ("conditions", "deux", "oui"...), or None."""
    folded = fold(said)
    folded = re.sub(r"^(?:le |la |touche |numero |choix |tapez |je tape )", "", folded)
    digit = DIGIT_WORDS.get(folded, folded)
    if digit.isdigit() and 1 <= int(digit) <= len(choices):
        return int(digit) - 1
    for index, choice in enumerate(choices):
        word = fold(choice.word)
        if folded in (word, fold(choice.label)):
            return index
        if choice.payload == MORE and folded in MORE_WORDS:
            return index
        if (word == "oui" and folded in AFFIRMATIONS) or (word == "non" and folded in NEGATIONS):
            return index
    return None


def sms_text(header: str, details: str, limit: int = SMS_MAX_CHARACTERS) -> str:
    """The SMS: a header and the answer's own text (links and numbers kept), cut to fit."""
    body = f"{header}\n{details.strip()}"
    if len(body) <= limit:
        return body
    cut = body[: limit - 1]
    return cut[: cut.rfind("\n")] if cut.rfind("\n") > limit // 2 else cut + "…"
