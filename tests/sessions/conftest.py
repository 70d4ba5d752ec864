import pytest

from sessions.models import Role
from tests.factories import InvitationFactory, UserFactory, with_email_address


@pytest.fixture
def invitee(db):
    """Jordan, who signed up with jordan@example.org and confirmed it."""
    return with_email_address(UserFactory(email="jordan@example.org"))


@pytest.fixture
def invitation(program, coordinator):
    """The coordinator's invitation of jordan@example.org as a hub expert."""
    return InvitationFactory(
        program=program, email="jordan@example.org", role=Role.EXPERT, invited_by=coordinator
    )
