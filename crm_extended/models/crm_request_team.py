from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import decode_message_header, email_split, html_escape
from odoo.tools.safe_eval import safe_eval

from .crm_request_stage import CLOSED_STATES

# Megabytes: the attachments a customer mails with a request, not a file transfer.
DEFAULT_MAX_MAIL_SIZE = 10


class CrmRequestTeam(models.Model):
    _name = "crm.request.team"
    _inherit = ["mail.alias.mixin"]
    _description = "Request Team"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one("res.company",
                                 default=lambda self: self.env.user.company_id)
    user_id = fields.Many2one("res.users", string="Team Leader")
    member_ids = fields.Many2many("res.users", "crm_request_team_member_rel", "team_id",
                                  "user_id", string="Members")
    assignment_method = fields.Selection([
        ("manual", "Manual"),
        ("round_robin", "Round robin"),
        ("least_open", "Fewest open requests"),
    ], required=True, default="manual",
        help="How new requests without a responsible get one among the members.")
    last_assigned_user_id = fields.Many2one("res.users", readonly=True, copy=False,
                                            help="Last member chosen by the round robin.")
    request_type_id = fields.Many2one(
        "crm.request.type", string="Type of Mailed Requests",
        help="Type of the requests filed by mail to the team's address; by default "
             "a request for information.")
    # Off by default: anyone can put any address in From, and each would become a contact
    # receiving our confirmations.
    allow_new_contacts = fields.Boolean(
        string="Accept Unknown Senders", default=False,
        help="Mail from an address no contact has creates the contact; otherwise such mail "
             "is refused with an explanation to the sender.")
    max_mail_size = fields.Integer(
        string="Mail Size Limit (MB)", default=lambda self: self._default_max_mail_size(),
        help="Mail to the team larger than this is filed without its attachments (and with "
             "its text cut), and a note on the request says what was left out. The default "
             "comes from the system parameter crm_extended.max_mail_size (MB).")
    alias_id = fields.Many2one("mail.alias", ondelete="restrict", required=True,
                               help="Mail sent to this address files a request for the team.")
    resource_calendar_id = fields.Many2one(
        "resource.calendar", string="Working Hours",
        help="Service level targets of the team's requests count on this calendar, unless the "
             "policy has its own; by default the company's.")
    request_ids = fields.One2many("crm.request", "team_id", string="Requests")
    request_count = fields.Integer(compute="_compute_request_count", string="Open Requests")

    @api.model
    def _default_max_mail_size(self):
        """Megabytes a mailed request may weigh when its team does not say otherwise."""
        value = self.env["ir.config_parameter"].sudo().get_param("crm_extended.max_mail_size")
        try:
            return max(int(value), 1) if value else DEFAULT_MAX_MAIL_SIZE
        except ValueError:
            return DEFAULT_MAX_MAIL_SIZE

    @api.constrains("max_mail_size")
    def _check_max_mail_size(self):
        for team in self:
            if team.max_mail_size < 1:
                raise ValidationError(_("The mail size limit of the team %s must be at least "
                                        "1 MB.") % team.name)

    def get_alias_model_name(self, vals):
        return "crm.request"

    def get_alias_values(self):
        values = super().get_alias_values()
        values["alias_defaults"] = defaults = safe_eval(self.alias_defaults or "{}")
        defaults["team_id"] = self.id
        if self.request_type_id:
            defaults["request_type_id"] = self.request_type_id.id
        return values

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if "alias_defaults" in vals or "request_type_id" in vals:
            for team in self:
                team.alias_id.write(team.get_alias_values())
        return result

    def _alias_check_contact(self, message, message_dict, alias):
        """Refuse mail from unknown senders when the team does not take new contacts;
        Odoo's gateway then bounces it with this explanation."""
        if (not self.allow_new_contacts and not message_dict.get("author_id")
                and email_split(message_dict.get("email_from") or "")):
            return {
                "error_message": _("unknown sender, new contacts not accepted"),
                "error_template": _(
                    "<div><p>Hello,</p><p>Your message to %s could not be filed as a "
                    "request because your address is not known to us. Please write from "
                    "the address registered with us or contact your account manager."
                    "</p></div>") % html_escape(decode_message_header(message, "To")),
            }
        return super()._alias_check_contact(message, message_dict, alias)

    def _compute_request_count(self):
        data = self.env["crm.request"].read_group(
            [("team_id", "in", self.ids), ("state", "not in", CLOSED_STATES)],
            ["team_id"], ["team_id"])
        counts = {row["team_id"][0]: row["team_id_count"] for row in data}
        for team in self:
            team.request_count = counts.get(team.id, 0)

    def _choose_user(self):
        """The member a new request goes to, by the team's assignment method."""
        self.ensure_one()
        members = self.member_ids.sorted("id")
        if self.assignment_method == "manual" or not members:
            return self.env["res.users"]
        if self.assignment_method == "round_robin":
            # The team row is written on every pick: concurrent picks serialize on it.
            following = members.filtered(lambda user: user.id > self.last_assigned_user_id.id)
            user = following[:1] or members[:1]
            self.sudo().last_assigned_user_id = user
            return user
        data = self.env["crm.request"].sudo().read_group(
            [("user_id", "in", members.ids), ("state", "not in", CLOSED_STATES)],
            ["user_id"], ["user_id"])
        open_counts = {row["user_id"][0]: row["user_id_count"] for row in data}
        return min(members, key=lambda user: (open_counts.get(user.id, 0), user.id))
