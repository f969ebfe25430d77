"""bot.nlu.sms_spelling: what the linear model of the ensemble reads."""

from __future__ import annotations

import pytest

from bot.nlu.intent_ensemble import train_linear_model
from bot.nlu.sms_spelling import spelled_out


@pytest.mark.parametrize(
    "typed, read",
    [
        ("jsuis o RSA", "je suis o rsa"),
        ("chui au chômage", "je suis au chomage"),
        ("cb ça prend ?", "combien ca prend ?"),
        ("c koi les conditions", "c est quoi les conditions"),
        ("jpeu lavoir stp", "je peux lavoir s il te plait"),
        ("DÉMARCHES", "demarches"),
    ],
)
def test_sms_contractions_and_accents_are_written_out(typed: str, read: str):
    assert spelled_out(typed) == read


@pytest.mark.parametrize(
    "text",
    ["c'est pour ma tante", "j'ai 23 ans", "sa fille a 3 ans", "o secours", "qu’il vienne"],
)
def test_ordinary_words_and_elisions_are_kept(text: str):
    assert spelled_out(text) == text.replace("’", "'")


def test_the_linear_model_reads_an_sms_spelling_as_the_words_it_stands_for():
    model = train_linear_model(
        ["je suis au rsa", "je veux passer le permis", "bonjour madame", "merci beaucoup"] * 3,
        ["ask_rsa", "ask_aide_permis", "greet", "thanks"] * 3,
        regularisation=10.0,
    )
    assert list(model.predict(["jsuis au rsa", "jveux passer le permis", "mrc bcp"])) == [
        "ask_rsa",
        "ask_aide_permis",
        "thanks",
    ]
