# Billable work on requests: the work lines and the Invoice Work button.
from psycopg2 import errorcodes, OperationalError

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CrmRequest(models.Model):
    _inherit = "crm.request"

    work_ids = fields.One2many("crm.request.work", "request_id", string="Work",
                               groups="base.group_user")
    work_hours = fields.Float(compute="_compute_work", string="Hours Worked",
                              groups="base.group_user")
    work_to_invoice_count = fields.Integer(compute="_compute_work", string="Work to Invoice",
                                           groups="base.group_user")

    @api.depends("work_ids.hours", "work_ids.billable", "work_ids.invoice_id")
    def _compute_work(self):
        for request in self:
            request.work_hours = sum(request.work_ids.mapped("hours"))
            request.work_to_invoice_count = len(request.work_ids.filtered(
                lambda work: work.billable and not work.invoice_id))

    @api.multi
    def action_invoice_work(self):
        """Add the billable work not invoiced yet to a new draft customer invoice, priced
        with the customer's pricelist, linked both ways; open it. The work rows are locked
        first: a second user pressing the button at the same moment is told, not billed
        twice."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        if not partner:
            raise UserError(_("Set the customer of request %s before invoicing its work.")
                            % self.number)
        company_partner = partner.with_context(force_company=self.company_id.id)
        if not company_partner.property_account_receivable_id:
            raise UserError(_("The customer %s has no receivable account: set one on its "
                              "accounting tab before invoicing.") % partner.display_name)
        pricelist = company_partner.property_product_pricelist
        if not pricelist:
            raise UserError(_("The customer %s has no pricelist: set one on its sales tab "
                              "before invoicing.") % partner.display_name)
        works = self._lock_work_to_invoice()
        if not works:
            raise UserError(_("Request %s has no billable work left to invoice.") % self.number)
        invoice = self.env["account.invoice"].create({
            "partner_id": partner.id, "type": "out_invoice", "origin": self.number,
            "name": self.name, "company_id": self.company_id.id,
            "currency_id": pricelist.currency_id.id,
        })
        for work in works:
            values = {"invoice_id": invoice.id}
            if work.hours and work.product_id:
                values["invoice_line_id"] = self._work_invoice_line(
                    invoice, work, work.product_id, work.hours, pricelist).id
            if work.material_qty and work.material_product_id:
                values["material_invoice_line_id"] = self._work_invoice_line(
                    invoice, work, work.material_product_id, work.material_qty, pricelist).id
            # the user may invoice colleagues' work: the link is written past their rule
            work.sudo().write(values)
        invoice.compute_taxes()
        self.message_post(body=_("Work invoiced on the draft invoice %s.")
                          % invoice.display_name, subtype="mail.mt_note")
        return self._document_action(invoice, "account.action_invoice_tree1")

    def _lock_work_to_invoice(self):
        """The billable, not invoiced work of the request, its rows locked for this
        transaction (NOWAIT: whoever comes second is told at once)."""
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute("""
                    SELECT id FROM crm_request_work
                     WHERE request_id = %s AND billable AND invoice_id IS NULL
                       FOR UPDATE NOWAIT
                """, (self.id,))
                ids = [row[0] for row in self.env.cr.fetchall()]
        except OperationalError as error:
            if error.pgcode != errorcodes.LOCK_NOT_AVAILABLE:
                raise
            raise UserError(_("Someone else is invoicing the work of request %s right now; "
                              "try again in a moment.") % self.number)
        works = self.env["crm.request.work"].browse(ids)
        works.invalidate_cache()
        return works.sorted(lambda work: (work.date, work.id))

    def _work_invoice_line(self, invoice, work, product, quantity, pricelist):
        line = self.env["account.invoice.line"].new({
            "invoice_id": invoice.id, "product_id": product.id, "quantity": quantity})
        line._onchange_product_id()
        values = line._convert_to_write(line._cache)
        values.update(
            name="%s - %s: %s" % (self.number, work.name, product.display_name),
            quantity=quantity,
            price_unit=pricelist.get_product_price(
                product, quantity, invoice.partner_id, date=work.date,
                uom_id=values.get("uom_id") or product.uom_id.id),
        )
        return self.env["account.invoice.line"].create(values)

