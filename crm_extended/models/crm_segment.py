# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from .crm_extended_sql import email_sql, posted_customer_invoices
from .crm_partner_rfm import RFM_SEGMENTS
from .crm_partner_ranking import ABC_CLASSES

ORDER_STATES = ("sale", "done")
# what "bought" means in the criteria: posted invoices, credit notes aside
_POSTED_SALES = posted_customer_invoices(types=("out_invoice",))


class CrmSegment(models.Model):
    """Customers picked by what they bought, when and how much, and by who they are.

    Every criterion is optional and they combine with AND. Members are commercial
    partners (companies and individuals, not their contacts) flagged as customers and
    shared with or belonging to the segment's company; sales figures count that
    company's posted invoices only.
    """

    _name = "crm.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, translate=True, track_visibility="onchange")
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True, track_visibility="onchange")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)

    # -- sales criteria (posted customer invoices and confirmed orders of the company)
    last_invoice_within_days = fields.Integer(
        string="Invoiced within (days)",
        help="Customers invoiced at most this many days ago (an invoice dated exactly that "
             "many days ago counts). 0: not a criterion.")
    last_invoice_not_within_days = fields.Integer(
        string="Not invoiced within (days)",
        help="Lapsed customers: invoiced before, but not in the last this many days "
             "(their last invoice is older). 0: not a criterion.")
    revenue_window_days = fields.Integer(
        string="Revenue window (days)", default=365,
        help="Revenue counts posted invoices minus credit notes, untaxed, in company "
             "currency, dated within this many days.")
    revenue_min = fields.Monetary(string="Revenue at least", currency_field="currency_id",
                                  help="0: no lower bound.")
    revenue_max = fields.Monetary(
        string="Revenue at most", currency_field="currency_id",
        help="0: no upper bound. Customers without revenue in the window are under it.")
    order_window_days = fields.Integer(string="Orders window (days)", default=365)
    order_count_min = fields.Integer(
        string="Confirmed orders at least",
        help="Customers with at least this many confirmed sales orders in the window. "
             "0: not a criterion.")
    product_ids = fields.Many2many(
        "product.product", "crm_segment_product_rel", "segment_id", "product_id",
        string="Bought any of these products")
    product_category_ids = fields.Many2many(
        "product.category", "crm_segment_product_category_rel", "segment_id", "category_id",
        string="...or of these categories",
        help="Sub-categories included.")
    product_window_days = fields.Integer(
        string="Bought within (days)",
        help="Only invoices of the last this many days count for the products bought. "
             "0: ever.")
    excluded_product_ids = fields.Many2many(
        "product.product", "crm_segment_excluded_product_rel", "segment_id", "product_id",
        string="Never bought these products",
        help="Cross-selling: customers never invoiced any of these products.")

    # -- who the customer is
    customer_group_id = fields.Many2one("crm.customer.group", string="Customer group")
    abc_class = fields.Selection(ABC_CLASSES, string="ABC class")
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM segment")
    country_ids = fields.Many2many("res.country", string="Countries")
    partner_category_ids = fields.Many2many(
        "res.partner.category", "crm_segment_partner_category_rel", "segment_id",
        "category_id", string="Partner tags", help="Customers with any of these tags.")
    interest_area_ids = fields.Many2many(
        "crm.interest.area", "crm_segment_interest_area_rel", "segment_id", "area_id",
        string="Interest areas",
        help="Customers of whom a contact currently follows any of these areas.")
    filter_domain = fields.Char(
        string="Further filter", default="[]",
        help="Any further condition on the customers, as an Odoo domain on contacts.")

    mailing_list_id = fields.Many2one(
        "mail.mass_mailing.list", copy=False, readonly=True, ondelete="set null",
        help="Kept in step with the segment's customers by the synchronisation (button "
             "and scheduled action); opted-out addresses are never added.")
    last_sync_date = fields.Datetime(string="Last synchronised", readonly=True, copy=False)
    mass_mailing_ids = fields.One2many("mail.mass_mailing", "segment_id", string="Mailings",
                                       groups="mass_mailing.group_mass_mailing_user")
    mass_mailing_count = fields.Integer(compute="_compute_mass_mailing_count",
                                        string="Mailings",
                                        groups="mass_mailing.group_mass_mailing_user")

    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")
    filter_domain_error = fields.Char(compute="_compute_partner_count")

    @api.depends("company_id", "last_invoice_within_days", "last_invoice_not_within_days",
                 "revenue_window_days", "revenue_min", "revenue_max", "order_window_days",
                 "order_count_min", "product_ids", "product_category_ids",
                 "product_window_days", "excluded_product_ids", "country_ids",
                 "partner_category_ids", "interest_area_ids", "filter_domain",
                 "customer_group_id", "abc_class", "rfm_segment")
    def _compute_partner_count(self):
        """One statement counts the members of all these segments (the form's preview
        recomputes it on every change of a criterion)."""
        countable, selects, params = [], [], []
        for segment in self:
            try:
                sql, sql_params = segment._partner_query()
            except ValidationError as error:
                segment.partner_count = 0
                segment.filter_domain_error = error.name
                continue
            segment.filter_domain_error = False
            selects.append("SELECT %%s, count(*) FROM (%s) AS members" % sql)
            params += [len(countable)] + sql_params
            countable.append(segment)
        if not countable:
            return
        self.env.cr.execute(" UNION ALL ".join(selects), params)
        for index, count in self.env.cr.fetchall():
            countable[index].partner_count = count

    def _compute_mass_mailing_count(self):
        groups = self.env["mail.mass_mailing"].read_group(
            [("segment_id", "in", self.ids)], ["segment_id"], ["segment_id"])
        counts = {g["segment_id"][0]: g["segment_id_count"] for g in groups}
        for segment in self:
            segment.mass_mailing_count = counts.get(segment.id, 0)

    @api.constrains("filter_domain")
    def _check_filter_domain(self):
        for segment in self:
            segment._filter_domain_list()

    @api.constrains("last_invoice_within_days", "last_invoice_not_within_days",
                    "revenue_window_days", "order_window_days", "product_window_days",
                    "order_count_min", "revenue_min", "revenue_max")
    def _check_ranges(self):
        for segment in self:
            numbers = [segment.last_invoice_within_days, segment.last_invoice_not_within_days,
                       segment.revenue_window_days, segment.order_window_days,
                       segment.product_window_days, segment.order_count_min,
                       segment.revenue_min, segment.revenue_max]
            if any(number < 0 for number in numbers):
                raise ValidationError(_("Days, counts and amounts of a segment cannot be "
                                        "negative (segment %s).") % segment.name)
            if segment.revenue_max and segment.revenue_min > segment.revenue_max:
                raise ValidationError(_("The minimum revenue of segment %s is above its "
                                        "maximum.") % segment.name)

    def _filter_domain_list(self):
        """The free domain as a list, checked against res.partner; a clear
        ValidationError for anything that is not a valid domain there."""
        text = (self.filter_domain or "").strip() or "[]"
        message = _("The further filter of segment %(segment)s is not a valid domain on "
                    "contacts: %(error)s")
        try:
            domain = safe_eval(text, self._filter_domain_eval_context())
        except (ValueError, SyntaxError, NameError, TypeError) as error:
            raise ValidationError(message % {"segment": self.name, "error": error})
        if not isinstance(domain, (list, tuple)):
            raise ValidationError(message % {
                "segment": self.name, "error": _("a domain is a list of conditions")})
        domain = list(domain)
        try:
            # Parsing catches unknown fields and operators; running it (in a savepoint,
            # so that a failure leaves the transaction usable) catches wrong values.
            with self.env.cr.savepoint():
                self._partners().search(domain, limit=1)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError,
                AssertionError, psycopg2.Error) as error:
            raise ValidationError(message % {"segment": self.name, "error": error})
        return domain

    def _filter_domain_eval_context(self):
        return {"uid": self.env.uid, "user": self.env.user, "datetime": datetime,
                "relativedelta": relativedelta,
                "context_today": lambda: fields.Date.from_string(
                    fields.Date.context_today(self))}

    def _partners(self):
        """Partners as this segment sees them: with the figures of its company (ABC class,
        RFM segment...), whoever evaluates it (the daily synchronisation runs as
        superuser in the main company)."""
        return self.env["res.partner"].with_context(force_company=self.company_id.id)

    def _partner_domain(self):
        """The criteria on the customer's own fields, as an ORM domain."""
        domain = [("customer", "=", True),
                  "|", ("company_id", "=", False), ("company_id", "=", self.company_id.id)]
        if self.customer_group_id:
            domain.append(("customer_group_id", "=", self.customer_group_id.id))
        if self.abc_class:
            domain.append(("abc_class", "=", self.abc_class))
        if self.rfm_segment:
            domain.append(("rfm_segment", "=", self.rfm_segment))
        if self.country_ids:
            domain.append(("country_id", "in", self.country_ids.ids))
        if self.partner_category_ids:
            domain.append(("category_id", "in", self.partner_category_ids.ids))
        return expression.AND([domain, self._filter_domain_list()])

    def _window_start(self, days):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today - datetime.timedelta(days=days))

    def _window_clause(self, column, days):
        """(" AND column >= start", [start]) for a window of ``days`` days ending today
        (a date exactly ``days`` days ago is inside); no condition for 0 (ever)."""
        if not days:
            return "", []
        return " AND %s >= %%s" % column, [self._window_start(days)]

    def _sales_conditions(self):
        """The sales criteria as SQL conditions on "res_partner".id with their parameters:
        [(sql, params), ...]."""
        company_id = self.company_id.id
        invoices = ("SELECT inv.commercial_partner_id FROM account_invoice inv "
                    "WHERE inv.company_id = %s AND " + _POSTED_SALES)
        invoice_params = [company_id]
        conditions = []
        if self.last_invoice_within_days:
            conditions.append((
                '"res_partner".id IN (%s AND inv.date_invoice >= %%s)' % invoices,
                invoice_params + [self._window_start(self.last_invoice_within_days)]))
        if self.last_invoice_not_within_days:
            conditions.append((
                '"res_partner".id IN (%s GROUP BY inv.commercial_partner_id '
                'HAVING max(inv.date_invoice) < %%s)' % invoices,
                invoice_params + [self._window_start(self.last_invoice_not_within_days)]))
        if self.revenue_min or self.revenue_max:
            conditions += self._revenue_conditions()
        if self.order_count_min:
            window, window_params = self._window_clause("so.date_order",
                                                        self.order_window_days)
            conditions.append((
                '"res_partner".id IN (SELECT customer.commercial_partner_id '
                'FROM sale_order so JOIN res_partner customer ON customer.id = so.partner_id '
                'WHERE so.company_id = %%s AND so.state IN %%s%s '
                'GROUP BY customer.commercial_partner_id HAVING count(*) >= %%s)' % window,
                [company_id, ORDER_STATES] + window_params + [self.order_count_min]))
        if self.product_ids or self.product_category_ids:
            lines_sql, lines_params = self._bought_lines(
                self.product_ids, self.product_category_ids, self.product_window_days)
            conditions.append(('"res_partner".id IN (%s)' % lines_sql, lines_params))
        if self.excluded_product_ids:
            lines_sql, lines_params = self._bought_lines(
                self.excluded_product_ids, self.env["product.category"], 0)
            conditions.append(('"res_partner".id NOT IN (%s)' % lines_sql, lines_params))
        if self.interest_area_ids:
            conditions.append((
                '"res_partner".id IN (SELECT sub.commercial_partner_id '
                'FROM crm_interest_subscription sub '
                'WHERE sub.area_id IN %s AND sub.opt_out_date IS NULL)',
                [tuple(self.interest_area_ids.ids)]))
        return conditions

    def _revenue_conditions(self):
        window, window_params = self._window_clause("inv.date_invoice",
                                                    self.revenue_window_days)
        revenue = ("SELECT inv.commercial_partner_id FROM account_invoice inv "
                   "WHERE inv.company_id = %s AND " + posted_customer_invoices()
                   + " AND inv.commercial_partner_id IS NOT NULL" + window
                   + " GROUP BY inv.commercial_partner_id "
                   "HAVING sum(inv.amount_untaxed_signed) {} %s")
        params = [self.company_id.id] + window_params
        conditions = []
        if self.revenue_min:
            conditions.append(('"res_partner".id IN (%s)' % revenue.format(">="),
                               params + [self.revenue_min]))
        if self.revenue_max:
            # Customers without revenue in the window are under any maximum.
            conditions.append(('"res_partner".id NOT IN (%s)' % revenue.format(">"),
                               params + [self.revenue_max]))
        return conditions

    def _bought_lines(self, products, categories, window_days):
        """SQL selecting the customers invoiced any of ``products`` or of products in
        ``categories`` (and their sub-categories), within ``window_days`` (0: ever)."""
        sql = ("SELECT inv.commercial_partner_id FROM account_invoice_line line "
               "JOIN account_invoice inv ON inv.id = line.invoice_id "
               "WHERE inv.company_id = %s AND " + _POSTED_SALES
               + " AND inv.commercial_partner_id IS NOT NULL")
        params = [self.company_id.id]
        matches, match_params = [], []
        if products:
            matches.append("line.product_id IN %s")
            match_params.append(tuple(products.ids))
        if categories:
            all_categories = self.env["product.category"].search(
                [("id", "child_of", categories.ids)])
            matches.append("line.product_id IN (SELECT pp.id FROM product_product pp "
                           "JOIN product_template pt ON pt.id = pp.product_tmpl_id "
                           "WHERE pt.categ_id IN %s)")
            match_params.append(tuple(all_categories.ids))
        sql += " AND (%s)" % " OR ".join(matches)
        params += match_params
        window, window_params = self._window_clause("inv.date_invoice", window_days)
        return sql + window, params + window_params

    def _partner_query(self):
        """(sql, params) selecting the ids of this segment's customers: the ORM's own
        translation of the partner criteria (with the user's record rules), intersected
        with the sales criteria in the same statement."""
        self.ensure_one()
        partners = self._partners()
        query = partners._where_calc(self._partner_domain())
        partners._apply_ir_rules(query, "read")
        from_clause, where_clause, params = query.get_sql()
        conditions = ['"res_partner".commercial_partner_id = "res_partner".id']
        if where_clause:
            conditions.append(where_clause)
        for condition, condition_params in self._sales_conditions():
            conditions.append(condition)
            params = params + condition_params
        sql = 'SELECT "res_partner".id FROM %s WHERE %s' % (
            from_clause, " AND ".join(conditions))
        return sql, params

    @api.multi
    def _get_partner_ids(self):
        """Ids of the customers this segment matches now."""
        sql, params = self._partner_query()
        self.env.cr.execute(sql, params)
        return [row[0] for row in self.env.cr.fetchall()]

    @api.multi
    def action_view_partners(self):
        self.ensure_one()
        action = self.env.ref("base.action_partner_form").read()[0]
        action.update({
            "name": _("Customers of %s") % self.name,
            "domain": [("id", "in", self._get_partner_ids())],
            "context": {"create": False},
        })
        return action

    # -- materialisation as a mailing list

    @api.model
    def _cron_sync_mailing_lists(self):
        self.search([("mailing_list_id", "!=", False)])._sync_mailing_lists()

    @api.multi
    def action_sync_mailing_list(self):
        self.ensure_one()
        added, removed = self._sync_mailing_lists()
        self.message_post(body=_("Mailing list synchronised: %(added)s added, "
                                 "%(removed)s removed.") % {"added": added, "removed": removed})
        return True

    @api.multi
    def action_view_mailing_contacts(self):
        self.ensure_one()
        action = self.env.ref("mass_mailing.action_view_mass_mailing_contacts").read()[0]
        action.update(domain=[("list_ids", "in", self.mailing_list_id.ids)], context={})
        return action

    @api.multi
    def _ensure_mailing_list(self):
        self.ensure_one()
        if not self.mailing_list_id:
            self.sudo().mailing_list_id = self.env["mail.mass_mailing.list"].sudo().create({
                "name": _("Segment: %s") % self.name})
        return self.mailing_list_id

    @api.multi
    def _sync_mailing_lists(self):
        """Bring each segment's mailing list in line with its customers, touching only
        the difference: addresses of new members are added (unless opted out anywhere:
        in any mailing list or on the partner - such an address is never re-added),
        contacts of customers who no longer match are removed. Opted-out contacts of the
        list stay, so that their refusal is remembered. Returns (added, removed)."""
        added = removed = 0
        for segment in self:
            mailing_list = segment._ensure_mailing_list()
            members_sql, members_params = segment._partner_query()
            # The list is the segment's mirror, maintained by the system whatever the
            # rights of who triggers it on mass mailing's models.
            contacts = self.env["mail.mass_mailing.contact"].sudo()
            removed += segment._remove_stale_contacts(
                contacts, mailing_list, members_sql, members_params)
            added += segment._add_new_contacts(mailing_list, members_sql, members_params)
            contacts.invalidate_cache()
            segment.sudo().last_sync_date = fields.Datetime.now()
        return added, removed

    def _remove_stale_contacts(self, contacts, mailing_list, members_sql, members_params):
        partner_email = email_sql("member.email")
        self.env.cr.execute("""
            SELECT contact.id,
                   (SELECT count(*) FROM mail_mass_mailing_contact_list_rel other
                     WHERE other.contact_id = contact.id) AS list_count
              FROM mail_mass_mailing_contact contact
              JOIN mail_mass_mailing_contact_list_rel rel
                ON rel.contact_id = contact.id AND rel.list_id = %%s
             WHERE NOT coalesce(contact.opt_out, false)
               AND %s NOT IN (
                   SELECT %s FROM res_partner member
                    WHERE member.id IN (%s) AND %s IS NOT NULL)
        """ % (email_sql("contact.email"), partner_email, members_sql, partner_email),
            [mailing_list.id] + members_params)
        rows = self.env.cr.fetchall()
        only_here = [contact_id for contact_id, list_count in rows if list_count == 1]
        elsewhere = [contact_id for contact_id, list_count in rows if list_count > 1]
        contacts.browse(only_here).unlink()
        contacts.browse(elsewhere).write({"list_ids": [(3, mailing_list.id)]})
        return len(rows)

    def _add_new_contacts(self, mailing_list, members_sql, members_params):
        """One INSERT of the missing addresses (a large segment adds tens of thousands
        of contacts at once, far beyond what one ORM create per contact affords)."""
        partner_email = email_sql("member.email")
        self.env.cr.execute("""
            WITH wanted AS (
                SELECT DISTINCT ON (%(partner_email)s)
                       %(partner_email)s AS email, member.name, member.country_id
                  FROM res_partner member
                 WHERE member.id IN (%(members)s)
                   AND %(partner_email)s IS NOT NULL
                   AND NOT coalesce(member.opt_out, false)
                 ORDER BY %(partner_email)s, member.id
            ), created AS (
                INSERT INTO mail_mass_mailing_contact
                       (name, email, country_id, opt_out, message_bounce,
                        create_uid, create_date, write_uid, write_date)
                SELECT wanted.name, wanted.email, wanted.country_id, false, 0,
                       %%s, now() at time zone 'UTC', %%s, now() at time zone 'UTC'
                  FROM wanted
                 WHERE wanted.email NOT IN (
                           SELECT %(contact_email)s
                             FROM mail_mass_mailing_contact contact
                             JOIN mail_mass_mailing_contact_list_rel rel
                               ON rel.contact_id = contact.id AND rel.list_id = %%s
                            WHERE %(contact_email)s IS NOT NULL)
                   AND wanted.email NOT IN (
                           SELECT %(contact_email)s FROM mail_mass_mailing_contact contact
                            WHERE contact.opt_out AND %(contact_email)s IS NOT NULL
                           UNION ALL
                           SELECT %(opted_out_partner_email)s FROM res_partner refusing
                            WHERE refusing.opt_out
                              AND %(opted_out_partner_email)s IS NOT NULL)
                RETURNING id
            )
            INSERT INTO mail_mass_mailing_contact_list_rel (contact_id, list_id)
            SELECT id, %%s FROM created
        """ % {"partner_email": partner_email, "members": members_sql,
               "contact_email": email_sql("contact.email"),
               "opted_out_partner_email": email_sql("refusing.email")},
            members_params + [self.env.uid, self.env.uid, mailing_list.id, mailing_list.id])
        return self.env.cr.rowcount
