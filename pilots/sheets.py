"""A table of rows written as XLSX or CSV, one row at a time.

The apps' exports (milestones/exports.py, reviews/exports.py) describe a `Table`:
its title, its columns and an iterable of rows, which may be a generator over a
database cursor. `write(table, fmt, out, on_row)` writes it into a binary file
without ever holding its rows: CSV row by row, XLSX through openpyxl's
write-only workbook, which streams each row into its sheet's file. A write-only
sheet cannot be measured afterwards, so each column says its width up front.
"""

import codecs
import csv
import dataclasses
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .text import without_control_characters

TEXT, DATE, DATETIME, NUMBER = "text", "date", "datetime", "number"
FORMATS = ("xlsx", "csv")
# Widths in Latin characters (a CJK character takes two): a date, a date and
# time, a number, or, for text, what the column declares (a long text wraps).
WIDTHS = {DATE: 12, DATETIME: 18, NUMBER: 10}
TEXT_WIDTH = 20
WRAPPED = 60
NUMBER_FORMATS = {DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm"}


@dataclasses.dataclass
class Column:
    header: str
    kind: str = TEXT
    width: int | None = None  # for TEXT; WRAPPED or more wraps its cells

    @property
    def shown_width(self):
        return self.width or WIDTHS.get(self.kind, TEXT_WIDTH)


@dataclasses.dataclass
class Table:
    title: str
    columns: list
    rows: Iterable
    total: int | None = None  # how many rows, when known before they are made


# ------------------------------------------------------------------ CSV


def _csv_value(value, kind):
    if value is None:
        return ""
    if kind == DATETIME:
        return value.strftime("%Y-%m-%d %H:%M")
    if kind == DATE:
        return value.isoformat()
    return without_control_characters(value)


def write_csv(table, out, on_row=None):
    """UTF-8 with the BOM (Excel reads Chinese CSV only with it), row by row."""
    text = codecs.getwriter("utf-8")(out)
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow([column.header for column in table.columns])
    count = 0
    for row in table.rows:
        writer.writerow(
            [
                _csv_value(value, column.kind)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
        count += 1
        if on_row:
            on_row(count)
    return count


# ------------------------------------------------------------------ XLSX


def _cell(sheet, value, column, wrap):
    # A spreadsheet cell holds no control characters (openpyxl refuses them).
    value = without_control_characters(value)
    if value is None or value == "":
        return value
    if column.kind in NUMBER_FORMATS:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMATS[column.kind]
        return cell
    if column.kind == TEXT and column.shown_width >= WRAPPED:
        cell = WriteOnlyCell(sheet, value=value)
        cell.alignment = wrap
        return cell
    return value


def write_xlsx(table, out, on_row=None):
    """One sheet: a bold, frozen, filtered header and the rows, dates as dates."""
    book = Workbook(write_only=True)
    # Excel forbids some characters in sheet titles and caps them at 31.
    sheet = book.create_sheet(
        "".join(c for c in table.title if c not in "[]:*?/\\")[:31]
    )
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, column in enumerate(table.columns, 1):
        sheet.column_dimensions[get_column_letter(n)].width = (
            min(column.shown_width, WRAPPED) + 2
        )
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in table.rows:
        sheet.append(
            [
                _cell(sheet, value, column, wrap)
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
        count += 1
        if on_row:
            on_row(count)
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    book.save(out)
    return count


def write(table, fmt, out, on_row=None):
    """Write `table` into the binary file `out`; returns how many rows."""
    writer = {"xlsx": write_xlsx, "csv": write_csv}[fmt]
    return writer(table, out, on_row)
