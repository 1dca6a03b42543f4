import io
import json
import numbers
import re

import xlsxwriter
from werkzeug.exceptions import BadRequest, Forbidden

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request
from odoo.http import serialize_exception as _serialize_exception

# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# What one download may ask for: an .xlsx sheet holds 16,384 columns; rows and header levels
# are kept far below Excel's limits so that a crafted table cannot keep a worker busy (the
# client's own pivot is unusable long before).
PIVOT_MAX_COLUMNS = 16384
PIVOT_MAX_ROWS = 100000
PIVOT_MAX_HEADER_ROWS = 20
PIVOT_MAX_CELLS = 2000000

# Text stays text: a customer's name starting with "=" must not run as a formula in the
# spreadsheet of the staff member who opens it, nor an address become a link.
WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False,
                    "strings_to_urls": False, "strings_to_numbers": False}


def new_workbook(stream):
    """An XlsxWriter workbook that writes every string as text (every spreadsheet of the
    addon starts here)."""
    return xlsxwriter.Workbook(stream, WORKBOOK_OPTIONS)


def write_cell(sheet, row, col, value, cell_format=None):
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return sheet.write_number(row, col, value, cell_format)
    return sheet.write_string(row, col, "" if value in (None, False) else str(value),
                              cell_format)


def _whole(value, minimum):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _unreadable():
    return UserError(_("The pivot table sent for download is not readable."))


def _too_wide():
    return UserError(_("This pivot table has too many columns or header levels to download "
                       "(at most %(columns)d columns and %(levels)d levels). Flip the axes "
                       "or filter further.") % {
        "columns": PIVOT_MAX_COLUMNS, "levels": PIVOT_MAX_HEADER_ROWS})


def check_pivot_table(table):
    """Refuses (UserError) a table whose shape exceeds the bounds above or is malformed."""
    try:
        headers, rows = table["headers"], table["rows"]
        columns = len(table["measure_row"]) + 1
        spans = [(cell["width"], cell["height"]) for header_row in headers
                 for cell in header_row]
        indents = [row["indent"] for row in rows]
        values = sum(len(row["values"]) for row in rows)
    except (KeyError, TypeError):
        raise _unreadable()
    if not (all(_whole(width, 1) and _whole(height, 1) for width, height in spans)
            and all(_whole(indent, 0) for indent in indents)):
        raise _unreadable()
    if (len(headers) > PIVOT_MAX_HEADER_ROWS or columns > PIVOT_MAX_COLUMNS
            or any(width >= PIVOT_MAX_COLUMNS or height > len(headers)
                   for width, height in spans)
            or sum(width * height for width, height in spans)
            > PIVOT_MAX_HEADER_ROWS * PIVOT_MAX_COLUMNS
            or any(indent > PIVOT_MAX_HEADER_ROWS for indent in indents)):
        raise _too_wide()
    if len(rows) > PIVOT_MAX_ROWS or values > PIVOT_MAX_CELLS:
        raise UserError(_("This pivot table has too many rows or cells to download (at "
                          "most %(rows)d rows and %(cells)d cells). Filter further or "
                          "collapse some groups.") % {
            "rows": PIVOT_MAX_ROWS, "cells": PIVOT_MAX_CELLS})


def write_pivot_table(table, stream):
    """Writes the pivot table the web client serialises (its exportData()) to ``stream`` as
    an .xlsx workbook: column headers merged over the cells they span, the measures' row,
    then one row per row header with its values."""
    check_pivot_table(table)
    workbook = new_workbook(stream)
    sheet = workbook.add_worksheet(SHEET_NAME_FORBIDDEN.sub(" ", str(table["title"] or ""))[:31]
                                   or None)
    header = workbook.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
    plain = workbook.add_format({"bg_color": "#D9D9D9"})
    bold = workbook.add_format({"bold": True})

    taken = set()  # cells covered by a header spanning several rows or columns
    for y, header_row in enumerate(table["headers"]):
        write_cell(sheet, y, 0, "", plain)
        x = 1
        for cell in header_row:
            while (y, x) in taken:
                x += 1
            last_row, last_col = y + cell["height"] - 1, x + cell["width"] - 1
            if last_col >= PIVOT_MAX_COLUMNS:
                raise _too_wide()
            if (last_row, last_col) == (y, x):
                write_cell(sheet, y, x, cell["title"], header)
            else:
                sheet.merge_range(y, x, last_row, last_col, "", header)
                write_cell(sheet, y, x, cell["title"], header)
            taken.update((row, col) for row in range(y, last_row + 1)
                         for col in range(x, last_col + 1))
            x = last_col + 1
    y = len(table["headers"])
    if table["nbr_measures"] > 1:
        write_cell(sheet, y, 0, "", plain)
        for x, measure in enumerate(table["measure_row"], start=1):
            write_cell(sheet, y, x, measure["measure"], header if measure["is_bold"] else plain)
        y += 1
    for row in table["rows"]:
        write_cell(sheet, y, 0, "     " * row["indent"] + str(row["title"]), plain)
        for x, cell in enumerate(row["values"], start=1):
            write_cell(sheet, y, x, cell["value"], bold if cell.get("is_bold") else None)
        y += 1
    sheet.set_column(0, 0, 30)
    workbook.close()


class PivotXlsxExport(http.Controller):
    """Pivot tables download as .xlsx (Odoo 11 writes .xls: at most 65,536 rows and 256
    columns); the web client's download button calls this route instead of
    /web/pivot/export_xls (static/src/js/pivot_controller.js). Employees only, by a form
    POST carrying the CSRF token (what the client's get_file sends)."""

    @http.route("/web/pivot/export_xlsx", type="http", auth="user", methods=["POST"])
    def export_xlsx(self, data, token):
        if not request.env.user.has_group("base.group_user"):
            raise Forbidden()
        stream = io.BytesIO()
        try:
            table = json.loads(data)
            write_pivot_table(table, stream)
        except (ValueError, KeyError, TypeError, UserError) as error:
            if not isinstance(error, UserError):
                error = _unreadable()
            # what the client's get_file shows in its error dialog
            return BadRequest(json.dumps({"code": 200, "message": "Odoo Server Error",
                                          "data": _serialize_exception(error)}))
        return request.make_response(stream.getvalue(), headers=[
            ("Content-Type",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Disposition", content_disposition("%s.xlsx" % (table["title"] or "table"))),
        ], cookies={"fileToken": token})
