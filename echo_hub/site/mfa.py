"""Who must sign in with a second factor (settings.MFA_REQUIRED_RULE names this function):
hub staff, i.e. superusers, staff, and anyone approved as a coordinator or hub expert of a
program. The accounts layer enforces it without knowing about programs."""

from echo_hub.accounts.models import User
from sessions.models import Enrollment, Role


def hub_staff_must_use_mfa(user: User) -> bool:
    if user.is_superuser or user.is_staff:
        return True
    return Enrollment.objects.filter(
        user=user, status=Enrollment.Status.APPROVED, role__in=[Role.COORDINATOR, Role.EXPERT]
    ).exists()
