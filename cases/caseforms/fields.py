"""Small builders for the fields of the built-in templates, so each template reads like the
paper form it comes from."""

from .definition import (
    ATTACHMENT,
    LONG_TEXT,
    MEDICATIONS,
    MULTIPLE_CHOICE,
    NUMBER,
    SCORE,
    SHORT_TEXT,
    SINGLE_CHOICE,
    YES_NO,
)


def _field(kind: str, key: str, label: str, help: str, required: bool, **extra) -> dict:
    return {"key": key, "type": kind, "label": label, "help": help, "required": required, **extra}


def short(key: str, label: str, help: str = "", *, required: bool = False, **extra) -> dict:
    return _field(SHORT_TEXT, key, label, help, required, **extra)


def long(key: str, label: str, help: str = "", *, required: bool = False, **extra) -> dict:
    return _field(LONG_TEXT, key, label, help, required, **extra)


def number(key: str, label: str, *, unit: str = "", min=None, max=None, help: str = "", **extra) -> dict:
    return _field(
        NUMBER, key, label, help, extra.pop("required", False), unit=unit, min=min, max=max, **extra
    )


def score(key: str, label: str, *, instrument: str, min: int, max: int, help: str = "", **extra) -> dict:
    return _field(
        SCORE,
        key,
        label,
        help,
        extra.pop("required", False),
        instrument=instrument,
        min=min,
        max=max,
        **extra,
    )


def single(key: str, label: str, choices: list, help: str = "", *, required: bool = False, **extra) -> dict:
    return _field(SINGLE_CHOICE, key, label, help, required, choices=[list(c) for c in choices], **extra)


def multiple(key: str, label: str, choices: list, help: str = "", *, required: bool = False) -> dict:
    return _field(MULTIPLE_CHOICE, key, label, help, required, choices=[list(c) for c in choices])


def yes_no(key: str, label: str, help: str = "", *, required: bool = False, **extra) -> dict:
    return _field(YES_NO, key, label, help, required, **extra)


def medications(key: str, label: str, *, mme: bool, help: str = "", **extra) -> dict:
    return _field(MEDICATIONS, key, label, help, False, mme=mme, **extra)


def attachment(key: str, label: str, help: str = "", *, required: bool = False) -> dict:
    return _field(ATTACHMENT, key, label, help, required)


def section(title: str, *fields: dict) -> dict:
    return {"title": title, "fields": list(fields)}


def heading(key: str, label: str) -> dict:
    return {"key": key, "label": label}
