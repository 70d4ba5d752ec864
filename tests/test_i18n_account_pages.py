"""The pages of the account, privacy and error slice speak Canadian French to a French speaker:
a visitor who chose French with the switch, or a signed-in person whose profile says French.
allauth's own pages (sign-in, sign-up) use allauth's French catalogue for fr-ca. Each page is
checked for French text and for the absence of English phrases it showed before."""

import html
import io
import json
import zipfile
from pathlib import Path

import polib
import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from echo_hub.accounts.models import Profession
from echo_hub.audit.models import AuditEvent
from echo_hub.notifications.services import unsubscribe_token
from tests.accounts.test_user_sessions import device
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

HTML_FR = '<html lang="fr-ca">'
CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "fr_CA" / "LC_MESSAGES" / "django.po"


def french_visitor(client):
    client.cookies["django_language"] = "fr-ca"
    return client


@pytest.fixture
def french_participant(client, participant):
    participant.language = "fr-ca"
    participant.full_name = "Louise Tremblay"
    participant.save()
    client.force_login(participant)
    return participant


def assert_french(body: str, french: list[str], english: list[str]) -> None:
    assert HTML_FR in body
    assert [phrase for phrase in french if phrase not in body] == []
    assert [phrase for phrase in english if phrase in body] == []


def test_the_404_page_is_in_french_for_a_french_visitor(client):
    response = french_visitor(client).get("/no-such-page/")

    assert response.status_code == 404
    assert_french(
        response.content.decode(),
        [
            "Nous n'avons pas trouvé cette page",
            "Aller à votre tableau de bord",
            "Page introuvable · ECHO Hub",
        ],
        [
            "We couldn&#x27;t find that page",
            "We couldn't find that page",
            "Go to your dashboard",
            "Page not found",
        ],
    )


def test_the_404_page_stays_english_for_an_english_visitor(client):
    body = client.get("/no-such-page/").content.decode()

    assert '<html lang="en-ca">' in body
    assert "We couldn't find that page" in body


def test_the_500_page_is_in_french_and_says_so_in_its_lang():
    with translation.override("fr-ca"):
        body = render_to_string("500.html")

    assert_french(
        body,
        ["Une erreur s'est produite de notre côté", "Retour à ECHO Hub"],
        ["Something went wrong", "Back to ECHO Hub</a>"],
    )


def test_the_home_page_is_in_french_with_french_counts_and_times(client, program):
    SessionFactory(program=program)
    program.default_start_time = program.default_start_time.replace(hour=12, minute=0)
    program.save()

    body = french_visitor(client).get(reverse("home")).content.decode()

    assert_french(
        body,
        [
            "Du mentorat spécialisé pour les soins primaires, où que vous exerciez",
            "Programmes ouverts aux inscriptions",
            "Créer votre compte",
            "1 séance à venir",
            "12 h 00",
        ],
        [
            "Specialist mentoring for primary care",
            "Programs open for enrollment",
            "upcoming session",
            "12:00",
        ],
    )


def test_the_profile_page_its_labels_choices_and_message_are_in_french(client, french_participant):
    page = client.get(reverse("accounts:profile"))

    assert_french(
        page.content.decode(),
        [
            "Votre profil",
            "Connecté en tant que <strong>participant@example.org</strong>.",
            "Identifiants pour les organismes d'agrément",
            "Numéro de membre du CMFC",
            "Médecin de famille",
            "Mois de naissance",
            "janvier",
            "Fuseau horaire",
            "Enregistrer le profil",
        ],
        [
            "Your profile",
            "Signed in as",
            "Identifiers for accreditation bodies",
            "Family physician",
            "Save profile",
        ],
    )

    saved = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Louise Tremblay",
            "profession": Profession.NURSE_PRACTITIONER,
            "organization": "Centre de santé communautaire de Hearst",
            "community_type": "rural",
            "time_zone": "America/Toronto",
            "language": "fr-ca",
        },
        follow=True,
    )
    assert "Votre profil est enregistré." in saved.content.decode()


