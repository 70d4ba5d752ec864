"""Counting the queries of rendering a page, for the tests that assert those counts stay
constant as data grows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def capture_render(client, url: str, **headers) -> tuple[CaptureQueriesContext, str]:
    """The queries and HTML of rendering `url`, after one request has warmed the
    per-process caches."""
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return ctx, response.content.decode()


def sql(*contexts: CaptureQueriesContext) -> str:
    return "\n\n----\n\n".join("\n".join(q["sql"] for q in ctx.captured_queries) for ctx in contexts)
