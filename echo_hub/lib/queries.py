"""Reading one row by a unique key."""

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def one_or_none(queryset: QuerySet[M]) -> M | None:
    """The row of a query on a unique key (a primary key, a slug, a one-to-one, a member's
    enrollment in a program), or None. QuerySet.first() orders the rows to pick the first
    (by the model's ordering, else the key): an ORDER BY for Django to build and for the
    database to plan and sort, for at most one row. The permission checks of every page read
    their object this way."""
    return next(iter(queryset.order_by()[:1]), None)


def related_or_none(instance: Model, name: str) -> Model | None:
    """The row a one-to-one points at `instance` from (a case's slot or letter), or None: no
    query when `instance` was read with it (select_related), one otherwise. The reverse side
    of a one-to-one raises when there is no row."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None