def test_a_profile_error_is_reported_in_french(client, french_participant):
    page = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Louise Tremblay",
            "profession": Profession.NURSE_PRACTITIONER,
            "organization": "CSC de Hearst",
            "community_type": "rural",
            "time_zone": "America/Toronto",
            "language": "fr-ca",
            "cfpc_number": "12-34",
        },
    )

    body = page.content.decode()
    assert "Veuillez corriger ce problème :" in body
    assert "N&#x27;utilisez que des chiffres, sans espaces ni tirets." in body
    assert "Use digits only" not in body


def test_the_security_page_is_in_french(client, french_participant):
    body = client.get(reverse("accounts:security")).content.decode()

    assert_french(
        body,
        ["Authentification à deux facteurs", "Où vous êtes connecté", "Appareil", "Changer le mot de passe"],
        [
            "Two-factor authentication",
            "Where you are signed in",
            "Sign out all other devices",
            "Change password",
        ],
    )


def test_the_calendar_feed_page_is_in_french(client, french_participant):
    body = client.get(reverse("accounts:calendar")).content.decode()

    assert_french(
        body,
        ["Votre flux de calendrier", "Adresse du flux", "Créer une nouvelle adresse de flux"],
        ["Your calendar feed", "Feed address", "Make a new feed address"],
    )


def test_the_privacy_and_close_account_pages_are_in_french(client, french_participant):
    privacy = client.get(reverse("site:privacy")).content.decode()
    close = client.get(reverse("site:close_account")).content.decode()
    refused = client.post(reverse("site:close_account"), {"password": "not-it", "confirm": "on"})

    assert_french(
        privacy,
        ["Télécharger vos données", "Télécharger mes données (zip)", "Fermer mon compte…"],
        ["Download your data", "Close your account", "Download my data"],
    )
    assert_french(
        close,
        [
            "Fermer votre compte?",
            "Votre mot de passe actuel",
            "Je comprends que je ne pourrai plus me connecter",
        ],
        ["Close your account?", "Your current password", "I understand that", "Keep my account"],
    )
    assert "Ce n&#x27;est pas votre mot de passe actuel." in refused.content.decode()
    french_participant.refresh_from_db()
    assert french_participant.is_active


def test_the_email_preferences_page_is_in_french(client, french_participant):
    body = client.get(reverse("notifications:preferences")).content.decode()

    assert_french(
        body,
        [
            "Choisissez les courriels facultatifs",
            "Rappel la veille de chaque séance",
            "Enregistrer les préférences",
        ],
        ["Choose the optional emails you want", "Reminder the day before each session", "Save preferences"],
    )


def test_the_program_audit_trail_is_in_french(client, coordinator, program):
    coordinator.language = "fr-ca"
    coordinator.save()
    client.force_login(coordinator)
    AuditEvent.objects.create(
        action=AuditEvent.Action.CASE_VIEWED, program=program, actor_email="a@example.org"
    )

    body = client.get(reverse("sessions:manage_audit", args=[program.slug])).content.decode()

    assert_french(
        body,
        [
            "Qui a fait quoi, quand",
            "Télécharger le CSV",
            "Filtrer",
            "Agrément",
            "Cas consulté",
            "Toutes les actions",
        ],
        ["Who did what", "Download CSV", ">Filter<", ">Accreditation<", "Case viewed", "All actions"],
    )


def test_the_unsubscribe_page_names_the_message_in_french(client, french_participant):
    token = unsubscribe_token(user_id=french_participant.pk, kind="session_reminder_24h")

    body = french_visitor(client).get(reverse("notifications:unsubscribe", args=[token])).content.decode()

    assert_french(
        body,
        ["Ne plus recevoir ces courriels?", "<strong>Rappel la veille de chaque séance</strong>"],
        ["Stop these emails?", "Reminder the day before each session"],
    )


