"""ECHO Hub speaks English and Canadian French: the catalogue is complete, each person gets
their own language (their profile when signed in, else the switch's cookie, else the browser),
and the URLs are the same in both."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from echo_hub.accounts.models import User

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
CATALOGUE = BASE_DIR / "locale" / "fr_CA" / "LC_MESSAGES" / "django.po"
FRENCH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "fr-CA,fr;q=0.9,en;q=0.5"}


def test_every_message_of_the_french_catalogue_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy


def test_the_catalogue_holds_every_string_marked_in_the_code(tmp_path):
    """makemessages over a copy of today's code finds no message the committed catalogue lacks."""
    tree = tmp_path / "tree"
    shutil.copytree(
        BASE_DIR,
        tree,
        ignore=shutil.ignore_patterns(
            ".*", "media", "staticfiles", "tests", "__pycache__", "*.mo", "db.sqlite3*"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr_CA", "--no-obsolete", "-v", "0"],
        cwd=tree,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "echo_hub.settings_test"},
        check=True,
        timeout=180,
    )
    fresh = polib.pofile(str(tree / "locale" / "fr_CA" / "LC_MESSAGES" / "django.po"))

    # A string marked in the code but missing from the catalogue comes back untranslated (or as
    # msgmerge's fuzzy guess): run `make messages` and translate it.
    assert [e.msgid for e in fresh if not e.obsolete and not e.translated()] == []


def test_a_french_browser_gets_french_pages_with_the_same_urls(client):
    response = client.get(reverse("sessions:program_list"), **FRENCH_BROWSER)

    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr-ca">' in body
    assert ">Programmes</a>" in body and ">Vérifier une attestation</a>" in body
    assert reverse("sessions:program_list") == "/programs/"


def test_the_switch_is_a_link_for_a_visitor_and_sets_only_the_language_cookie(client):
    english = client.get("/programs/")
    switched = client.get(reverse("accounts:set_language"), {"language": "fr-ca", "next": "/programs/"})
    page = client.get("/programs/")

    link = '<a class="nav-link" lang="fr-ca" href="/account/language/?language=fr-ca&amp;next=/programs/">Français</a>'
    assert link in english.content.decode()
    assert english.cookies == {}  # no CSRF cookie: the anonymous page stays cacheable
    assert (switched.status_code, switched["Location"]) == (302, "/programs/")
    assert switched.cookies["django_language"].value == "fr-ca"
    assert '<html lang="fr-ca">' in page.content.decode()
    back = 'lang="en-ca" href="/account/language/?language=en-ca&amp;next=/programs/">English</a>'
    assert back in page.content.decode()


def test_the_switch_never_sends_anyone_to_another_site(client):
    switched = client.get(
        reverse("accounts:set_language"), {"language": "fr-ca", "next": "https://evil.example"}
    )

    assert switched["Location"] == "/"


def test_a_signed_in_persons_profile_language_wins_over_their_browser(client, participant):
    participant.language = "fr-ca"
    participant.save()
    client.force_login(participant)

    page = client.get("/programs/", HTTP_ACCEPT_LANGUAGE="en-CA,en")

    assert '<html lang="fr-ca">' in page.content.decode()


def test_the_switch_keeps_a_signed_in_persons_choice_on_their_profile(client, participant):
    client.force_login(participant)

    page = client.get("/programs/")
    client.post(reverse("accounts:set_language"), {"language": "fr-ca", "next": "/"})

    participant.refresh_from_db()
    assert participant.language == "fr-ca"
    assert (
        '<button type="submit" name="language" value="fr-ca" class="btn btn-link nav-link" lang="fr-ca">Français</button>'
        in page.content.decode()
    )


def test_the_switch_refuses_a_language_the_site_does_not_speak(client, participant):
    client.force_login(participant)

    client.post(reverse("accounts:set_language"), {"language": "de", "next": "/"})

    participant.refresh_from_db()
    assert participant.language == "en-ca"


def test_a_new_account_speaks_the_language_it_signed_up_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "louise@example.org",
                "password1": "un-long-mot-de-passe-42",
                "password2": "un-long-mot-de-passe-42",
            },
            **FRENCH_BROWSER,
        )

    assert User.objects.get(email="louise@example.org").language == "fr-ca"
    assert EmailAddress.objects.filter(email="louise@example.org").exists()
