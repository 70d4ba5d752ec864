from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

PER_PAGE = 25


class _CountedPaginator(Paginator):
    """A Paginator told how to count its rows more cheaply than counting its query."""

    def __init__(self, object_list, per_page, *, count: Callable[[], int]):
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


def paginate(
    request,
    object_list,
    *,
    per_page: int = PER_PAGE,
    param: str = "page",
    count: Callable[[], int] | None = None,
) -> Page:
    """One page of `object_list`; a missing or bad page number gives the nearest page. `count`,
    when given, counts the same rows as `object_list` by a cheaper query."""
    paginator = (
        Paginator(object_list, per_page)
        if count is None
        else _CountedPaginator(object_list, per_page, count=count)
    )
    return paginator.get_page(request.GET.get(param))