@pytest.mark.parametrize(
    ("url_name", "french", "english"),
    [
        (
            "account_login",
            ["Mot de passe", "Se souvenir de moi", "Mot de passe oublié?"],
            ["Remember Me", "Forgot your password?", "oublié ?"],
        ),
        (
            "account_signup",
            ["Mot de passe (confirmation)", "Vous avez déjà un compte?"],
            ["Password (again)", "Already have an account?", "compte ?"],
        ),
        (
            "account_reset_password",
            ["Indiquez votre adresse courriel ci-dessous et nous vous enverrons un courriel"],
            ["Forgotten your password?", "e-mail"],
        ),
    ],
)
def test_allauths_pages_use_its_french_made_canadian_for_fr_ca(client, url_name, french, english):
    """allauth's own fr catalogue serves fr-ca; locale_allauth/ makes it say « courriel »."""
    body = french_visitor(client).get(reverse(url_name)).content.decode()

    assert_french(body, french, english)


def test_the_email_addresses_page_says_courriel(client, french_participant):
    body = client.get(reverse("account_email")).content.decode()

    assert_french(body, ["Adresses courriel", "Ajouter une adresse courriel"], ["Email Addresses", "e-mail"])


def test_the_data_export_names_the_profession_in_the_persons_language(client, french_participant):
    french_participant.profession = Profession.NURSE_PRACTITIONER
    french_participant.save()

    response = client.get(reverse("site:data_export"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    profile = json.loads(archive.read("profile.json"))
    assert profile["profession"] == "Infirmière praticienne ou infirmier praticien (IP)"


def test_the_security_page_names_devices_and_dates_in_french(participant, time_machine):
    time_machine.move_to("2027-01-14 12:00:00-05:00", tick=False)
    participant.language = "fr-ca"
    participant.save()
    firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
    browser = device(participant, firefox, "203.0.113.7")

    body = browser.get(reverse("accounts:security")).content.decode()

    assert_french(
        body,
        ["Firefox sous Windows", "Cet appareil", "jeudi 14 janvier 2027, 12 h 00"],
        ["Firefox on Windows"],
    )


def test_the_site_audit_trail_is_in_french_for_a_french_superuser(client):
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True, language="fr-ca")
    client.force_login(admin)

    body = client.get(reverse("audit:site")).content.decode()

    assert_french(
        body,
        ["Journal d&#x27;audit de tout le carrefour", "connexions et accès refusés", "Filtrer"],
        ["Audit trail of the whole hub", "logins and refused access"],
    )


SLICE_TEMPLATES = ("templates/4", "templates/500", "templates/home", "templates/accounts/", "templates/site/")
SLICE_TEMPLATES += ("templates/audit/", "templates/notifications/", "templates/partials/", "templates/mfa/")


def english_phrases_of_the_slice() -> list[str]:
    """Every English sentence these templates mark, whose French differs: none may show in French."""
    catalogue = polib.pofile(str(CATALOGUE))
    return [
        e.msgid
        for e in catalogue
        if any(path.startswith(SLICE_TEMPLATES) for path, _ in e.occurrences)
        and "%(" not in e.msgid
        and "<" not in e.msgid
        and len(e.msgid.split()) >= 3
        and e.msgstr != e.msgid
    ]


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:profile",
        "accounts:security",
        "accounts:calendar",
        "site:privacy",
        "site:close_account",
        "notifications:preferences",
        "mfa_index",
    ],
)
def test_no_english_sentence_of_the_slice_shows_on_a_french_page(client, french_participant, url_name):
    phrases = english_phrases_of_the_slice()
    body = html.unescape(client.get(reverse(url_name)).content.decode())

    assert len(phrases) > 80
    assert HTML_FR in body
    assert [p for p in phrases if p in body] == []


def test_no_english_sentence_of_the_slice_shows_on_the_french_home_or_404_pages(client, program):
    phrases = english_phrases_of_the_slice()
    french_visitor(client)

    for url in ["/", "/no-such-page/"]:
        body = html.unescape(client.get(url).content.decode())
        assert HTML_FR in body
        assert [p for p in phrases if p in body] == []
