"""A case's answers as its page, the expert's form beside it and its letter show them: the
sections of the case's own form version, each answer worded for reading."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .definition import (
    ATTACHMENT,
    MEDICATIONS,
    MULTIPLE_CHOICE,
    NUMBER,
    SCORE,
    SINGLE_CHOICE,
    TEXT_TYPES,
    YES_NO,
    shown,
)


@dataclass(frozen=True)
class Answer:
    key: str
    kind: str
    label: str
    value: str  # "" when unanswered
    long: bool = False
    mme: bool = False
    files: tuple = ()


@dataclass(frozen=True)
class AnswerSection:
    title: str
    answers: list[Answer]


def _number(value) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _choice_label(field: dict, value: str) -> str:
    return next((shown(label) for v, label in field["choices"] if v == value), value)


def worded(field: dict, value) -> str:
    """One answer for reading; "" when there is none."""
    kind = field["type"]
    if value is None or value == "" or value == []:
        return ""
    if kind == YES_NO:
        return _("Yes") if value else _("No")
    if kind == SINGLE_CHOICE:
        return _choice_label(field, value)
    if kind == MULTIPLE_CHOICE:
        return ", ".join(_choice_label(field, v) for v in value)
    if kind == SCORE:
        return f"{_number(value)}/{_number(field['max'])}"
    if kind == NUMBER:
        return f"{_number(value)} {field.get('unit') or ''}".strip()
    return str(value)


def answer_value(field: dict, case) -> object:
    if field.get("column"):
        return getattr(case, field["column"])
    return case.answers.get(field["key"])


def answer_sections(
    definition: dict, case, *, answered_only: bool = False, columns: bool = True, attachments=()
) -> list:
    """The case's answers section by section. `columns=False` leaves out the answers kept in
    the pain form's columns (the letter prints those as it always has). `attachments`: the
    case's CaseAttachment rows, when its form has attachment fields."""
    sections = []
    for section in definition.get("sections", ()):
        answers = []
        for field in section.get("fields", ()):
            if field.get("column") and not columns:
                continue
            if field["type"] == ATTACHMENT:
                files = tuple(a for a in attachments if a.field == field["key"])
                if files or not answered_only:
                    names = ", ".join(a.original_name for a in files)
                    answers.append(
                        Answer(field["key"], ATTACHMENT, shown(field["label"]), names, files=files)
                    )
                continue
            if field["type"] == MEDICATIONS:
                answers.append(
                    Answer(field["key"], MEDICATIONS, shown(field["label"]), "", mme=bool(field.get("mme")))
                )
                continue
            value = worded(field, answer_value(field, case))
            if value or not answered_only:
                answers.append(
                    Answer(
                        field["key"], field["type"], shown(field["label"]), value, field["type"] in TEXT_TYPES
                    )
                )
        if answers:
            sections.append(AnswerSection(shown(section["title"]), answers))
    return sections


def answers_text(definition: dict, answers: dict) -> str:
    """The text of the answers kept in Case.answers, for the library's search."""
    parts = []
    for section in definition.get("sections", ()):
        for field in section.get("fields", ()):
            value = answers.get(field["key"])
            if field.get("column") or value in (None, "", []):
                continue
            if field["type"] in TEXT_TYPES or field["type"] in (SINGLE_CHOICE, MULTIPLE_CHOICE):
                parts.append(worded(field, value))
    return "\n".join(parts)
