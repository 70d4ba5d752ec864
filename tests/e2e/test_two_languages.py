"""One program, two languages: Louise, a French-speaking family physician who attends and presents
a case, and Claire, the English-speaking coordinator, go through the participant, clinician and
coordinator journeys in chromium. Each page is in its reader's language only (`<html lang>`, key
phrases, no English from the catalogue on Louise's pages), clean for axe, fits a phone, and is
photographed at desktop and 390 px into the test's tmp dir; Louise's certificate, letter, .ics and
emails are French, Claire's stay English after Louise has acted."""

import io
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cases.models import Case
from sessions.reminders import send_due_session_reminders
from tests.factories import AttendanceFactory, EnrollmentFactory
from tests.i18n import english_left, visible_text

from . import hub_steps, seed
from .browsing import Visitor, _slug
from .hub_steps import main_text

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 390, "height": 844}
# An instrument's name that the French keeps in English: « Opioid Risk Tool (ORT) ».
KEPT = ("Opioid Risk Tool",)
CASE_TITLE = "Sevrage de l'oxycodone après un accident de travail"
CONCERN = "Homme dans la fin cinquantaine, oxycodone 60 mg deux fois par jour depuis six ans."


def fr(message: str) -> str:
    """The French of a catalogue message, as Louise reads it."""
    with translation.override("fr-ca"):
        return translation.gettext(message)


class Person(Visitor):
    """A Visitor whose every checked page must be in `lang`, photographed at desktop and 390 px."""

    def __init__(self, browser, base_url, *, shots: Path, lang: str, **kwargs):
        # The browser asks for the person's language (Accept-Language): signed out, the login page
        # is already in it; signed in, their profile's language decides.
        super().__init__(browser, base_url, locale="fr-CA" if lang == "fr-ca" else "en-CA", **kwargs)
        self.lang = lang
        self.shots = shots / lang / self.name
        self.shots.mkdir(parents=True, exist_ok=True)

    def check(self, step: str) -> None:
        super().check(step)
        assert self.page.locator("html").get_attribute("lang") == self.lang, (self.path, step)
        body = self.page.content()
        if self.lang == "fr-ca":
            assert [p for p in english_left(body) if p not in KEPT] == [], (self.path, step)
        else:
            # French that only Louise's pages should hold: her language must not leak into Claire's.
            text = visible_text(body)
            for french in ("Tableau de bord", "Programmes", "Séances", "Déconnexion"):
                assert french not in text, (self.path, step, french)
        # The desktop screenshot Visitor.check just took, beside a new one at 390 px.
        name = f"{_slug(self.name)}-{self.steps:02d}-{_slug(step)}"
        shutil.copy(self.folder / f"{name}.png", self.shots / f"{name}-desktop.png")
        original = self.page.viewport_size
        self.page.set_viewport_size(NARROW)
        self.page.screenshot(path=self.shots / f"{name}-390.png", full_page=True)
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{self.path} ({step}) is {width} px wide at 390 px"
        self.page.set_viewport_size(original)

    def sign_in(self, email: str) -> None:
        """The login form by its fields' names: its labels are in the visitor's language."""
        self.goto("/accounts/login/", "login")
        form = self.page.locator("main form").filter(has=self.page.locator("input[name=password]"))
        form.locator("input[name=login]").fill(email)
        form.locator("input[name=password]").fill("correct-horse-battery")
        self.click_and_check(form.locator("button[type=submit]"), "signed in")


@pytest.fixture
def people(browser, live_server, request, tmp_path):
    opened = []

    def open_(name: str, lang: str) -> Person:
        person = Person(
            browser, live_server.url, shots=tmp_path, lang=lang, journey=request.node.name, name=name
        )
        opened.append(person)
        return person

    yield open_
    for person in opened:
        person.close()


