"""OutboxEmail writes the bytes Django's EmailMultiAlternatives writes, but for the parts that
are random in both (boundaries, Message-ID, Date), with less of the standard library's work."""

import email
import re
from email.header import decode_header, make_header
from email.policy import compat32

import pytest
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from hypothesis import given, settings
from hypothesis import strategies as st

from echo_hub.lib.email import QUICK_FOLD, OutboxEmail, encoded_subject

HEADER_NAMES = st.sampled_from(["Subject", "To", "From", "Content-Type", "List-Unsubscribe", "X-A"])
RANDOM_PARTS = [
    (rb"={15}\d{19}==", b"BOUNDARY"),
    (rb"Message-ID: <[^>]+>", b"Message-ID: <ID>"),
    (rb"Date: [^\r\n]+", b"Date: DATE"),
]


def _fixed(raw: bytes) -> bytes:
    for pattern, replacement in RANDOM_PARTS:
        raw = re.sub(pattern, replacement, raw)
    return raw


def _wire(cls, subject: str, body: str = "Hello,\n\nSee you tomorrow.\n") -> bytes:
    message = cls(
        subject=subject,
        body=body,
        from_email="ECHO Hub <no-reply@echo.example>",
        to=["member@clinic.example"],
        headers={"List-Unsubscribe": "<https://echo.example/u/abc/>", "List-Unsubscribe-Post": "One-Click"},
    )
    message.attach_alternative(f"<p>{body}</p>", "text/html")
    message.attach("echo-session-12.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    return message.message().as_bytes(linesep="\r\n")


@pytest.mark.parametrize(
    "subject",
    [
        "Tomorrow: Chronic Pain",
        "Tomorrow: Chronic Pain & Opioid Stewardship — Session 12",
        "Demain : Douleur chronique et gestion des opioïdes — Séance 12 : prise en charge à domicile",
        "A" * 120,
        "",
    ],
)
def test_the_message_is_django_s_but_for_its_random_parts(subject):
    assert _fixed(_wire(OutboxEmail, subject)) == _fixed(_wire(EmailMultiAlternatives, subject))


@settings(max_examples=150, deadline=None)
@given(
    subject=st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=150),
    body=st.text(st.characters(blacklist_categories=["Cs"]), max_size=300),
)
def test_any_subject_and_body_come_out_as_django_writes_them(subject, body):
    assert _fixed(_wire(OutboxEmail, subject, body)) == _fixed(_wire(EmailMultiAlternatives, subject, body))


def test_the_subject_reads_back_as_written():
    subject = "Demain : Douleur chronique — Séance 12"
    parsed = email.message_from_bytes(_wire(OutboxEmail, subject))
    assert str(make_header(decode_header(parsed["Subject"]))) == subject
    assert [part.get_content_type() for part in parsed.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
    ]


def test_a_subject_with_a_line_break_is_refused_as_django_refuses_it():
    for subject in ("Hello\nBcc: everyone@example.org", "Bonjour\r\nBcc: tous@example.org — é"):
        with pytest.raises(BadHeaderError):
            _wire(OutboxEmail, subject)


def test_a_subject_is_encoded_once_however_many_messages_carry_it():
    encoded_subject.cache_clear()
    subject = "Tomorrow: Chronic Pain & Opioid Stewardship — Session 12"
    for _ in range(25):
        _wire(OutboxEmail, subject)
    info = encoded_subject.cache_info()
    assert (info.misses, info.hits) == (1, 24)


def test_the_generator_never_draws_or_checks_a_boundary_of_its_own(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the generator drew a boundary")

    monkeypatch.setattr(email.generator.Generator, "_make_boundary", refuse)
    raw = _wire(OutboxEmail, "Tomorrow")
    boundaries = re.findall(rb'boundary="(={15}\d{19}==)"', raw)
    assert len(boundaries) == len(set(boundaries)) == 2
    assert boundaries[0] not in _wire(OutboxEmail, "Tomorrow")


def _folded(policy, name: str, value: str) -> bytes | type:
    try:
        return policy.clone(linesep="\r\n").fold_binary(name, value)
    except Exception as exc:  # The two must fail alike.
        return type(exc)


@settings(max_examples=3000)
@given(name=HEADER_NAMES, value=st.text(max_size=120))
def test_quick_fold_writes_every_header_as_compat32_does(name, value):
    assert _folded(QUICK_FOLD, name, value) == _folded(compat32, name, value)


@settings(max_examples=3000)
@given(name=HEADER_NAMES, value=st.text(st.characters(max_codepoint=127), max_size=76))
def test_quick_fold_writes_short_ascii_headers_as_compat32_does(name, value):
    # The values its own path takes, and those with a line break that it must leave alone.
    assert _folded(QUICK_FOLD, name, value) == _folded(compat32, name, value)
