# Canned answer for requests, with placeholders filled from the request, in the customer's language.
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html_escape

PLACEHOLDER_RE = re.compile(r"\$\{(\w+)\}")
PLACEHOLDERS = ("customer", "case_number", "responsible", "deadline")


class CrmRequestResponseTemplate(models.Model):
    _name = "crm.request.response.template"
    _description = "Request Canned Answer"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.user.company_id)
    body = fields.Html(
        required=True, translate=True, sanitize=True,
        help="The answer; ${customer}, ${case_number}, ${responsible} and ${deadline} are "
             "replaced by the request's.")
    request_type_ids = fields.Many2many(
        "crm.request.type", "crm_request_response_template_type_rel", "template_id",
        "type_id", string="Request Types", help="Offered on requests of these types; all "
                                                "when empty.")
    category_ids = fields.Many2many(
        "crm.request.category", "crm_request_response_template_category_rel", "template_id",
        "category_id", string="Categories", help="Offered on requests of these categories; "
                                                 "all when empty.")

    @api.constrains("body")
    def _check_placeholders(self):
        for template in self:
            unknown = set(PLACEHOLDER_RE.findall(template.body or "")) - set(PLACEHOLDERS)
            if unknown:
                raise ValidationError(_(
                    "The canned answer %(name)s uses unknown placeholders: %(unknown)s. "
                    "Known ones: %(known)s.") % {
                        "name": template.name, "unknown": ", ".join(sorted(unknown)),
                        "known": ", ".join("${%s}" % name for name in PLACEHOLDERS)})

    def _render(self, request):
        """The answer for `request`, in its customer's language, placeholders filled."""
        self.ensure_one()
        lang = request.partner_id.lang or self.env.user.lang
        template = self.with_context(lang=lang)
        # Odoo 11 keeps one record cache for all languages: read the body in this one
        template.invalidate_cache(["body"], template.ids)
        deadline = request.sudo().sla_deadline or request.date_deadline
        values = {
            "customer": request.partner_id.name or request.partner_email or "",
            "case_number": request.number or "",
            "responsible": request.user_id.name or "",
            "deadline": deadline and fields.Datetime.context_timestamp(
                template.with_context(tz=request.company_id.partner_id.tz or "UTC"),
                fields.Datetime.from_string(deadline)).strftime("%Y-%m-%d %H:%M") or "",
        }
        return PLACEHOLDER_RE.sub(lambda match: html_escape(values[match.group(1)]),
                                  template.body or "")
