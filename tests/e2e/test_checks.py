"""The journeys' guards catch what they are there for: an axe violation, a console error, a 5xx, and
a page visited without the checks. Pages are served by Playwright routes on the live server's
origin, so the app's templates stay out of it."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UNLABELLED = (
    '<!DOCTYPE html><html lang="en"><head><title>Probe</title></head><body><main><h1>Probe</h1>'
    '<form><input type="text" name="who"></form></main></body></html>'
)
CLEAN = (
    '<!DOCTYPE html><html lang="en"><head><title>Probe</title></head><body><main><h1>Probe</h1>'
    "<p>Nothing to see.</p></main></body></html>"
)


def _serve(visitor, path: str, body: str, status: int = 200) -> None:
    visitor.page.route(
        f"{visitor.base_url}{path}",
        lambda route: route.fulfill(status=status, content_type="text/html", body=body),
    )


def test_axe_violations_fail_the_check(open_browser):
    visitor = open_browser("probe")
    _serve(visitor, "/probe/unlabelled/", UNLABELLED)

    with pytest.raises(AssertionError, match=r"critical label: Form elements must have labels"):
        visitor.goto("/probe/unlabelled/", "unlabelled field")


def test_console_errors_and_server_errors_fail_the_check(open_browser):
    visitor = open_browser("probe")
    _serve(visitor, "/probe/clean/", CLEAN)
    visitor.goto("/probe/clean/", "clean page")

    visitor.page.evaluate("() => console.error('boom')")
    with pytest.raises(AssertionError, match=r"browser console errors.*boom"):
        visitor.assert_no_errors("console")

    visitor.console_errors.clear()
    _serve(visitor, "/probe/broken/", CLEAN, status=502)
    with visitor.page.expect_response("**/probe/broken/"):
        visitor.page.evaluate("() => fetch('/probe/broken/')")
    with pytest.raises(AssertionError, match=r"server errors.*502 GET .*/probe/broken/"):
        visitor.assert_no_errors("fetch")


def test_a_page_visited_without_the_checks_fails_the_journey(open_browser):
    visitor = open_browser("probe")
    _serve(visitor, "/probe/clean/", CLEAN)
    visitor.page.goto(visitor.url("/probe/clean/"))

    with pytest.raises(
        AssertionError, match=r"visited without the axe/screenshot check: \['/probe/clean/'\]"
    ):
        visitor.assert_clean()
