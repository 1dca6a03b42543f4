from odoo import api, models

from ..models.sale_order_attribution import UTM_FIELDS


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    @api.multi
    def _create_invoice(self, order, so_line, amount):
        """Down payment invoices carry the order's attribution like the final invoice."""
        invoice = super()._create_invoice(order, so_line, amount)
        orders = self.env["sale.order"]
        if orders._attribution_enabled():
            values = orders._utm_values_from(order, {name: invoice[name] for name in UTM_FIELDS})
            if values:
                invoice.write(values)
        return invoice
