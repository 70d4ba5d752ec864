from django.core.paginator import Page, Paginator

PER_PAGE = 25


def paginate(request, object_list, *, per_page: int = PER_PAGE, param: str = "page") -> Page:
    """One page of `object_list`; a missing or bad page number gives the nearest page."""
    return Paginator(object_list, per_page).get_page(request.GET.get(param))
