import logging

from .attribution_common import AttributionCase

_logger = logging.getLogger(__name__)


class TestAttributionOverhead(AttributionCase):
    """Confirming an order and validating its invoice costs at most 5% more SQL queries
    with the attribution code paths than with them switched off
    (bench/ATTRIBUTION_OVERHEAD.md records the figures)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "crm_extended.mailing_attribution", "True")
        cls.lead = cls.env["crm.lead"].create(dict(
            cls.attribution, name="Fair visitor", type="opportunity",
            partner_id=cls.customer.id))

    def order_to_invoice(self, env, lead):
        """The everyday flow, as a user runs it: chatter tracking on."""
        env = env(context=dict(env.context, tracking_disable=False, mail_create_nolog=False))
        order = env["sale.order"].create({
            "partner_id": self.customer.id, "opportunity_id": lead.id,
            "order_line": [(0, 0, {
                "product_id": self.product.id, "product_uom_qty": 2, "price_unit": 200.0,
                "name": self.product.name, "product_uom": self.product.uom_id.id})],
        })
        order.action_confirm()
        invoice = env["account.invoice"].browse(order.action_invoice_create())
        invoice.action_invoice_open()
        return invoice

    def measure(self, lead):
        """Queries of the flow without, then with the attribution code paths."""
        off_env = self.env(context=dict(self.env.context, crm_extended_no_attribution=True))
        counts = []
        for env in (off_env, self.env):
            self.order_to_invoice(env, lead)  # warm the caches of this path
            self.env["res.users"].invalidate_cache()
            with self.count_queries() as counter:
                invoice = self.order_to_invoice(env, lead)
            counts.append((counter["queries"], invoice))
        (off, plain_invoice), (on, attributed_invoice) = counts
        self.assertFalse(plain_invoice.campaign_id)
        _logger.info("order to posted invoice (%s): %d queries without attribution, %d with "
                     "(+%.1f%%)", lead and "from an opportunity" or "last-touch mailing lookup",
                     off, on, 100.0 * (on - off) / off)
        self.assertLessEqual(on, off * 1.05)
        return attributed_invoice

    def test_order_from_an_opportunity(self):
        self.assertEqual(self.measure(self.lead).campaign_id, self.campaign)

    def test_order_looked_up_in_the_mailings(self):
        # no mailing was sent: the lookup runs and finds nothing
        self.assertFalse(self.measure(self.env["crm.lead"]).campaign_id)
