"""The profitability report's grouped read equals Odoo's; the Odoo internals it uses hold."""
import inspect

from odoo import models

from ..report.crm_profitability_report import ODOO_INTERNALS
from .common import CrmExtendedCase


class TestProfitabilityInternals(CrmExtendedCase):

    def test_the_odoo_internals_used_are_unchanged(self):
        for owner, name, signature in ODOO_INTERNALS:
            self.assertEqual(str(inspect.signature(getattr(owner, name))), signature,
                             "%s.%s changed: review crm.profitability.report.read_group"
                             % (owner.__name__, name))

    def test_read_group_returns_what_odoo_returns(self):
        report = self.env["crm.profitability.report"]
        other = self.env["res.partner"].create({
            "name": "Deco Addict", "is_company": True, "customer": True,
            "customer_group_id": self.env["crm.customer.group"].create({"name": "Retail"}).id})
        self.customer.customer_group_id = self.env["crm.customer.group"].create(
            {"name": "Key Accounts"})
        self.create_invoice(self.customer, [(self.product, 2, 200.0), (self.service, 1, 80.0)])
        self.create_invoice(self.contact, [(self.service, 3, 80.0)], inv_type="out_refund")
        self.create_invoice(other, [(self.product, 1, 190.0)])
        # as the web client asks: in a language, so that translated names are joined
        report = report.with_context(lang="en_US")
        ours_only = [("partner_id", "in", (self.customer | other).ids)]
        measures = ["revenue", "margin", "quantity"]
        cases = [
            (["partner_id", "date:month"], False, ours_only),
            (["date:year", "product_id"], False, ours_only + [("revenue", ">", 0)]),
            (["customer_group_id", "type"], True, ours_only),
            (["product_categ_id", "date:quarter"], True, ours_only),
            (["type"], False, [("partner_id", "=", self.customer.id)]),
        ]
        for groupby, lazy, domain in cases:
            fields_ = measures + [gb.split(":")[0] for gb in groupby]
            ours = report.read_group(domain, fields_, groupby, lazy=lazy)
            odoo = models.BaseModel.read_group(report, domain, fields_, groupby, lazy=lazy)
            self.assertTrue(odoo, groupby)
            self.assertEqual(len(ours), len(odoo), groupby)
            for mine, expected in zip(ours, odoo):
                expected.pop("id", None)
                self.assertEqual(set(mine), set(expected), groupby)
                for key, value in expected.items():
                    if isinstance(value, float):
                        self.assertAlmostEqual(mine[key], value, places=6, msg=key)
                    elif key == "__domain":
                        # the same lines, whatever the form of the domain
                        self.assertEqual(report.search(mine[key]), report.search(value))
                    else:
                        self.assertEqual(mine[key], value, (groupby, key))
