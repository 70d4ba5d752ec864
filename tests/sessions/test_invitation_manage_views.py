"""The coordinator's invitation pages: the pending list, Resend and Revoke."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sessions import invitations as services
from sessions.models import Invitation
from tests.factories import InvitationFactory, UserFactory
from tests.querycount import capture_render, sql
from tests.snapshot import changes_since, snapshot

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request)]


def _url(invitation: Invitation) -> str:
    return reverse("sessions:invitation_accept", args=[invitation.token])


def _unchanged(invitation: Invitation) -> tuple:
    invitation.refresh_from_db()
    return (invitation.token, invitation.accepted_at, invitation.revoked_at, invitation.expires_at)


def test_invitations_page_lists_open_invitations_with_their_dates(client, program, coordinator, invitation):
    InvitationFactory(program=program, email="gone@example.org", revoked_at=timezone.now())
    client.force_login(coordinator)

    response = client.get(reverse("sessions:manage_invitations", args=[program.slug]))

    body = response.content.decode()
    assert response.status_code == 200
    assert '<td data-label="Email" class="text-break">jordan@example.org</td>' in body
    assert '<td data-label="Role">Hub expert</td>' in body
    assert f'<td data-label="Invited by">{coordinator.full_name}</td>' in body
    assert "gone@example.org" not in body


def test_invitations_page_marks_expired_ones(client, program, coordinator, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(coordinator)

    response = client.get(reverse("sessions:manage_invitations", args=[program.slug]))

    assert '<span class="badge badge-status status-expired">Expired</span>' in response.content.decode()


def test_resend_through_the_page_sends_a_new_link(
    client, program, coordinator, invitation, django_capture_on_commit_callbacks
):
    old_url = _url(invitation)
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sessions:manage_invitation_resend", args=[program.slug, invitation.pk])
        )

    invitation.refresh_from_db()
    assert response["Location"] == reverse("sessions:manage_invitations", args=[program.slug])
    assert _messages(response) == [
        "The invitation is sent again to jordan@example.org; the earlier link no longer works."
    ]
    assert [m.to for m in mail.outbox] == [["jordan@example.org"]]
    assert f"http://testserver{_url(invitation)}" in mail.outbox[0].body
    assert client.get(old_url).status_code == 404


def test_revoke_asks_for_confirmation_then_revokes(client, program, coordinator, invitation):
    client.force_login(coordinator)
    url = reverse("sessions:manage_invitation_revoke", args=[program.slug, invitation.pk])

    page = client.get(url)
    not_yet = _unchanged(invitation)[2]
    response = client.post(url)

    invitation.refresh_from_db()
    assert '<h1 class="text-break">Revoke the invitation of jordan@example.org?</h1>' in page.content.decode()
    assert not_yet is None
    assert (invitation.revoked_at is not None, invitation.revoked_by) == (True, coordinator)
    assert _messages(response) == [
        "The invitation of jordan@example.org is revoked: its link no longer works."
    ]


def test_revoke_of_an_accepted_invitation_shows_an_error(client, program, coordinator, invitation, invitee):
    services.accept_invitation(invitation=invitation, user=invitee)
    client.force_login(coordinator)

    response = client.post(reverse("sessions:manage_invitation_revoke", args=[program.slug, invitation.pk]))

    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert _messages(response) == [
        "jordan@example.org already accepted this invitation: remove them from the roster instead."
    ]


@pytest.mark.parametrize("name", ["sessions:manage_invitation_resend", "sessions:manage_invitation_revoke"])
def test_change_of_another_programs_invitation_changes_nothing(
    client, program, coordinator, other_program, name
):
    foreign = InvitationFactory(program=other_program, email="foreign@example.org")
    client.force_login(coordinator)
    before = snapshot()

    responses = [
        client.post(reverse(name, args=[slug, foreign.pk])) for slug in (program.slug, other_program.slug)
    ]

    assert [r.status_code for r in responses] == [404, 404]
    assert mail.outbox == []
    assert changes_since(before) == {}


def test_invitations_page_query_count_is_constant(client, program, coordinator):
    client.force_login(coordinator)
    url = reverse("sessions:manage_invitations", args=[program.slug])
    InvitationFactory(program=program, invited_by=UserFactory(full_name="Dr Inviter"))
    ctx1, body1 = capture_render(client, url)
    for _ in range(2):
        InvitationFactory(program=program, invited_by=UserFactory(full_name="Dr Inviter"))

    ctx3, body3 = capture_render(client, url)

    assert (body1.count("Dr Inviter</td>"), body3.count("Dr Inviter</td>")) == (1, 3)
    assert len(ctx1) == len(ctx3) == 6, sql(ctx1, ctx3)
