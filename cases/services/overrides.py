"""Text the identifier guard flagged and the presenter vouched for ("not an identifier",
with a reason): kept with the case for a coordinator to accept, or to return with the case.
While any is waiting, the case stays between the presenter and the coordinators."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from echo_hub.audit.services import Action, record
from echo_hub.deid import Vouch, find_identifiers, snippet_key

from ..models import Case, IdentifierOverride

STANDING = (IdentifierOverride.Status.PENDING, IdentifierOverride.Status.ACCEPTED)
WAITING = "A coordinator must first check the text the presenter marked as not identifying."


def vouched_keys(case: Case | None) -> dict[str, set[str]]:
    """Per field, the snippet keys vouched for on `case` that still stand (waiting or accepted)."""
    keys: dict[str, set[str]] = {}
    if case is None or case.pk is None:
        return keys
    for field, snippets in case.identifier_overrides.filter(status__in=STANDING).values_list(
        "field", "snippets"
    ):
        keys.setdefault(field, set()).update(snippet_key(s) for s in snippets)
    return keys


def has_waiting_overrides(case: Case) -> bool:
    return case.identifier_overrides.filter(status=IdentifierOverride.Status.PENDING).exists()


def sync_overrides(case: Case, vouches: Mapping[str, Vouch], texts: Mapping[str, str], by) -> int:
    """Keep the case's vouches in step with its text: a new vouch replaces the waiting one of
    its field; a waiting vouch whose text is gone is dropped. Returns how many are new."""
    for override in case.identifier_overrides.filter(status=IdentifierOverride.Status.PENDING):
        found = {snippet_key(f.text) for f in find_identifiers(texts.get(override.field, "") or "")}
        if override.field in vouches or not found & {snippet_key(s) for s in override.snippets}:
            override.delete()
    IdentifierOverride.objects.bulk_create(
        IdentifierOverride(
            case=case,
            field=field,
            snippets=list(vouch.snippets),
            kinds=list(vouch.kinds),
            reason=vouch.reason,
            created_by=by,
        )
        for field, vouch in vouches.items()
    )
    return len(vouches)


@transaction.atomic
def accept_overrides(*, case: Case, by) -> int:
    """A coordinator has read the vouched text and agrees it identifies nobody."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Case.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted case is screened."))
    accepted = case.identifier_overrides.filter(status=IdentifierOverride.Status.PENDING).update(
        status=IdentifierOverride.Status.ACCEPTED, decided_by=by, decided_at=timezone.now()
    )
    if not accepted:
        raise ValidationError(_("Nothing on this case is waiting for your check."))
    record(Action.CASE_OVERRIDES_ACCEPTED, actor=by, obj=case, extra={"accepted": accepted})
    return accepted


def return_overrides(case: Case, by) -> None:
    """The coordinator returned the case: the vouches waiting on it no longer stand."""
    case.identifier_overrides.filter(status=IdentifierOverride.Status.PENDING).update(
        status=IdentifierOverride.Status.RETURNED, decided_by=by, decided_at=timezone.now()
    )
