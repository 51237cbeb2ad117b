"""The ranking table of a round as CSV or XLSX (same columns, same order)."""

import csv
import io

from django.utils.translation import gettext as _

from pilots.text import without_control_characters

from . import services
from .models import Round


def ranking_table(round_):
    """Header and rows of the ranking, ready for a spreadsheet."""
    criteria, rows = services.round_results(round_)
    header = [
        _("Rank"),
        _("Unit"),
        _("Experts"),
        _("Aggregate"),
        _("Method"),
        _("Spread"),
        _("Disagreement"),
        _("Below a criterion minimum"),
        _("Decision"),
    ]
    table = []
    for row in rows:
        result = row["result"]
        table.append(
            [
                row["rank"] or "",
                row["submission"].unit.name,
                len(result.totals),
                float(result.value) if result.value is not None else "",
                str(Round.Method(result.method).label),
                float(result.spread) if result.spread is not None else "",
                _("yes") if result.disagreement else "",
                "; ".join(result.below_minimum),
                str(row["decision"].get_outcome_display()) if row["decision"] else "",
            ]
        )
    return header, table


def as_csv(round_):
    header, table = ranking_table(round_)
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 Chinese only with the BOM
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(
        [without_control_characters(value) for value in row] for row in table
    )
    return out.getvalue().encode("utf-8")


def as_xlsx(round_):
    from openpyxl import Workbook

    header, table = ranking_table(round_)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ranking")[:31]
    sheet.append(header)
    for row in table:
        # A spreadsheet cell holds no control characters (openpyxl refuses them).
        sheet.append([without_control_characters(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
