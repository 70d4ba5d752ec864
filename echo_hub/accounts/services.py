from django.db import transaction

from .models import User, new_calendar_token


@transaction.atomic
def regenerate_calendar_token(*, user: User) -> str:
    """Give the user a new feed token; the old feed URL stops working at once."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
