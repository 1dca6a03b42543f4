"""crm.lead: the contact lists of the lead's email address, and the mailing contacts it makes."""
from odoo import api, models

from .mail_mass_mailing_contact import mailing_lists_field


class CrmLead(models.Model):
    _inherit = "crm.lead"

    mailing_list_ids = mailing_lists_field("lead")

    @api.multi
    def _mailing_contact_values(self):
        """One mailing contact per lead, as Odoo's mass mailing makes them."""
        contacts = self.env["mail.mass_mailing.contact"]
        return [contacts._contact_values(lead.email_from,
                                         lead.contact_name or lead.partner_name or lead.name,
                                         lead.partner_name, lead.country_id, lead.name)
                for lead in self]

    @api.depends("email_from")
    def _compute_mailing_list_ids(self):
        self.env["mail.mass_mailing.contact"]._assign_mailing_lists(self, "email_from")
