import pytest
from django.core.exceptions import ValidationError

from echo_hub.lib.text import invisible_characters, normalize_name, validate_visible_text

BIDI_CONTROLS = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
]
OTHER_FORMAT_CHARACTERS = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\U000e0041"]


@pytest.mark.parametrize("char", BIDI_CONTROLS + OTHER_FORMAT_CHARACTERS)
def test_validate_visible_text_refuses_bidi_controls_and_every_format_character(char):
    with pytest.raises(ValidationError) as caught:
        validate_visible_text(f"Nadia{char} Presenter")

    assert caught.value.code == "invisible_characters"
    assert invisible_characters(f"Nadia{char} Presenter") == [char]


def test_validate_visible_text_names_each_character_once_in_order():
    with pytest.raises(ValidationError) as caught:
        validate_visible_text("\u202eNadia\u200b Pre\u202esenter")

    assert caught.value.messages == [
        "This text holds invisible formatting characters (U+202E RIGHT-TO-LEFT OVERRIDE, "
        "U+200B ZERO WIDTH SPACE), which can reverse or hide letters where it is shown or printed. "
        "Retype it without them."
    ]


def test_validate_visible_text_names_a_single_character():
    with pytest.raises(ValidationError) as caught:
        validate_visible_text("Dr. Lee\u2066")

    assert caught.value.messages == [
        "This text holds an invisible formatting character (U+2066 LEFT-TO-RIGHT ISOLATE), which can "
        "reverse or hide letters where it is shown or printed. Retype it without it."
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Hélène Côté-O'Brien",
        "Nguyễn Thị Minh Khai",
        "محمد الأحمد",
        "Łukasz Żółć",
        "Chidi Okafor, MD (CCFP)",
        "",
    ],
)
def test_validate_visible_text_accepts_names_in_any_script(text):
    assert validate_visible_text(text) is None


def test_normalize_name_composes_accents_and_collapses_spaces():
    assert normalize_name("  He\u0301le\u0300ne   Co\u0302te\u0301 \n") == "Hélène Côté"


def test_the_invisible_character_messages_read_in_the_readers_language():
    from django.utils import translation

    from echo_hub.lib.text import TOO_LONG, invisible_characters_problem

    with translation.override("fr-ca"):
        with pytest.raises(ValidationError) as refused:
            validate_visible_text("Dr\u202eA")
        problem = invisible_characters_problem("a\u200bb\u200cc")
        too_long = str(TOO_LONG % {"limit_value": 40, "show_value": 41})

    assert refused.value.messages == [
        "Ce texte contient un caractère de mise en forme invisible (U+202E RIGHT-TO-LEFT OVERRIDE), qui peut "
        "inverser ou masquer des lettres là où il est affiché ou imprimé. Retapez-le sans ce caractère."
    ]
    assert problem.startswith(
        "contient des caractères de mise en forme invisibles (U+200B ZERO WIDTH SPACE, "
    )
    assert too_long == "Limitez ce texte à 40 caractères (il en compte 41)."
