"""The row count of every table of the portal's apps, to show that a request
wrote nothing (a GET never writes; a refused POST neither)."""

from django.apps import apps
from django.db import connection

APPS = ["pilots", "plans", "reviews", "milestones", "column"]


def row_counts():
    """{table: rows} of every table of the apps, in one query."""
    tables = sorted(
        model._meta.db_table
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.proxy
    )
    quote = connection.ops.quote_name
    # The table names are the models', never input.
    sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def changed_tables(before, after):
    """The tables whose count changed, with the change."""
    return {t: after[t] - before[t] for t in after if after[t] != before[t]}
