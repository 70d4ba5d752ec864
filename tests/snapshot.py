"""Every row of every table a request could write, to show that a refused request wrote
nothing:

    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 404
    assert changes_since(before) == {}

A failure names each table that changed, with the rows that appeared and disappeared (an
updated row is both). Rows are read with plain SQL: the permission matrices take a snapshot
in each of some two thousand tests."""

from django.apps import apps
from django.db import connection

IGNORED_APPS = {
    "audit",  # the audit trail records refusals
    "sessions",  # a signed-in request may save its own Django session
    "usersessions",  # and allauth's record of the device it comes from
}

Snapshot = dict[str, tuple[tuple[str, ...], frozenset[tuple]]]


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in IGNORED_APPS and model._meta.managed
    )


def _frozen(rows: list[tuple]) -> frozenset[tuple]:
    try:
        return frozenset(rows)
    except TypeError:  # a JSON or array column that the driver hands back as a list or a dict
        return frozenset(tuple(repr(v) if isinstance(v, list | dict) else v for v in row) for row in rows)


def snapshot() -> Snapshot:
    rows = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = tuple(column[0] for column in cursor.description)
            rows[table] = (columns, _frozen(cursor.fetchall()))
    return rows


def changes_since(before: Snapshot) -> dict[str, dict[str, list[dict]]]:
    changes = {}
    for table, (columns, rows) in snapshot().items():
        old = before.get(table, (columns, frozenset()))[1]
        if rows != old:
            changes[table] = {
                "added": sorted((dict(zip(columns, row, strict=True)) for row in rows - old), key=str),
                "removed": sorted((dict(zip(columns, row, strict=True)) for row in old - rows), key=str),
            }
    return changes
