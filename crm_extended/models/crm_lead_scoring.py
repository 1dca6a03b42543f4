"""crm.lead: predictive lead scoring (naive Bayes on won and lost leads, per sales channel)."""
import logging
import re

from psycopg2 import sql

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from .crm_extended_sql import normalize_email

_logger = logging.getLogger(__name__)

SCORING_FIELDS_PARAM = "crm_extended.lead_scoring_fields"
SCORING_MIN_HISTORY_PARAM = "crm_extended.lead_scoring_min_history"
DEFAULT_SCORING_FIELDS = ("country_id,state_id,email_state,phone_state,source_id,medium_id,"
                          "campaign_id,tag_ids,customer_kind,lead_origin")
DEFAULT_MIN_HISTORY = 20
# Odoo's documented smoothing: 0.1 added to every count so that an outcome never seen with
# a value does not zero the whole product (1 would weigh too much on small histories).
ZERO_FREQUENCY = 0.1
# Odoo's rule for tags: a tag counts once at least 50 closed leads carried it, so that a
# rare tag does not swing the score.
MANY2MANY_MIN_CLOSED = 50
SCORABLE_TYPES = ("many2one", "many2many", "selection", "char")
# Odoo 11's outcomes: won is probability 100 (won stage), lost is archived at probability 0
CLOSED_SQL = "(probability >= 100 OR (NOT active AND probability = 0))"
BATCH_SIZE = 20000
_PHONE_RE = re.compile(r"^\+?[\d\s().\-/]+$")


def naive_bayes_probability(frequencies, values, min_history):
    """The chance (%) that a lead with ``values`` [(field, value)] is won, from its sales
    channel's ``frequencies`` {field: {value: (won, lost)}}, as Odoo 14 documents it:
    S(won) = P(won) * prod P(value | won), S(lost) likewise, probability =
    S(won) / (S(won) + S(lost)); P(value | won) divides by the field's won total, except
    for the stage, which every closed lead went through, where it divides by the channel's
    won total. None when the channel's history is too thin to say (the stage prior rules)."""
    stages = frequencies.get("stage_id", {})
    team_won = max((won for won, _lost in stages.values()), default=0)
    team_lost = max((lost for _won, lost in stages.values()), default=0)
    if not team_won or not team_lost or team_won + team_lost < min_history:
        return None
    team_won += ZERO_FREQUENCY
    team_lost += ZERO_FREQUENCY
    score_won = team_won / (team_won + team_lost)
    score_lost = team_lost / (team_won + team_lost)
    for field, value in values:
        counts = frequencies.get(field, {})
        if value not in counts:
            continue  # a value never closed before says nothing either way
        if field == "stage_id":
            won_total, lost_total = team_won, team_lost
        else:
            won_total = sum(won + ZERO_FREQUENCY for won, _lost in counts.values())
            lost_total = sum(lost + ZERO_FREQUENCY for _won, lost in counts.values())
        won, lost = counts[value]
        score_won *= (won + ZERO_FREQUENCY) / won_total
        score_lost *= (lost + ZERO_FREQUENCY) / lost_total
    return round(100 * score_won / (score_won + score_lost), 2)


