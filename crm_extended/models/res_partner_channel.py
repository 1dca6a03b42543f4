"""Resellers: grade, activation, territory, capacity and how they perform."""
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

HELD_STATES = ("proposed", "accepted")


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    is_channel_partner = fields.Boolean(
        "Reseller", index=True, groups="base.group_user",
        help="Sells our products: leads of its territory are proposed to it and its portal "
             "users work them.")
    partner_grade_id = fields.Many2one("crm.partner.grade", string="Grade", index=True,
                                       groups="base.group_user")
    partner_activation_id = fields.Many2one("crm.partner.activation", string="Activation",
                                            groups="base.group_user")
    partner_country_ids = fields.Many2many(
        "res.country", "res_partner_channel_country_rel", "partner_id", "country_id",
        string="Territory Countries", groups="base.group_user",
        help="Leads of these countries come to the reseller when no reseller covers their "
             "state.")
    partner_state_ids = fields.Many2many(
        "res.country.state", "res_partner_channel_state_rel", "partner_id", "state_id",
        string="Territory States", groups="base.group_user",
        help="Leads of these states come to the reseller first.")
    partner_capacity = fields.Integer(
        "Capacity", default=10, groups="base.group_user",
        help="The most open leads the reseller holds at once (proposed or accepted). "
             "0 proposes none.")
    partner_assigned_count = fields.Integer(
        "Open Leads Held", compute="_compute_partner_channel_kpis", groups="base.group_user",
        help="Open leads proposed to or accepted by the reseller now.")
    partner_win_rate = fields.Float(
        "Win Rate (%)", compute="_compute_partner_channel_kpis", groups="base.group_user",
        help="Won among the closed leads the reseller accepted.")

    _sql_constraints = [
        ("partner_capacity_positive", "CHECK(partner_capacity >= 0)",
         "The capacity of a reseller cannot be negative."),
    ]

    @api.constrains("partner_state_ids", "partner_country_ids")
    def _check_partner_territory(self):
        for partner in self:
            stray = partner.partner_state_ids.filtered(
                lambda state: partner.partner_country_ids
                and state.country_id not in partner.partner_country_ids)
            if stray:
                raise ValidationError(_(
                    "The territory states %(states)s are outside the territory countries of "
                    "%(partner)s.") % {"states": ", ".join(stray.mapped("name")),
                                       "partner": partner.display_name})

    def _compute_partner_channel_kpis(self):
        stats = self._partner_channel_stats()
        for partner in self:
            held, won, lost = stats.get(partner.id, (0, 0, 0))
            partner.partner_assigned_count = held
            partner.partner_win_rate = 100.0 * won / (won + lost) if won + lost else 0.0

    @api.multi
    def _partner_channel_stats(self):
        """{partner id: (open leads held, won, lost)} in one query."""
        ids = [pid for pid in self.ids if isinstance(pid, int)]
        if not ids:
            return {}
        self.env.cr.execute("""
            SELECT partner_assigned_id,
                   count(*) FILTER (WHERE active AND partner_assign_state IN %s
                                    AND COALESCE(probability, 0) < 100),
                   count(*) FILTER (WHERE partner_assign_state = 'accepted' AND active
                                    AND probability = 100),
                   count(*) FILTER (WHERE partner_assign_state = 'accepted' AND NOT active
                                    AND COALESCE(probability, 0) = 0)
              FROM crm_lead
             WHERE partner_assigned_id = ANY(%s)
             GROUP BY partner_assigned_id
        """, (HELD_STATES, ids))
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.multi
    def _check_partner_capacity(self, count):
        """A clear error when taking ``count`` more leads would exceed the capacity."""
        self.ensure_one()
        held = self._partner_channel_stats().get(self.id, (0, 0, 0))[0]
        if held + count > self.partner_capacity:
            raise UserError(_(
                "%(reseller)s is at capacity: it holds %(held)d open leads of at most "
                "%(capacity)d.") % {"reseller": self.display_name, "held": held,
                                    "capacity": self.partner_capacity})

    @api.model
    def _channel_candidates(self):
        """{id: reseller} of the resellers taking leads: weight, capacity, current load,
        company and territory, in two queries."""
        self.env.cr.execute("""
            SELECT partner.id, COALESCE(grade.weight, 1), partner.partner_capacity,
                   partner.company_id,
                   ARRAY(SELECT country_id FROM res_partner_channel_country_rel rel
                          WHERE rel.partner_id = partner.id),
                   ARRAY(SELECT state_id FROM res_partner_channel_state_rel rel
                          WHERE rel.partner_id = partner.id)
              FROM res_partner partner
              LEFT JOIN crm_partner_grade grade ON grade.id = partner.partner_grade_id
             WHERE partner.is_channel_partner AND partner.active
               AND partner.partner_capacity > 0 AND COALESCE(grade.weight, 1) > 0
        """)
        resellers = {row[0]: {"id": row[0], "weight": row[1], "capacity": row[2],
                              "company_id": row[3], "country_ids": row[4],
                              "state_ids": row[5], "load": 0}
                     for row in self.env.cr.fetchall()}
        stats = self.browse(list(resellers))._partner_channel_stats()
        for reseller_id, (held, _won, _lost) in stats.items():
            resellers[reseller_id]["load"] = held
        return resellers

    @api.multi
    def action_view_partner_report(self):
        self.ensure_one()
        action = self.env.ref("crm_extended.crm_partner_report_action").read()[0]
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_month": 1}
        return action
