import io
import json
import zipfile
from xml.etree import ElementTree

from ..controllers.pivot import write_pivot_table
from .common import CrmExtendedCase, PortalHttpCase

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# What the web client sends for a pivot of revenue and margin by customer group (rows) and
# month (columns): the month header spans two measures, the closing total column spans the
# two header rows.
TABLE = {
    "title": "Customer Profitability",
    "nbr_measures": 2,
    "headers": [
        [{"title": "Total", "width": 4, "height": 1, "expanded": True},
         {"title": "Total", "width": 2, "height": 2}],
        [{"title": "January 2026", "width": 2, "height": 1},
         {"title": "February 2026", "width": 2, "height": 1}],
    ],
    "measure_row": [{"measure": name, "is_bold": index >= 4}
                    for index, name in enumerate(["Revenue", "Margin"] * 3)],
    "rows": [
        {"title": "Total", "indent": 0, "values": [
            {"value": value, "is_bold": True}
            for value in (600.0, 240.0, 80.0, 50.0, 680.0, 290.0)]},
        {"title": "Key Accounts", "indent": 1, "values": [
            {"value": value, "is_bold": False} for value in (600.0, 240.0, "", "", 600.0, 240.0)]},
    ],
}


def read_xlsx(content):
    """({cell reference: value}, [merged ranges]) of the workbook's first sheet."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        strings = [item.findtext(SHEET + "t") for item in
                   ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(SHEET + "si")]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    cells = {}
    for cell in sheet.iter(SHEET + "c"):
        value = cell.findtext(SHEET + "v")
        if value is not None:
            cells[cell.get("r")] = strings[int(value)] if cell.get("t") == "s" else float(value)
    return cells, [merged.get("ref") for merged in sheet.iter(SHEET + "mergeCell")]


class TestPivotXlsxLayout(CrmExtendedCase):

    def test_headers_measures_and_rows_land_in_their_cells(self):
        stream = io.BytesIO()
        write_pivot_table(TABLE, stream)
        cells, merged = read_xlsx(stream.getvalue())
        self.assertEqual(sorted(merged), ["B1:E1", "B2:C2", "D2:E2", "F1:G2"])
        self.assertEqual((cells["B1"], cells["F1"]), ("Total", "Total"))
        # the second header row skips the columns of the total spanning both rows
        self.assertEqual((cells["B2"], cells["D2"]), ("January 2026", "February 2026"))
        self.assertNotIn("F2", cells)
        self.assertEqual([cells[col + "3"] for col in "BCDEFG"], ["Revenue", "Margin"] * 3)
        self.assertEqual(cells["A4"], "Total")
        self.assertEqual([cells[col + "4"] for col in "BCDEFG"],
                         [600.0, 240.0, 80.0, 50.0, 680.0, 290.0])
        self.assertEqual(cells["A5"].strip(), "Key Accounts")
        self.assertEqual((cells["B5"], cells["G5"]), (600.0, 240.0))

    def test_a_title_excel_refuses_still_names_the_sheet(self):
        stream = io.BytesIO()
        write_pivot_table(dict(TABLE, title="Margin [2026] / by group: A*B? a long report name"),
                          stream)
        with zipfile.ZipFile(io.BytesIO(stream.getvalue())) as book:
            workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        name = next(workbook.iter(SHEET + "sheet")).get("name")
        self.assertTrue(name.startswith("Margin"))
        self.assertLessEqual(len(name), 31)
        self.assertFalse(set(name) & set("[]:*?/\\"))


class TestPivotXlsxDownload(PortalHttpCase):

    def test_the_pivot_downloads_as_xlsx(self):
        self.user_manager.password = "crmx_manager"
        self.authenticate("crmx_manager", "crmx_manager")
        response = self.url_open("/web/pivot/export_xlsx", data={
            "data": json.dumps(TABLE), "token": "42", "csrf_token": self.csrf_token()})
        self.assertEqual(response.status_code, 200)
        disposition = response.headers["Content-Disposition"]
        self.assertIn("Customer", disposition)
        self.assertTrue(disposition.endswith(".xlsx"), disposition)
        self.assertEqual(response.cookies.get("fileToken"), "42")
        cells, _merged = read_xlsx(response.content)
        self.assertEqual(cells["G4"], 290.0)

    def test_only_for_users_logged_in(self):
        response = self.url_open("/web/pivot/export_xlsx?data=%7B%7D&token=1",
                                 allow_redirects=False)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/web/login", response.headers["Location"])
