import io
import json
import re

import xlsxwriter

from odoo import http
from odoo.http import content_disposition, request

# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_pivot_table(table, stream):
    """Writes the pivot table the web client serialises (its exportData()) to ``stream`` as
    an .xlsx workbook: column headers merged over the cells they span, the measures' row,
    then one row per row header with its values."""
    workbook = xlsxwriter.Workbook(stream, {"in_memory": True})
    sheet = workbook.add_worksheet(SHEET_NAME_FORBIDDEN.sub(" ", table["title"] or "")[:31]
                                   or None)
    header = workbook.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
    plain = workbook.add_format({"bg_color": "#D9D9D9"})
    bold = workbook.add_format({"bold": True})

    taken = set()  # cells covered by a header spanning several rows or columns
    for y, header_row in enumerate(table["headers"]):
        sheet.write(y, 0, "", plain)
        x = 1
        for cell in header_row:
            while (y, x) in taken:
                x += 1
            last_row, last_col = y + cell["height"] - 1, x + cell["width"] - 1
            if (last_row, last_col) == (y, x):
                sheet.write(y, x, cell["title"], header)
            else:
                sheet.merge_range(y, x, last_row, last_col, cell["title"], header)
            taken.update((row, col) for row in range(y, last_row + 1)
                         for col in range(x, last_col + 1))
            x = last_col + 1
    y = len(table["headers"])
    if table["nbr_measures"] > 1:
        sheet.write(y, 0, "", plain)
        for x, measure in enumerate(table["measure_row"], start=1):
            sheet.write(y, x, measure["measure"], header if measure["is_bold"] else plain)
        y += 1
    for row in table["rows"]:
        sheet.write(y, 0, "     " * row["indent"] + str(row["title"]), plain)
        for x, cell in enumerate(row["values"], start=1):
            sheet.write(y, x, cell["value"], bold if cell.get("is_bold") else None)
        y += 1
    sheet.set_column(0, 0, 30)
    workbook.close()


class PivotXlsxExport(http.Controller):
    """Pivot tables download as .xlsx (Odoo 11 writes .xls: at most 65,536 rows and 256
    columns); the web client's download button calls this route instead of
    /web/pivot/export_xls (static/src/js/pivot_controller.js)."""

    @http.route("/web/pivot/export_xlsx", type="http", auth="user")
    def export_xlsx(self, data, token):
        table = json.loads(data)
        stream = io.BytesIO()
        write_pivot_table(table, stream)
        return request.make_response(stream.getvalue(), headers=[
            ("Content-Type",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Disposition", content_disposition("%s.xlsx" % (table["title"] or "table"))),
        ], cookies={"fileToken": token})
