"""The guard's word lists (data/ beside this file; data/README.md says where they come from),
read once, on first use, so importing the guard stays cheap."""

import gzip
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"

# Place classes in places.txt.gz.
SMALL = "S"  # fewer than 20,000 people, a name that is no everyday word: an identifier anywhere
CUED = "A"  # small, but also a word or a person's name ("Hope", "Dryden"): only after a cue
LARGE = "L"  # 20,000 people or more: no identifier on its own
REGION = "R"  # a province, state, country or wide region


@dataclass(frozen=True)
class Lexicon:
    given: frozenset[str]
    strong_given: frozenset[str]
    surnames: frozenset[str]
    strong_surnames: frozenset[str]
    # Place name (lower-case words joined by one space) -> class.
    places: dict[str, str]
    # First word of a place name -> the most words a place starting with it has.
    place_lengths: dict[str, int]
    common: frozenset[str]
    # Lower-case words that are never part of a name (pronouns, headings, drugs, organisations).
    clinical: frozenset[str]
    # Surnames that name a sign, test or disease: a name only after a title.
    eponyms: frozenset[str]


def name_key(word: str) -> str:
    return word.lower().replace("'", "").replace("’", "")


def _rows(filename: str) -> list[str]:
    with gzip.open(_DATA / filename, "rt", encoding="utf-8") as rows:
        return rows.read().splitlines()


def _sections(filename: str) -> dict[str, frozenset[str]]:
    sections: dict[str, set[str]] = {}
    current: set[str] = set()
    for line in (_DATA / filename).read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            current = sections.setdefault(line.strip("[] "), set())
        elif not line.startswith("#"):
            current.update(name_key(word) for word in line.split())
    return {name: frozenset(words) for name, words in sections.items()}


def _classes(filename: str, separator: str | None) -> dict[str, list[str]]:
    classes = {}
    for row in _rows(filename):
        kind, _, keys = row.partition("\t")
        classes[kind] = keys.split(separator)
    return classes


@cache
def lexicon() -> Lexicon:
    names = _classes("names.txt.gz", None)
    strong_given, strong_surnames = frozenset(names["G"]), frozenset(names["S"])
    places: dict[str, str] = {}
    for kind, keys in _classes("places.txt.gz", "|").items():
        places.update(dict.fromkeys(keys, kind))
    place_lengths: dict[str, int] = {}
    for key in places:
        first, _, rest = key.partition(" ")
        if rest:
            place_lengths[first] = max(place_lengths.get(first, 1), rest.count(" ") + 2)
        else:
            place_lengths.setdefault(first, 1)
    clinical = _sections("clinical_words.txt")
    return Lexicon(
        given=strong_given | frozenset(names["g"]),
        strong_given=strong_given,
        surnames=strong_surnames | frozenset(names["s"]),
        strong_surnames=strong_surnames,
        places=places,
        place_lengths=place_lengths,
        common=frozenset(_rows("common_en.txt.gz")),
        clinical=clinical["never"],
        eponyms=clinical["eponym"],
    )
