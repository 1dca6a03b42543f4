from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from .crm_extended_sql import email_sql, normalize_email

# the index serving every lookup of a subscriber by address
CONTACT_EMAIL_SQL = email_sql("email")


def mailing_lists_field(whose):
    """The mailing_list_ids of a partner or a lead: the lists holding its address
    (computed by _compute_mailing_list_ids, see _assign_mailing_lists); our marketing, not
    the customer's or the reseller's business."""
    return fields.Many2many(
        "mail.mass_mailing.list", string="Contact Lists", compute="_compute_mailing_list_ids",
        help="Mailing lists holding a contact with the %s's email address." % whose,
        groups="base.group_user")


class MailMassMailingContact(models.Model):
    _inherit = "mail.mass_mailing.contact"

    @api.model_cr
    def init(self):
        # Subscribers are found by their normalized address: by the attribution of every new
        # order (sale.order._last_touch_mailing), the contact lists below and the segments.
        self._cr.execute("DROP INDEX IF EXISTS mail_mass_mailing_contact_lower_email_index")
        create_index(self._cr, "mail_mass_mailing_contact_normalized_email_index", self._table,
                     [CONTACT_EMAIL_SQL])

    # -- sales force automation

    @api.model
    def _lists_by_email(self, emails):
        """{normalized email: mailing lists of the contacts with that address}, one query."""
        lists = self.env["mail.mass_mailing.list"]
        if not emails:
            return {}
        self.env.cr.execute("""
            SELECT {email}, array_agg(DISTINCT rel.list_id)
              FROM mail_mass_mailing_contact
              JOIN mail_mass_mailing_contact_list_rel rel
                ON rel.contact_id = mail_mass_mailing_contact.id
             WHERE {email} IN %s
             GROUP BY {email}""".format(email=CONTACT_EMAIL_SQL), [tuple(emails)])
        return {email: lists.browse(list_ids) for email, list_ids in self.env.cr.fetchall()}

    @api.model
    def _assign_mailing_lists(self, records, email_field):
        """Set the computed mailing_list_ids of ``records`` (partners, leads) from the
        address in their ``email_field``, in one query."""
        emails = {record: normalize_email(record[email_field]) for record in records}
        lists = self._lists_by_email(set(emails.values()) - {""})
        for record in records:
            record.mailing_list_ids = lists.get(emails[record], self.env["mail.mass_mailing.list"])

    @api.model
    def _contact_values(self, email, name, company_name, country, label):
        """The values of a mailing contact made from a partner or a lead."""
        return {"email": normalize_email(email) or False, "name": name,
                "company_name": company_name or False, "country_id": country.id,
                "label": label}

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
            by_email.setdefault(normalize_email(values["email"]), values)
        existing = self.search([("id", "in", self._contact_ids_by_email(by_email))])
        existing.write({"list_ids": [(4, mailing_list.id) for mailing_list in lists]})
        known = {normalize_email(contact.email) for contact in existing}
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
        self.env.cr.execute("SELECT id FROM mail_mass_mailing_contact WHERE %s IN %%s"
                            % CONTACT_EMAIL_SQL, [tuple(emails)])
        return [row[0] for row in self.env.cr.fetchall()]
