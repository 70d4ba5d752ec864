"""Checks that a page rendered for a French speaker holds no English the catalogue translates.

`english_left(body)` lists every English message of the French catalogue (two words or more,
translated to something else) that still appears in the page's visible text: a string someone
forgot to mark, or a marked one rendered outside the person's language."""

import html
import re
from functools import cache
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "fr_CA" / "LC_MESSAGES" / "django.po"
HTML_FR = '<html lang="fr-ca">'

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


@cache
def _english_phrases() -> tuple[str, ...]:
    phrases = set()
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or not entry.msgstr or entry.msgstr == entry.msgid:
            continue
        # The longest literal part between placeholders stands for the message.
        literal = max(_PLACEHOLDER.split(entry.msgid), key=len)
        literal = " ".join(literal.split()).strip(" .,:;")
        # Two real words: "%(weekday)ss at" leaves "s at", which every "les attestations" holds.
        if _words(literal) >= 2:
            phrases.add(literal)
    return tuple(sorted(phrases, key=len, reverse=True))


def visible_text(body: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())


def english_left(body: str) -> list[str]:
    text = visible_text(body)
    return [phrase for phrase in _english_phrases() if phrase in text]


BRAND = ("ECHO Hub", "Project ECHO", "Mainpro+")


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z]{2,}", text))


def _text_nodes(body: str) -> set[str]:
    nodes = (" ".join(html.unescape(node).split()) for node in _TAG.split(body) if node)
    return {node for node in nodes if _words(node) >= 2}


def same_in_both(english_body: str, french_body: str, data: tuple[str, ...] = ()) -> list[str]:
    """Text of two words or more that reads the same in the English and the French page: a
    string nobody marked. `data` lists what people typed (titles, names), which stays as typed."""
    # _TAG.split keeps the tag names of script/style groups; they are single words and drop out.
    left = []
    for node in _text_nodes(english_body) & _text_nodes(french_body):
        rest = node
        for value in (*BRAND, *data):
            rest = rest.replace(value, " ")
        if _words(rest) >= 2:
            left.append(node)
    return sorted(left)


def assert_french_page(body: str, english_body: str | None = None, data: tuple[str, ...] = ()) -> None:
    """The page is French; given the same page in English, no text reads the same in both."""
    assert HTML_FR in body
    assert english_left(body) == []
    if english_body is not None:
        assert same_in_both(english_body, body, data) == []