@pytest.fixture
def hub():
    program = seed.hub_program()
    claire = seed.coordinator(program)
    claire.language = "en-ca"
    claire.save(update_fields=["language"])
    seed.expert(program)
    louise = seed.person(
        "louise@example.org", full_name="Louise Tremblay", credentials="MD", language="fr-ca"
    )
    EnrollmentFactory(program=program, user=louise)
    past = seed.session_at(
        program, starts_in=-timedelta(days=1), title="Semaine 1", didactic_topic="Opioïdes"
    )
    live = seed.session_at(program, starts_in=-timedelta(minutes=5), title="Semaine 2")
    upcoming = seed.session_at(
        program, starts_in=timedelta(days=6), title="Semaine 3", didactic_topic="Sommeil"
    )
    AttendanceFactory(session=past, user=louise, minutes=105)
    return program, past, live, upcoming


def _pdf_text(download) -> str:
    pdf = download.path().read_bytes()
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def _louise_attends_and_presents(louise: Person, program, past, live, upcoming) -> None:
    page, slug = louise.page, program.slug
    louise.sign_in("louise@example.org")
    louise.goto("/", "tableau de bord")
    assert fr("Dashboard") == "Tableau de bord"
    louise.goto(reverse("sessions:program_detail", args=[slug]), "programme")
    louise.goto(reverse("sessions:session_detail", args=[slug, upcoming.pk]), "séance à venir")
    ics = louise.download(page.get_by_role("link", name=fr("Add to calendar (.ics)")))
    body = " ".join(ics.path().read_text(encoding="utf-8").replace("\r\n ", "").split())
    assert f"SUMMARY:ECHO : {seed.PROGRAM_NAME}" in body and "Présentation didactique : Sommeil" in body

    louise.goto(reverse("sessions:session_detail", args=[slug, live.pk]), "séance en direct")
    louise.context.route("https://video.example.org/**", lambda route: route.abort())
    with page.expect_response(re.compile(r"/join/$")) as joined:
        page.get_by_role("button", name=fr("Join session")).click()
    assert joined.value.headers["location"] == seed.JOIN_URL
    page.wait_for_url(lambda url: not url.startswith(louise.base_url))

    louise.goto(reverse("cpd:transcript"), "relevé de DPC")
    row = page.get_by_role("row").filter(has_text="Semaine 1")
    louise.click_and_check(row.get_by_role("link", name=fr("Fill it now")), "évaluation")
    page.locator("input[name=relevance][value='5']").check()
    page.locator("input[name=quality][value='4']").check()
    page.locator("input[name=objectives_met]").first.check()
    page.locator("textarea[name=commitment_to_change]").fill("Offrir la naloxone à chaque patient.")
    louise.click_and_check(page.get_by_role("button", name=fr("Send evaluation")), "évaluation envoyée")
    assert fr("Thank you for your evaluation.") in main_text(louise)

    # The spoke clinician's journey: a new case, submitted, on its case page.
    louise.goto(reverse("sessions:program_detail", args=[slug]), "programme, encore")
    louise.click_and_check(page.get_by_role("link", name=fr("Present a case")), "nouveau cas")
    form = page.locator("main form").filter(has=page.locator("[name=main_concern]"))
    # The character count under each narrative field is written by a script: French too.
    count = page.locator("#id_main_concern_count").inner_text()
    assert re.fullmatch(r"Il vous reste 4\s000 caractères", count), count
    form.locator("[name=title]").fill(CASE_TITLE)
    form.locator("[name=age_band]").select_option(index=5)
    form.locator("[name=sex_gender]").select_option(index=1)
    form.locator("[name=main_concern]").fill(CONCERN)
    form.locator("[name=question_1]").fill("À quel rythme réduire la dose, et que faire en cas de sevrage?")
    form.locator("[name=consent]").select_option("yes")
    form.locator("[name=attested_deidentified]").check()
    louise.click_and_check(page.get_by_role("button", name=fr("Submit case for screening")), "cas soumis")
    assert fr("Your case is submitted.") in main_text(louise)
    case = Case.objects.get(title=CASE_TITLE)
    louise.goto(reverse("cases:detail", args=[case.pk]), "page du cas")


