# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reseller proposal mail is signed by the company proposing the leads.

Its template is noupdate, so an upgrade keeps the database's copy, which signed with the
company of the scheduled action's user: a reseller working for two of our companies now gets
one mail from each, and both would bear the same name. Only that signature is rewritten, in
the template and its translations; whatever else an administrator changed stays."""

OLD_SIGNATURE = "${user.company_id.name}</p>"
NEW_SIGNATURE = "${ctx['company'].name}</p>"


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT res_id FROM ir_model_data WHERE module = 'crm_extended' "
               "AND name = 'mail_template_crm_partner_proposal'")
    row = cr.fetchone()
    if not row:
        return
    cr.execute("UPDATE mail_template SET body_html = replace(body_html, %s, %s) WHERE id = %s",
               [OLD_SIGNATURE, NEW_SIGNATURE, row[0]])
    cr.execute("UPDATE ir_translation SET src = replace(src, %s, %s), "
               "value = replace(value, %s, %s) "
               "WHERE name = 'mail.template,body_html' AND res_id = %s",
               [OLD_SIGNATURE, NEW_SIGNATURE, OLD_SIGNATURE, NEW_SIGNATURE, row[0]])
