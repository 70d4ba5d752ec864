"""The messages people may turn off, with the words their preferences page uses.
Every other kind (cancellations, enrollment decisions, letters, certificates) is essential."""

from django.utils.translation import gettext_noop as _

# Marked for translation, kept as English text: pages show them through gettext().
OPTIONAL_KINDS: dict[str, str] = {
    "session_reminder_24h": _("Reminder the day before each session"),
    "session_reminder_1h": _("Reminder one hour before each session"),
    "evaluation_request": _("Request to evaluate a session you attended"),
    "case_presenter_reminder": _("Reminder three days before you present a case"),
    "overdue_recommendations": _(
        "Digest of cases whose recommendations are overdue (hub experts and coordinators)"
    ),
}


def is_optional(kind: str) -> bool:
    return kind in OPTIONAL_KINDS


# allauth's messages (email confirmation and password reset links, sign-in notices) are queued
# as "account:<template>". Their links open an account, so their text is not kept once sent.
ACCOUNT_KIND_PREFIX = "account:"


def is_account_message(kind: str) -> bool:
    return kind.startswith(ACCOUNT_KIND_PREFIX)
