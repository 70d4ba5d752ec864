"""Write locale_allauth/fr_CA/LC_MESSAGES/django.po: allauth's French catalogue made Canadian
(« courriel » for e-mail, as docs/glossary-fr.md says; no space before « ? » and « ! »).
Only the messages that change are written. Run after upgrading django-allauth:

    .venv/bin/python locale_allauth/build.py && make setup
"""

import re
from pathlib import Path

import allauth
import polib

SOURCE = Path(allauth.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
TARGET = Path(__file__).parent / "fr_CA" / "LC_MESSAGES" / "django.po"
HEADER = (
    "allauth's French (fr), adapted to Canadian French for ECHO Hub: « courriel » for\n"
    "e-mail (docs/glossary-fr.md), no space before « ? » and « ! ». Only the messages that\n"
    "differ from allauth's own are here; this catalogue wins over allauth's, the project's\n"
    "locale/ wins over this one (settings.LOCALE_PATHS). Written by locale_allauth/build.py."
)
# Placeholders such as %(email)s are never touched: "email" after "(" or "{" is left alone.
RULES = [
    (r"adresses? e-mail", lambda m: m.group(0).replace("e-mail", "courriel")),
    (r"Adresses? e-mail", lambda m: m.group(0).replace("e-mail", "courriel")),
    (r"\b([Cc])et e-?mail", lambda m: m.group(1) + "e courriel"),
    (r"\bd['’]e-?mail", lambda m: "de courriel"),
    (r"\b([Ll])['’]e-?mail", lambda m: m.group(1) + "e courriel"),
    (r"\b([Uu])n e-?mail", lambda m: m.group(1) + "n courriel"),
    (r"\bE-mail", lambda m: "Courriel"),
    (r"(?<![({])\be-?mails\b", lambda m: "courriels"),
    (r"(?<![({])\be-?mail\b", lambda m: "courriel"),
    (r"\s+([?!])", lambda m: m.group(1)),
]


def canadian(text: str) -> str:
    for pattern, replace in RULES:
        text = re.sub(pattern, replace, text)
    return text


def build() -> int:
    out = polib.POFile(wrapwidth=79)
    out.header = HEADER
    out.metadata = {
        "Project-Id-Version": "ECHO Hub (allauth overrides)",
        "Language": "fr_CA",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
    for entry in polib.pofile(str(SOURCE)):
        # OAuth scope names ("openid", "email") are literal values, not words.
        if entry.obsolete or "fuzzy" in entry.flags or not entry.translated() or "openid" in entry.msgid:
            continue
        if entry.msgid_plural:
            plural = {k: canadian(v) for k, v in entry.msgstr_plural.items()}
            if plural != entry.msgstr_plural:
                out.append(
                    polib.POEntry(
                        msgid=entry.msgid,
                        msgid_plural=entry.msgid_plural,
                        msgctxt=entry.msgctxt,
                        msgstr_plural=plural,
                        flags=entry.flags,
                    )
                )
        elif (text := canadian(entry.msgstr)) != entry.msgstr:
            out.append(
                polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt, msgstr=text, flags=entry.flags)
            )
    out.save(str(TARGET))
    return len(out)


if __name__ == "__main__":
    print(f"{build()} messages written to {TARGET}")