class CrmLead(models.Model):
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    automated_probability = fields.Float(
        readonly=True, copy=False, group_operator="avg",
        groups="sales_team.group_sale_salesman",
        help="Chance of winning predicted from the won and lost leads of the sales channel "
             "with the same values (naive Bayes, as Odoo 14+). While the channel has too "
             "little history, the stage's probability. The probability follows it unless "
             "set by hand.")
    email_state = fields.Selection(
        [("correct", "Correct"), ("incorrect", "Incorrect"), ("missing", "Missing")],
        "Email Quality", compute="_compute_contact_quality", store=True,
        groups="sales_team.group_sale_salesman")
    phone_state = fields.Selection(
        [("correct", "Correct"), ("incorrect", "Incorrect"), ("missing", "Missing")],
        "Phone Quality", compute="_compute_contact_quality", store=True,
        groups="sales_team.group_sale_salesman")
    customer_kind = fields.Selection(
        [("b2b", "Business (B2B)"), ("b2c", "Consumer (B2C)")], compute="_compute_customer_kind",
        store=True, groups="sales_team.group_sale_salesman",
        help="The customer's kind when the lead has one, otherwise B2B when a company name "
             "is given.")
    lead_origin = fields.Selection(
        [("reseller", "Registered by a Reseller"), ("direct", "Direct")],
        compute="_compute_lead_origin", store=True, groups="sales_team.group_sale_salesman")

    @api.depends("email_from", "phone", "mobile")
    def _compute_contact_quality(self):
        for lead in self:
            lead.email_state = "missing" if not lead.email_from else (
                "correct" if normalize_email(lead.email_from) else "incorrect")
            phone = lead.phone or lead.mobile
            digits = len(re.sub(r"\D", "", phone or ""))
            lead.phone_state = "missing" if not phone else (
                "correct" if _PHONE_RE.match(phone.strip()) and 7 <= digits <= 15
                else "incorrect")

    @api.depends("partner_id.commercial_partner_id.customer_kind",
                 "partner_id.commercial_partner_id.is_company", "partner_name")
    def _compute_customer_kind(self):
        for lead in self:
            partner = lead.partner_id.commercial_partner_id
            lead.customer_kind = partner.customer_kind or (
                "b2b" if partner.is_company or (not partner and lead.partner_name) else "b2c")

    @api.depends("partner_registration_state")
    def _compute_lead_origin(self):
        for lead in self:
            lead.lead_origin = "reseller" if lead.partner_registration_state else "direct"

    # ------------------------------------------------------------------
    # configuration
    # ------------------------------------------------------------------

    @api.model
    def _scoring_check_fields(self, names):
        """The field names of a scoring configuration, refused with the reason when one is
        not a stored field of the lead of a kind that has values to count."""
        unknown = [name for name in names if name not in self._fields]
        if unknown:
            raise ValidationError(_("Lead scoring: the lead has no field named %s.")
                                  % ", ".join(unknown))
        unusable = [name for name in names if not self._fields[name].store
                    or self._fields[name].type not in SCORABLE_TYPES]
        if unusable:
            raise ValidationError(_(
                "Lead scoring counts stored fields with distinct values (many2one, "
                "many2many, selection, text); these cannot be used: %s.")
                % ", ".join(unusable))
        return names

    @api.model
    def _scoring_parse_fields(self, text):
        names = [name.strip() for name in (text or "").split(",") if name.strip()]
        return ["stage_id"] + [name for name in dict.fromkeys(names) if name != "stage_id"]

    @api.model
    def _scoring_fields(self):
        """The fields scored, the stage always first (the channel's totals come from it)."""
        params = self.env["ir.config_parameter"].sudo()
        names = self._scoring_parse_fields(
            params.get_param(SCORING_FIELDS_PARAM, DEFAULT_SCORING_FIELDS))
        # A parameter edited by hand past the settings' check must not reach the SQL.
        try:
            return self._scoring_check_fields(names)
        except ValidationError as error:
            _logger.warning("%s Falling back to the default scoring fields.", error.name)
            return self._scoring_parse_fields(DEFAULT_SCORING_FIELDS)

    @api.model
    def _scoring_min_history(self):
        return int(self.env["ir.config_parameter"].sudo().get_param(
            SCORING_MIN_HISTORY_PARAM, DEFAULT_MIN_HISTORY))

    # ------------------------------------------------------------------
    # the values of leads, in SQL
    # ------------------------------------------------------------------

    @api.model
    def _scoring_values_query(self, names, where, expand_stages):
        """SQL of the rows (lead id, team_id, won, variable, value) of the leads of a sales
        channel matching ``where``, one row per field holding a value (a row per tag).
        With ``expand_stages``, the stage rows are those a closed lead went through: every
        stage when won, its own and the earlier ones when lost (Odoo's counting)."""
        columns = [name for name in names
                   if name != "stage_id" and self._fields[name].type != "many2many"]
        leads = sql.SQL(
            "SELECT id, team_id, stage_id, probability >= 100 AS won{columns} FROM crm_lead "
            "WHERE team_id IS NOT NULL AND {where}").format(
                columns=sql.SQL("").join(sql.SQL(", ") + sql.Identifier(name)
                                         for name in columns),
                where=sql.SQL(where))
        if expand_stages:
            stage = sql.SQL(
                "SELECT l.id, l.team_id, l.won, 'stage_id', s.id::text FROM l "
                "LEFT JOIN crm_stage own ON own.id = l.stage_id "
                "JOIN crm_stage s ON l.won OR s.sequence <= own.sequence")
        else:
            stage = sql.SQL("SELECT l.id, l.team_id, l.won, 'stage_id', l.stage_id::text "
                            "FROM l WHERE l.stage_id IS NOT NULL")
        parts = [stage]
        for name in names[1:]:
            field = self._fields[name]
            if field.type == "many2many":
                parts.append(sql.SQL(
                    "SELECT l.id, l.team_id, l.won, {name}, r.{value}::text FROM l "
                    "JOIN {relation} r ON r.{lead} = l.id").format(
                        name=sql.Literal(name), relation=sql.Identifier(field.relation),
                        value=sql.Identifier(field.column2),
                        lead=sql.Identifier(field.column1)))
            else:
                parts.append(sql.SQL(
                    "SELECT l.id, l.team_id, l.won, {name}, l.{column}::text FROM l "
                    "WHERE l.{column} IS NOT NULL").format(
                        name=sql.Literal(name), column=sql.Identifier(name)))
        return sql.SQL("WITH l AS ({leads}), v (lead_id, team_id, won, variable, value) AS "
                       "({parts})").format(leads=leads,
                                           parts=sql.SQL(" UNION ALL ").join(parts))

    # ------------------------------------------------------------------
    # frequency tables
    # ------------------------------------------------------------------

    @api.model
    def _scoring_add_frequencies(self, where, params, sign=1):
        """Add (sign 1) or take away (sign -1) the closed leads matching ``where`` to the
        frequency tables of their sales channels, in one statement."""
        # No access check: the lead's own write was checked, the counts are its side effect.
        names = self._scoring_fields()
        query = sql.SQL("""
            {values}
            INSERT INTO crm_lead_scoring_frequency
                   (team_id, variable, value, won_count, lost_count,
                    create_uid, create_date, write_uid, write_date)
            SELECT team_id, variable, value,
                   %(sign)s * count(*) FILTER (WHERE won),
                   %(sign)s * count(*) FILTER (WHERE NOT won),
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM v GROUP BY team_id, variable, value
            ON CONFLICT (team_id, variable, value) DO UPDATE
               SET won_count = crm_lead_scoring_frequency.won_count + EXCLUDED.won_count,
                   lost_count = crm_lead_scoring_frequency.lost_count + EXCLUDED.lost_count,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
            """).format(values=self._scoring_values_query(names, where, expand_stages=True))
        self.env.cr.execute(query, dict(params, sign=sign, uid=self.env.uid))
        if sign < 0:
            # a value no closed lead holds any more is unknown again, not a (0, 0) count
            self.env.cr.execute("""
                DELETE FROM crm_lead_scoring_frequency
                 WHERE won_count <= 0 AND lost_count <= 0""")
        self.env["crm.lead.scoring.frequency"].invalidate_cache()

    @api.multi
    def _scoring_count(self, sign):
        """Count (sign 1) or uncount (sign -1) those of these leads that are won or lost."""
        ids = [lead_id for lead_id in self.ids if isinstance(lead_id, int)]
        if ids:
            self._scoring_add_frequencies(
                "id = ANY(%(ids)s) AND " + CLOSED_SQL, {"ids": ids}, sign)

    @api.model
    def _scoring_rebuild(self, teams=None):
        """Rebuild the frequency tables (of ``teams``, all when None) from every won and lost
        lead, in SQL."""
        frequencies = self.env["crm.lead.scoring.frequency"]
        frequencies.check_access_rights("unlink")
        # Two rebuilds at once (the cron and "Run manually") would each add every lead to
        # the other's rows; a live won/lost waits the few seconds of the rebuild (and is
        # then counted by it or after it, never twice).
        self.env.cr.execute("LOCK TABLE crm_lead_scoring_frequency IN EXCLUSIVE MODE")
        if teams is None:
            self.env.cr.execute("DELETE FROM crm_lead_scoring_frequency")
            self._scoring_add_frequencies(CLOSED_SQL, {})
        else:
            self.env.cr.execute("DELETE FROM crm_lead_scoring_frequency WHERE team_id = ANY(%s)",
                                [teams.ids])
            self._scoring_add_frequencies("team_id = ANY(%(teams)s) AND " + CLOSED_SQL,
                                          {"teams": teams.ids})

    # ------------------------------------------------------------------
    # scores
    # ------------------------------------------------------------------

    @api.multi
    def _scoring_probabilities(self):
        """{lead id: automated probability} of the open leads among these (active, not
        won), in a bounded number of queries whatever their number."""
        ids = [lead_id for lead_id in self.ids if isinstance(lead_id, int)]
        if not ids:
            return {}
        cr = self.env.cr
        cr.execute("""
            SELECT l.id, l.team_id, COALESCE(s.probability, 0)
              FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.id = ANY(%s) AND l.active AND l.probability < 100""", [ids])
        leads = cr.fetchall()
        if not leads:
            return {}
        names = self._scoring_fields()
        cr.execute(sql.SQL("{values} SELECT lead_id, variable, value FROM v").format(
            values=self._scoring_values_query(names, "id = ANY(%(ids)s)", expand_stages=False)),
            {"ids": [lead[0] for lead in leads]})
        values = {}
        for lead_id, variable, value in cr.fetchall():
            values.setdefault(lead_id, []).append((variable, value))
        teams = list({team_id for _id, team_id, _prior in leads if team_id})
        frequencies = {}
        cr.execute("""
            SELECT team_id, variable, value, won_count, lost_count
              FROM crm_lead_scoring_frequency
             WHERE team_id = ANY(%s) AND variable = ANY(%s)""", [teams, names])
        for team_id, variable, value, won, lost in cr.fetchall():
            if (self._fields[variable].type == "many2many"
                    and won + lost < MANY2MANY_MIN_CLOSED):
                continue
            frequencies.setdefault(team_id, {}).setdefault(variable, {})[value] = (won, lost)
        min_history = self._scoring_min_history()
        result = {}
        for lead_id, team_id, prior in leads:
            probability = naive_bayes_probability(
                frequencies.get(team_id, {}), values.get(lead_id, []), min_history)
            # the OFBiz stage probability is the prior while the channel lacks history
            result[lead_id] = prior if probability is None else probability
        return result

    @api.multi
    def _scoring_rescore(self):
        """Store the automated probability of these leads; the probability follows it on
        the leads whose probability was not set by hand. One UPDATE for all."""
        probabilities = self._scoring_probabilities()
        if not probabilities:
            return
        self.env.cr.execute("""
            UPDATE crm_lead l
               SET automated_probability = v.probability,
                   probability = CASE WHEN l.probability_manual THEN l.probability
                                      ELSE v.probability END
              FROM unnest(%s::int[], %s::float8[]) AS v (id, probability)
             WHERE l.id = v.id""", [list(probabilities), list(probabilities.values())])
        self.browse(list(probabilities)).invalidate_cache(
            ["automated_probability", "probability"])

    @api.model
    def _cron_lead_scoring(self):
        """Nightly: rebuild the frequency tables from all won and lost leads, then rescore
        every open lead."""
        self._scoring_rebuild()
        self.env.cr.execute("SELECT id FROM crm_lead WHERE active AND probability < 100 "
                            "ORDER BY id")
        ids = [row[0] for row in self.env.cr.fetchall()]
        for batch in tools.split_every(BATCH_SIZE, ids):
            self.browse(batch)._scoring_rescore()

    # ------------------------------------------------------------------
    # live updates: won, lost, reopened, edited
    # ------------------------------------------------------------------

    @api.model
    def _scoring_touched(self, vals):
        """Whether a write of ``vals`` may change an outcome or a scored value."""
        triggers = {"active", "probability", "probability_manual", "stage_id", "team_id",
                    "email_from", "phone", "mobile", "partner_id", "partner_name",
                    "partner_registration_state"}
        return bool(set(vals) & (triggers | set(self._scoring_fields())))

    @api.model
    def create(self, vals):
        lead = super(CrmLead, self.with_context(crm_scoring_done=True)).create(vals)
        lead._scoring_count(1)  # leads created already won or lost (imported history)
        lead._scoring_rescore()
        return self.browse(lead.id)

    @api.multi
    def write(self, vals):
        if self.env.context.get("crm_scoring_done") or not self._scoring_touched(vals):
            return super().write(vals)
        # Nested writes of the same leads (split by the sticky probability) count once.
        leads = self.with_context(crm_scoring_done=True)
        leads._scoring_count(-1)  # as they were counted: with their values before the write
        result = super(CrmLead, leads).write(vals)
        leads._scoring_count(1)
        leads._scoring_rescore()
        return result

    @api.multi
    def unlink(self):
        self._scoring_count(-1)
        return super().unlink()
