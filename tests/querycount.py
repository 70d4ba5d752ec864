"""Counting the queries of rendering a page, for the tests that assert those counts stay
constant as data grows."""

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from echo_hub.lib import pagecache


def capture_render(client, url: str, **headers) -> tuple[CaptureQueriesContext, str]:
    """The queries and HTML of rendering `url`: one request first warms the per-process
    caches, then the page cache is emptied so the counted request renders the page rather
    than serving it (tests/lib/test_pagecache.py counts what serving costs)."""
    client.get(url, headers=headers)
    caches[pagecache.CACHE_ALIAS].clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return ctx, response.content.decode()


def sql(*contexts: CaptureQueriesContext) -> str:
    return "\n\n----\n\n".join("\n".join(q["sql"] for q in ctx.captured_queries) for ctx in contexts)
