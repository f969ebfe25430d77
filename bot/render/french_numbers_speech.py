"""French number words for the phone line, where a speech synthesiser must not guess.

A synthesiser reads "0321216216" as one huge number and "3114" as "trois mille cent
quatorze"; a caller needs "zéro trois, vingt et un, ..." and "trente et un quatorze".
"""

from __future__ import annotations

from typing import List

UNITS = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize",
]
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_hundred(number: int) -> str:
    if number <= 16:
        return UNITS[number]
    if number < 20:
        return "dix-" + UNITS[number - 10]
    if number < 70:
        tens, unit = divmod(number, 10)
        if unit == 0:
            return TENS[tens]
        if unit == 1:
            return f"{TENS[tens]} et un"
        return f"{TENS[tens]}-{UNITS[unit]}"
    if number < 80:
        return "soixante et onze" if number == 71 else "soixante-" + _below_hundred(number - 60)
    if number == 80:
        return "quatre-vingts"
    return "quatre-vingt-" + _below_hundred(number - 80)


def number_words(number: int) -> str:
    """``number`` (0 to 999 999) in French words: 21 -> "vingt et un", 112 -> "cent douze"."""
    if not 0 <= number < 1_000_000:
        raise ValueError(f"{number} is out of range")
    if number < 100:
        return _below_hundred(number)
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        head = "cent" if hundreds == 1 else f"{UNITS[hundreds]} cent{'' if rest else 's'}"
        return f"{head} {_below_hundred(rest)}" if rest else head
    thousands, rest = divmod(number, 1000)
    # "quatre-vingts" and "deux cents" lose their s before "mille".
    head = "mille" if thousands == 1 else f"{number_words(thousands).rstrip('s')} mille"
    return f"{head} {number_words(rest)}" if rest else head


def pair_words(pair: str) -> str:
    """Two digits as a French speaker groups them: "03" -> "zéro trois", "62" -> "soixante-deux"."""
    if pair.startswith("0"):
        return " ".join(UNITS[int(digit)] for digit in pair)
    return number_words(int(pair))


def digits_in_pairs(digits: str) -> List[str]:
    """Digit pairs in words; an odd last digit is read alone."""
    return [pair_words(digits[index : index + 2]) for index in range(0, len(digits), 2)]


def phone_number_words(national: str) -> str:
    """A 10-digit French number, read slowly in pairs with a pause between them.

    >>> phone_number_words("0321216216")
    'zéro trois, vingt et un, vingt et un, soixante-deux, seize'
    """
    return ", ".join(digits_in_pairs(national))


def short_number_words(digits: str) -> str:
    """A short service number: "15" -> "quinze", "112" -> "cent douze", "3114" ->
    "trente et un quatorze" (four digits are said as two pairs)."""
    if len(digits) == 4:
        return " ".join(digits_in_pairs(digits))
    return number_words(int(digits))
