from cases.selectors import awaiting_recommendations_count
from sessions.models import Program, Role
from sessions.permissions import can_create_program, navigation_memberships


def navigation(request) -> dict:
    """What the top navigation needs, in one query (two for hub experts)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A view that read the user's enrollments already (the dashboard) leaves them here.
    memberships = getattr(request, "nav_memberships", None)
    if memberships is None:
        memberships, may_create = navigation_memberships(user)
    else:
        may_create = can_create_program(user)
    if user.is_superuser:
        managed = list(Program.objects.order_by("name").values("slug", "name"))
    else:
        managed = [
            {"slug": slug, "name": name} for role, slug, name in memberships if role == Role.COORDINATOR
        ]
    is_expert = any(role == Role.EXPERT for role, _, _ in memberships)
    return {
        "nav_managed_programs": managed,
        "nav_can_create_program": may_create,
        "nav_is_expert": is_expert,
        "nav_review_count": awaiting_recommendations_count(user) if is_expert else 0,
    }