def _claire_runs_the_program(claire: Person, expert: Visitor, program, past) -> None:
    page, slug = claire.page, program.slug
    claire.sign_in("coord@example.org")
    claire.goto(reverse("sessions:manage_schedule", args=[slug]), "schedule")
    assert "Semaine 3" in main_text(claire)
    claire.goto(reverse("sessions:manage_attendance", args=[slug, past.pk]), "attendance")
    assert page.get_by_label("Louise Tremblay").is_checked()
    claire.click_and_check(page.get_by_role("button", name="Save roster"), "roster saved")

    hub_steps.assign_case(claire, slug, CASE_TITLE, "Semaine 3")
    expert.log_in("expert@example.org")
    hub_steps.write_recommendations(expert, CASE_TITLE, "Réduire de 10 % toutes les 2 à 4 semaines.")
    expert.assert_clean()
    hub_steps.finalize_letter(claire, slug, CASE_TITLE)

    claire.goto(reverse("reports:program", args=[slug]), "report")
    assert "Sessions held" in main_text(claire)
    claire.goto(reverse("cpd:manage_certificates", args=[slug]), "certificates")
    row = page.get_by_role("row").filter(has_text="Semaine 1")
    claire.click_and_check(row.get_by_role("button", name=re.compile("Issue certificates")), "issuing")
    assert re.search(r"[1-9]\d* certificates? issued", main_text(claire)), main_text(claire)
    claire.goto(reverse("cpd:manage_certificates", args=[slug]), "certificates issued")
    assert "Louise Tremblay" in page.locator("main table").last.inner_text()
    claire.assert_clean()


def test_a_french_participant_and_an_english_coordinator_each_in_their_language(people, hub):
    program, past, live, upcoming = hub
    louise = people("louise", "fr-ca")
    _louise_attends_and_presents(louise, program, past, live, upcoming)

    claire = people("claire", "en-ca")
    expert = people("expert", "en-ca")
    _claire_runs_the_program(claire, expert, program, past)

    # Back to Louise: her certificate and her letter, both in French.
    page = louise.page
    louise.goto(reverse("cpd:transcript"), "relevé avec attestation")
    row = page.get_by_role("row").filter(has_text="Semaine 1")
    text = _pdf_text(louise.download(row.get_by_role("link", name=fr("Download PDF"))))
    assert fr("Certificate of Participation") in text and fr("This certifies that") in text, text
    assert "Louise Tremblay" in text and "1,75" in text and "Certificate of" not in text, text
    assert english_left(text) == [], text
    case = Case.objects.get(title=CASE_TITLE)
    louise.goto(reverse("cases:detail", args=[case.pk]), "cas avec lettre")
    letter = _pdf_text(louise.download(page.get_by_role("link", name=fr("Download letter (PDF)"))))
    assert "Réduire de 10 %" in letter and english_left(letter) == [], letter
    louise.assert_clean()

    # Emails and reminders, whoever triggered them, in each reader's language.
    # What Claire's actions sent Louise (her case scheduled, her letter, her certificate): French.
    to_louise = [m for m in mail.outbox if m.to == ["louise@example.org"]]
    assert [m.subject for m in to_louise] == [
        f"Nous avons bien reçu votre cas n° {case.pk}",
        "Votre cas est à l'ordre du jour : Semaine 3",
        f"Les recommandations pour votre cas n° {case.pk} sont prêtes",
        "Votre attestation de DPC est prête",
    ]
    for message in to_louise:
        assert english_left(f"{message.subject}\n{message.body}") == [], message.subject
    # (Semaine 3 took place for Louise's case: the reminder is for the week after.)
    next_week = seed.session_at(program, starts_in=timedelta(days=13), title="Semaine 4")
    mail.outbox.clear()
    send_due_session_reminders(now=next_week.starts_at - timedelta(hours=23))
    by_person = {m.to[0]: m for m in mail.outbox}
    french, english = by_person["louise@example.org"], by_person["coord@example.org"]
    assert french.subject.startswith("Demain : ") and english_left(french.subject + french.body) == []
    assert english.subject == f"Tomorrow: {seed.PROGRAM_NAME} — Semaine 4"
    assert french.subject == f"Demain : {seed.PROGRAM_NAME} — Semaine 4"
