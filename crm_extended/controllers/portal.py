from odoo import _, fields, http
from odoo.exceptions import AccessError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

from ..models.res_partner import PORTAL_ADDRESS_FIELDS, PORTAL_ADDRESS_TYPES


class CrmExtendedPortal(CustomerPortal):

    _statement_lines_per_page = 50

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["statement_open_count"] = request.env["account.invoice"].search_count(
            self._statement_open_items_domain())
        return values

    def _statement_open_items_domain(self):
        commercial = request.env.user.partner_id.commercial_partner_id
        return [("commercial_partner_id", "=", commercial.id), ("state", "=", "open")]

    # ------------------------------------------------------------------
    # Account statement
    # ------------------------------------------------------------------

    def _statement_period(self, date_from, date_to):
        """The period asked for, or the last twelve months when it is missing or invalid."""
        default_from, default_to = request.env["res.partner"]._portal_statement_default_period()
        try:
            date_from = fields.Date.to_string(fields.Date.from_string(date_from or default_from))
            date_to = fields.Date.to_string(fields.Date.from_string(date_to or default_to))
        except ValueError:
            return default_from, default_to
        return (date_from, date_to) if date_from <= date_to else (date_to, date_from)

    def _statement_side(self, partner, side):
        return side if side in ("customer", "supplier") else partner._portal_statement_side()

    @http.route(["/my/statement", "/my/statement/page/<int:page>"], type="http", auth="user",
                website=True)
    def portal_my_statement(self, page=1, date_from=None, date_to=None, side=None, **kw):
        partner = request.env.user.partner_id
        date_from, date_to = self._statement_period(date_from, date_to)
        side = self._statement_side(partner, side)
        step = self._statement_lines_per_page
        first = partner._portal_statement(date_from, date_to, side=side, limit=0)
        url_args = {"date_from": date_from, "date_to": date_to, "side": side}
        pager = portal_pager(url="/my/statement", url_args=url_args,
                             total=first["line_count"], page=page, step=step)
        statement = partner._portal_statement(date_from, date_to, side=side, limit=step,
                                              offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "statement",
            "default_url": "/my/statement",
            "statement": statement,
            "pager": pager,
            "portal": True,
            "url_args": url_args,
            "partner": partner.commercial_partner_id,
        })
        return request.render("crm_extended.portal_my_statement", values)

    @http.route(["/my/statement/pdf"], type="http", auth="user", website=True)
    def portal_my_statement_report(self, date_from=None, date_to=None, side=None, **kw):
        partner = request.env.user.partner_id
        date_from, date_to = self._statement_period(date_from, date_to)
        data = {"date_from": date_from, "date_to": date_to,
                "side": self._statement_side(partner, side)}
        # as the portal user: the figures obey their record rules, as on the page
        report = request.env.ref("crm_extended.action_report_partner_statement")
        content = report.render_qweb_pdf([partner.id], data=data)[0]
        content_type = ("application/pdf" if content[:4] == b"%PDF"
                        else "text/html; charset=utf-8")
        return request.make_response(content, headers=[
            ("Content-Type", content_type), ("Content-Length", len(content)),
        ])

    # ------------------------------------------------------------------
    # Details: the company's basic structure is not the portal user's to change
    # ------------------------------------------------------------------

    @http.route()
    def account(self, redirect=None, **post):
        # the model's guard also watches the superuser write of the stock controller
        request.context = dict(request.context, portal_partner_guard=True)
        return super().account(redirect=redirect, **post)

    def details_form_validate(self, data):
        error, error_message = super().details_form_validate(data)
        partner = request.env.user.partner_id
        changed = partner._portal_protected_changes(
            {key: value for key, value in data.items() if key != "name"})
        if changed:
            error.update({name: "error" for name in changed})
            error_message.append(partner._portal_protected_message(changed))
        return error, error_message

    @http.route(["/my/addresses"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_my_addresses(self, **post):
        partner = request.env.user.partner_id
        values = self._prepare_portal_layout_values()
        values.update(error={}, error_message=[], address={}, page_name="my_addresses")
        if request.httprequest.method == "POST":
            address = {key: post[key] for key in post if key != "csrf_token"}
            for key in ("state_id", "country_id"):
                if address.get(key):
                    address[key] = int(address[key]) if address[key].isdigit() else -1
                else:
                    address.pop(key, None)
            try:
                self._check_address_references(address)
                partner._portal_add_address(address)
            except (ValidationError, AccessError) as error:
                values.update(error_message=[error.name], address=post)
            else:
                return request.redirect("/my/addresses")
        values.update({
            "partner": partner,
            "addresses": partner.commercial_partner_id.child_ids,
            "address_types": PORTAL_ADDRESS_TYPES,
            "address_fields": PORTAL_ADDRESS_FIELDS,
            "countries": request.env["res.country"].sudo().search([]),
        })
        return request.render("crm_extended.portal_my_addresses", values)

    def _check_address_references(self, address):
        for key, model in (("country_id", "res.country"), ("state_id", "res.country.state")):
            if key in address and not request.env[model].sudo().browse(address[key]).exists():
                raise ValidationError(_("Unknown country or state."))
