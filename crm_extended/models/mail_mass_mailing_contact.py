from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index


class MailMassMailingContact(models.Model):
    _inherit = "mail.mass_mailing.contact"

    @api.model_cr
    def init(self):
        # Subscribers are found by email whatever its case: by the attribution of every new
        # order (sale.order._last_touch_mailing) and by the contact lists below.
        create_index(self._cr, "mail_mass_mailing_contact_lower_email_index", self._table,
                     ["lower(email)"])

    # -- sales force automation

    @api.model
    def _lists_by_email(self, emails):
        """{lower-case email: mailing lists of the contacts with that address}, one query."""
        lists = self.env["mail.mass_mailing.list"]
        if not emails:
            return {}
        self.env.cr.execute("""
            SELECT lower(contact.email), array_agg(DISTINCT rel.list_id)
              FROM mail_mass_mailing_contact contact
              JOIN mail_mass_mailing_contact_list_rel rel ON rel.contact_id = contact.id
             WHERE lower(contact.email) IN %s
             GROUP BY lower(contact.email)""", [tuple(emails)])
        return {email: lists.browse(list_ids) for email, list_ids in self.env.cr.fetchall()}

    @api.model
    def _add_to_lists(self, contact_values, lists):
        """Put each address in the lists, reusing the mailing contact that already has it.

        contact_values: [{email, name, company_name, country_id, label}, ...]; an entry
        without an email refuses the whole batch so that nothing is half done."""
        unreachable = [values["label"] for values in contact_values if not values["email"]]
        if unreachable:
            raise UserError(_("These have no email address and cannot join a contact list: "
                              "%s.") % ", ".join(unreachable))
        by_email = {}
        for values in contact_values:
            by_email.setdefault(values["email"].lower(), values)
        existing = self.search([("id", "in", self._contact_ids_by_email(by_email))])
        existing.write({"list_ids": [(4, mailing_list.id) for mailing_list in lists]})
        known = {contact.email.lower() for contact in existing}
        for email, values in by_email.items():
            if email not in known:
                self.create({
                    "email": values["email"], "name": values["name"],
                    "company_name": values["company_name"], "country_id": values["country_id"],
                    "list_ids": [(6, 0, lists.ids)],
                })
        self.env["crm.lead"].invalidate_cache(["mailing_list_ids"])
        self.env["res.partner"].invalidate_cache(["mailing_list_ids"])

    @api.model
    def _contact_ids_by_email(self, emails):
        if not emails:
            return []
        self.env.cr.execute("SELECT id FROM mail_mass_mailing_contact WHERE lower(email) IN %s",
                            [tuple(emails)])
        return [row[0] for row in self.env.cr.fetchall()]
