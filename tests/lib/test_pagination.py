"""paginate: one page of a list, counted by the list or by a cheaper count given with it."""

from django.test import RequestFactory

from echo_hub.lib.pagination import paginate


class _Rows(list):
    """A list that says when it is counted, as a queryset's count() would run a query."""

    counted = 0

    def count(self, *args):
        if args:
            return super().count(*args)
        self.counted += 1
        return len(self)


def test_a_given_count_is_asked_once_instead_of_counting_the_list():
    rows, asked = _Rows(range(60)), []

    page = paginate(RequestFactory().get("/?page=2"), rows, per_page=25, count=lambda: asked.append(1) or 60)

    assert list(page) == list(range(25, 50))
    assert (page.paginator.num_pages, page.has_next(), rows.counted, asked) == (3, True, 0, [1])


def test_without_a_count_the_list_counts_itself_and_a_bad_page_gives_the_nearest():
    rows = _Rows(range(60))

    page = paginate(RequestFactory().get("/?page=99"), rows, per_page=25)

    assert (page.number, list(page), rows.counted) == (3, list(range(50, 60)), 1)
