"""crm.lead: the contact lists of the lead's email address, and the mailing contacts it makes."""
from odoo import api, fields, models, tools


class CrmLead(models.Model):
    _inherit = "crm.lead"

    mailing_list_ids = fields.Many2many(
        "mail.mass_mailing.list", string="Contact Lists",
        compute="_compute_mailing_list_ids",
        help="Mailing lists holding a contact with the lead's email address.")

    @api.multi
    def _mailing_contact_values(self):
        """One mailing contact per lead, as Odoo's mass mailing makes them."""
        return [{
            "email": (tools.email_split(lead.email_from) or [False])[0],
            "name": lead.contact_name or lead.partner_name or lead.name,
            "company_name": lead.partner_name,
            "country_id": lead.country_id.id,
            "label": lead.name,
        } for lead in self]

    @api.depends("email_from")
    def _compute_mailing_list_ids(self):
        no_list = self.env["mail.mass_mailing.list"]
        emails = {lead: (tools.email_split(lead.email_from) or [""])[0].lower()
                  for lead in self}
        lists = self.env["mail.mass_mailing.contact"]._lists_by_email(
            set(emails.values()) - {""})
        for lead in self:
            lead.mailing_list_ids = lists.get(emails[lead], no_list)
