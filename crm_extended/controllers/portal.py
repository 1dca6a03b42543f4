import os

from werkzeug.exceptions import Forbidden, NotFound

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import consteq, plaintext2html

from odoo.addons.portal.controllers.mail import PortalChatter
from odoo.addons.portal.controllers.portal import (
    CustomerPortal, get_records_pager, pager as portal_pager,
)

from ..models.crm_extended_sql import posted_customer_invoices_domain
from ..models.crm_request_portal import PORTAL_UPLOAD_MAX_SIZE
from ..models.res_partner_portal import PORTAL_ADDRESS_FIELDS, PORTAL_ADDRESS_TYPES


SUBJECT_MAX_LENGTH = 255
DESCRIPTION_MAX_LENGTH = 20000


class CrmExtendedPortal(CustomerPortal):

    _statement_lines_per_page = 50

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["statement_open_count"] = self._count_readable(
            "account.move.line", self._statement_open_items_domain())
        values["request_count"] = self._count_readable("crm.request", self._requests_domain())
        return values

    @staticmethod
    def _count_readable(model, domain):
        """search_count as the user; 0 for internal users without access to the model."""
        records = request.env[model]
        if not records.check_access_rights("read", raise_exception=False):
            return 0
        return records.search_count(domain)

    def _statement_open_items_domain(self):
        """Open receivable and payable items of the user's commercial entity (their record
        rule keeps those accounts); counted on journal items rather than invoices, whose
        follower-based portal rule costs a follower scan on every portal page."""
        commercial = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", commercial.id), ("reconciled", "=", False),
                ("amount_residual", "!=", 0)]

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
        if report.get_wkhtmltopdf_state() in ("install", "broken", "upgrade"):
            # no usable wkhtmltopdf on this host: the same statement as a printable page
            content = report.render_qweb_html([partner.id], data=data)[0]
        else:
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

    # ------------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------------

    def _requests_domain(self):
        """The requests a portal user follows: the public ones filed for them and the ones
        shared with their organisation (the record rules say the same)."""
        partner = request.env.user.partner_id
        return ["|", "&", ("confidentiality", "=", "public"), ("partner_id", "=", partner.id),
                "&", ("confidentiality", "=", "partner"),
                ("commercial_partner_id", "=", partner.commercial_partner_id.id)]

    def _requests_searchbar(self):
        sortings = {
            "date": {"label": _("Newest"), "order": "create_date desc, id desc"},
            "number": {"label": _("Case Number"), "order": "number desc"},
            "stage": {"label": _("Status"), "order": "stage_id, id desc"},
            "deadline": {"label": _("Deadline"), "order": "date_deadline, id desc"},
        }
        filters = {
            "all": {"label": _("All"), "domain": []},
            "open": {"label": _("Open"), "domain": [("state", "in", ["new", "open"])]},
            "closed": {"label": _("Closed"), "domain": [("state", "in", ["done", "cancel"])]},
        }
        inputs = {
            "all": {"input": "all", "label": _("Search in Number and Text")},
            "number": {"input": "number", "label": _("Search in Case Number")},
            "text": {"input": "text", "label": _("Search in Subject and Description")},
        }
        return sortings, filters, inputs

    @staticmethod
    def _requests_search_domain(search_in, search):
        if not search:
            return []
        number = [("number", "ilike", search)]
        text = ["|", ("name", "ilike", search), ("description", "ilike", search)]
        return {"number": number, "text": text}.get(search_in, expression.OR([number, text]))

    @http.route(["/my/requests", "/my/requests/page/<int:page>"], type="http", auth="user",
                website=True)
    def portal_my_requests(self, page=1, sortby=None, filterby=None, type_id=None,
                           search=None, search_in="all", **kw):
        Request = request.env["crm.request"]
        sortings, filters, inputs = self._requests_searchbar()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search_in = search_in if search_in in inputs else "all"
        request_type = self._portal_request_types().filtered(
            lambda rtype: str(rtype.id) == str(type_id))
        domain = expression.AND([
            self._requests_domain(), filters[filterby]["domain"],
            self._requests_search_domain(search_in, search),
            [("request_type_id", "=", request_type.id)] if request_type else [],
        ])
        url_args = {"sortby": sortby, "filterby": filterby, "search_in": search_in,
                    "search": search, "type_id": request_type.id or None}
        pager = portal_pager(url="/my/requests", url_args=url_args,
                             total=Request.search_count(domain), page=page,
                             step=self._items_per_page)
        requests = Request.search(domain, order=sortings[sortby]["order"],
                                  limit=self._items_per_page, offset=pager["offset"])
        request.session["my_requests_history"] = requests.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            # read as superuser once the user's own search has chosen the records: stages,
            # types and responsibles are shown by name only
            "requests": requests.sudo(),
            "page_name": "request",
            "pager": pager,
            "default_url": "/my/requests",
            "searchbar_sortings": sortings, "sortby": sortby,
            "searchbar_filters": filters, "filterby": filterby,
            "searchbar_inputs": inputs, "search_in": search_in, "search": search,
            "request_types": self._portal_request_types(), "request_type": request_type,
        })
        return request.render("crm_extended.portal_my_requests", values)

    def _request_check_access(self, request_id, access_token=None):
        """The request as superuser once the user may read it: through their record rules,
        or through the request's own access token. Internal requests are never shown."""
        record = request.env["crm.request"].browse([request_id])
        record_sudo = record.sudo().exists()
        if not record_sudo or record_sudo.confidentiality == "internal":
            raise MissingError(_("This request does not exist."))
        try:
            record.check_access_rights("read")
            record.check_access_rule("read")
        except AccessError:
            if not (access_token and record_sudo.access_token
                    and consteq(record_sudo.access_token, access_token)):
                raise
        return record_sudo

    @http.route(["/my/requests/<int:request_id>"], type="http", auth="public", website=True)
    def portal_my_request(self, request_id, access_token=None, **kw):
        try:
            request_sudo = self._request_check_access(request_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values() if not request.env.user._is_public() \
            else {}
        values.update(self._request_page_values(request_sudo, access_token, **kw))
        return request.render("crm_extended.portal_my_request", values)

    def _request_page_values(self, request_sudo, access_token, **kw):
        user_partner = request.env.user.partner_id
        order = request_sudo.sale_order_id
        invoice = request_sudo.invoice_id
        values = {
            "page_name": "request",
            "crm_request": request_sudo,
            "access_token": access_token,
            "no_breadcrumbs": bool(access_token),
            "reply_error": kw.get("reply_error"),
            # links only to documents the visitor may open themselves
            "order_link": self._readable_by_user(order),
            "invoice_link": self._readable_by_user(invoice),
            "attachments": request_sudo._portal_attachments(),
            "user_partner": user_partner,
        }
        history = request.session.get("my_requests_history", [])
        values.update(get_records_pager(history, request_sudo))
        return values

    @staticmethod
    def _readable_by_user(record_sudo):
        """``record_sudo`` when the current user may read it themselves, else nothing."""
        if not record_sudo:
            return record_sudo
        record = record_sudo.sudo(request.env.uid)
        try:
            record.check_access_rights("read")
            record.check_access_rule("read")
        except AccessError:
            return record_sudo.browse()
        return record_sudo

    @http.route(["/my/requests/<int:request_id>/reply"], type="http", auth="user",
                website=True, methods=["POST"])
    def portal_my_request_reply(self, request_id, message="", access_token=None, **kw):
        try:
            request_sudo = self._request_check_access(request_id, access_token)
        except (AccessError, MissingError):
            raise NotFound()
        url = "/my/requests/%d" % request_sudo.id
        if access_token:
            url += "?access_token=%s" % access_token
        try:
            attachments = self._portal_uploads()
            request_sudo._check_portal_files(attachments)
            if not message.strip() and not attachments:
                raise ValidationError(_("Write a message or attach a file."))
            if len(message) > DESCRIPTION_MAX_LENGTH:
                raise ValidationError(_("The message is too long."))
        except ValidationError as error:
            values = self._prepare_portal_layout_values()
            values.update(self._request_page_values(request_sudo, access_token,
                                                    reply_error=error.name))
            return request.render("crm_extended.portal_my_request", values)
        # posted as superuser (portal users cannot create attachments on documents they
        # only read) in the name of the portal user, as Odoo's token posts do
        request_sudo._portal_post(plaintext2html(message), attachments,
                                  request.env.user.partner_id)
        return request.redirect(url + "#discussion")

    def _portal_request_types(self):
        """Types the portal user may file (their record rule keeps portal-visible ones)."""
        return request.env["crm.request.type"].search([("portal_visible", "=", True)])

    @staticmethod
    def _portal_uploads():
        """The uploaded files as (name, content) pairs, each read up to just past the size
        a file may have (the model refuses it then)."""
        return [(os.path.basename(upload.filename), upload.read(PORTAL_UPLOAD_MAX_SIZE + 1))
                for upload in request.httprequest.files.getlist("attachments")
                if upload.filename]

    @http.route(["/my/requests/new"], type="http", auth="user", website=True,
                methods=["GET", "POST"])
    def portal_my_request_new(self, **post):
        values = self._prepare_portal_layout_values()
        error, error_message = {}, []
        if request.httprequest.method == "POST":
            try:
                attachments = self._portal_uploads()
                request.env["crm.request"]._check_portal_files(attachments)
            except ValidationError as exc:
                attachments = []
                error["attachments"] = "error"
                error_message.append(exc.name)
            request_values, form_error, form_messages = self._request_form_validate(post)
            error.update(form_error)
            error_message += form_messages
            if not error:
                new_request = request.env["crm.request"].sudo().create(request_values)
                if attachments:
                    new_request._portal_post(_("Attachments sent with the request"),
                                             attachments, request.env.user.partner_id)
                return request.redirect("/my/requests/%d?created=1" % new_request.id)
        partner = request.env.user.partner_id
        values.update({
            "page_name": "request_new",
            "error": error, "error_message": error_message, "post": post,
            "request_types": self._portal_request_types(),
            "orders": request.env["sale.order"].search(
                [("partner_id", "child_of", partner.commercial_partner_id.id)],
                limit=100, order="date_order desc"),
            "invoices": request.env["account.invoice"].search(
                [("commercial_partner_id", "=", partner.commercial_partner_id.id)]
                + posted_customer_invoices_domain(), limit=100, order="date_invoice desc"),
            "products": request.env["sale.order.line"].search(
                [("order_id.partner_id", "child_of", partner.commercial_partner_id.id)],
                limit=500, order="id desc").sudo().mapped("product_id"),
        })
        return request.render("crm_extended.portal_my_request_new", values)

    def _request_form_validate(self, data):
        """Create values of a request filed on the portal, checked field by field against
        what the user may see: (values, error, error messages)."""
        error, messages = {}, []
        partner = request.env.user.partner_id
        commercial = partner.commercial_partner_id
        subject = (data.get("name") or "").strip()
        description = data.get("description") or ""
        if not subject:
            error["name"] = "missing"
            messages.append(_("Please give your request a subject."))
        elif len(subject) > SUBJECT_MAX_LENGTH:
            error["name"] = "error"
            messages.append(_("The subject may have at most %d characters.")
                            % SUBJECT_MAX_LENGTH)
        if len(description) > DESCRIPTION_MAX_LENGTH:
            error["description"] = "error"
            messages.append(_("The description may have at most %d characters.")
                            % DESCRIPTION_MAX_LENGTH)
        # each id is searched as the portal user: their record rules apply on top of the
        # domain, so another customer's order or a type not filed from the portal is unknown
        lookups = [
            ("request_type_id", "crm.request.type", "id", [("portal_visible", "=", True)],
             True, _("Please choose a type of request.")),
            ("sale_order_id", "sale.order", "id", [("partner_id", "child_of", commercial.id)],
             False, _("This order is not one of yours.")),
            ("invoice_id", "account.invoice", "id",
             [("commercial_partner_id", "=", commercial.id)] + posted_customer_invoices_domain(),
             False, _("This invoice is not one of yours.")),
            # a product the customer bought: portal users do not read the catalogue
            ("product_id", "sale.order.line", "product_id", [
                ("order_id.partner_id", "child_of", commercial.id)],
             False, _("This product is not on any of your orders.")),
        ]
        values = {"name": subject, "description": description, "partner_id": partner.id,
                  "company_id": request.env.user.company_id.id}
        for key, model, id_field, domain, required, message in lookups:
            raw = (data.get(key) or "").strip()
            if not raw and not required:
                continue
            found = raw.isdigit() and request.env[model].search(
                [(id_field, "=", int(raw))] + domain, limit=1)
            if not found:
                error[key] = "error"
                messages.append(message)
            else:
                values[key] = int(raw)
        return values, error, messages

    # ------------------------------------------------------------------
    # Interest areas
    # ------------------------------------------------------------------

    @http.route(["/my/interests"], type="http", auth="user", website=True)
    def portal_my_interests(self, **kw):
        partner = request.env.user.partner_id
        areas = request.env["crm.interest.area"].search([("is_public", "=", True)])
        subscriptions = request.env["crm.interest.subscription"].search([
            ("partner_id", "=", partner.id), ("area_id", "in", areas.ids)],
            order="subscribe_date desc, id desc")
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "interests",
            "areas": areas,
            "subscribed": subscriptions.filtered(
                lambda sub: sub.state == "subscribed").mapped("area_id"),
            "subscriptions": subscriptions,
            "message": kw.get("message"),
        })
        return request.render("crm_extended.portal_my_interests", values)

    @http.route(["/my/interests/<int:area_id>/<any(subscribe,opt_out):action>"], type="http",
                auth="user", website=True, methods=["POST"])
    def portal_my_interest_change(self, area_id, action, **kw):
        area = request.env["crm.interest.area"].search(
            [("id", "=", area_id), ("is_public", "=", True)])
        if not area:
            raise NotFound()
        getattr(area, action)(request.env.user.partner_id, origin="portal")
        return request.redirect("/my/interests?message=%s" % action)


# ----------------------------------------------------------------------
# Resellers: the leads we hand them, their answer, their pipeline, their registrations
# ----------------------------------------------------------------------

LEAD_TEXT_MAX_LENGTH = 2000
RESELLER_REGISTRATION_FIELDS = ("partner_name", "contact_name", "email_from", "phone",
                                "vat", "planned_revenue", "name", "description")


class ResellerPortal(CrmExtendedPortal):

    @staticmethod
    def _reseller():
        """The reseller the user works for (their commercial entity), or nothing."""
        commercial = request.env.user.partner_id.commercial_partner_id.sudo()
        return commercial if commercial.is_channel_partner else commercial.browse()

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        reseller = self._reseller()
        values["is_reseller"] = bool(reseller)
        if reseller:
            for key, kind in (("reseller_lead_count", "leads"),
                              ("reseller_opportunity_count", "opportunities")):
                values[key] = self._count_readable("crm.lead", self._reseller_domain(kind))
        return values

    def _reseller_domain(self, kind):
        """Leads proposed to the user's company (``leads``) or worked by it
        (``opportunities``, with its registrations awaiting approval); the record rule
        says the same for portal users."""
        reseller_id = request.env.user.partner_id.commercial_partner_id.id
        if kind == "leads":
            state = [("partner_assign_state", "=", "proposed")]
        else:
            state = ["|", ("partner_assign_state", "=", "accepted"),
                     ("partner_registration_state", "=", "submitted")]
        return [("partner_assigned_id", "=", reseller_id)] + state

    def _reseller_list(self, kind, page, sortby, search):
        Lead = request.env["crm.lead"]
        sortings = {
            "date": {"label": _("Newest"), "order": "date_partner_assign desc, id desc"},
            "name": {"label": _("Name"), "order": "name, id"},
            "deadline": {"label": _("Answer Deadline"), "order": "partner_accept_deadline, id"},
            "revenue": {"label": _("Expected Revenue"), "order": "planned_revenue desc, id"},
        }
        sortby = sortby if sortby in sortings else "date"
        domain = self._reseller_domain(kind)
        if search:
            domain = expression.AND([domain, ["|", "|", ("name", "ilike", search),
                                              ("partner_name", "ilike", search),
                                              ("contact_name", "ilike", search)]])
        url = "/my/%s" % kind
        pager = portal_pager(url=url, url_args={"sortby": sortby, "search": search},
                             total=Lead.search_count(domain), page=page,
                             step=self._items_per_page)
        leads = Lead.search(domain, order=sortings[sortby]["order"],
                            limit=self._items_per_page, offset=pager["offset"])
        request.session["my_%s_history" % kind] = leads.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            # read as superuser once the user's own search has chosen the records; the
            # page shows only the fields shared with resellers
            "leads": leads.sudo(), "page_name": "reseller_%s" % kind, "pager": pager,
            "default_url": url, "searchbar_sortings": sortings, "sortby": sortby,
            "search": search, "kind": kind,
        })
        return request.render("crm_extended.portal_my_reseller_leads", values)

    @http.route(["/my/leads", "/my/leads/page/<int:page>"], type="http", auth="user",
                website=True)
    def portal_my_leads(self, page=1, sortby=None, search=None, **kw):
        return self._reseller_list("leads", page, sortby, search)

    @http.route(["/my/opportunities", "/my/opportunities/page/<int:page>"], type="http",
                auth="user", website=True)
    def portal_my_opportunities(self, page=1, sortby=None, search=None, **kw):
        return self._reseller_list("opportunities", page, sortby, search)

    def _lead_check_access(self, lead_id):
        """The lead as superuser once the user may read it through their record rules
        (leads have no access token: only the reseller's own users open them)."""
        lead = request.env["crm.lead"].browse([lead_id])
        lead_sudo = lead.sudo().exists()
        if not lead_sudo or not self._reseller():
            raise MissingError(_("This lead does not exist."))
        lead.check_access_rights("read")
        lead.check_access_rule("read")
        return lead_sudo

    def _lead_page(self, lead_sudo, error=None, info=None):
        kind = "leads" if lead_sudo.partner_assign_state == "proposed" else "opportunities"
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "reseller_%s" % kind, "kind": kind, "lead": lead_sudo,
            "error": error, "info": info,
            "stages": self._reseller_stages(),
            "lost_reasons": request.env["crm.lost.reason"].sudo().search([]),
            "messages": request.env["mail.message"].sudo().search([
                ("model", "=", "crm.lead"), ("res_id", "=", lead_sudo.id),
                ("message_type", "in", ["comment", "email"]),
                ("subtype_id.internal", "=", False)], order="date desc, id desc"),
        })
        values.update(get_records_pager(
            request.session.get("my_%s_history" % kind, []), lead_sudo))
        return request.render("crm_extended.portal_my_reseller_lead", values)

    @staticmethod
    def _reseller_stages():
        return request.env["crm.stage"].sudo().search(
            [("partner_visible", "=", True), ("probability", "<", 100)])

    @http.route(["/my/leads/<int:lead_id>", "/my/opportunities/<int:lead_id>"], type="http",
                auth="user", website=True)
    def portal_my_lead(self, lead_id, **kw):
        try:
            lead_sudo = self._lead_check_access(lead_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._lead_page(lead_sudo, info=kw.get("info"))

    def _lead_action(self, lead_id, action, success_url=None):
        """Run ``action(lead_sudo, reseller)`` on a lead the user may read; its
        UserError or ValidationError comes back on the lead's page, with nothing
        written (the request's transaction is rolled back to before the action)."""
        try:
            lead_sudo = self._lead_check_access(lead_id)
        except (AccessError, MissingError):
            raise NotFound()
        reseller = self._reseller()
        try:
            with request.env.cr.savepoint():
                info = action(lead_sudo, reseller)
        except (UserError, ValidationError) as error:
            lead_sudo.invalidate_cache()
            return self._lead_page(lead_sudo, error=error.name)
        return request.redirect(success_url or "/my/opportunities/%d?info=%s"
                                % (lead_sudo.id, info or "saved"))

    @http.route(["/my/leads/<int:lead_id>/accept"], type="http", auth="user", website=True,
                methods=["POST"])
    def portal_my_lead_accept(self, lead_id, **kw):
        return self._lead_action(lead_id, lambda lead, reseller: lead._partner_accept(
            reseller) and "accepted")

    @http.route(["/my/leads/<int:lead_id>/decline"], type="http", auth="user", website=True,
                methods=["POST"])
    def portal_my_lead_decline(self, lead_id, reason="", **kw):
        return self._lead_action(
            lead_id, lambda lead, reseller: lead._partner_decline(
                reseller, reason[:LEAD_TEXT_MAX_LENGTH]), success_url="/my/leads?declined=1")

    def _worked_lead(self, lead_sudo, reseller):
        """The lead, when it is an accepted one of ``reseller`` still open."""
        if lead_sudo.partner_assign_state != "accepted" \
                or lead_sudo.partner_assigned_id != reseller:
            raise UserError(_("Accept this lead before working on it."))
        if not lead_sudo.active or lead_sudo.probability >= 100:
            raise UserError(_("This opportunity is closed."))
        return lead_sudo

    @http.route(["/my/opportunities/<int:lead_id>/update"], type="http", auth="user",
                website=True, methods=["POST"])
    def portal_my_opportunity_update(self, lead_id, **post):
        def update(lead_sudo, reseller):
            self._worked_lead(lead_sudo, reseller).write(self._reseller_update_values(post))
            return "saved"
        return self._lead_action(lead_id, update)

    def _reseller_update_values(self, post):
        values = {}
        if post.get("stage_id"):
            stage = self._reseller_stages().filtered(
                lambda stage: str(stage.id) == post["stage_id"])
            if not stage:
                raise ValidationError(_("This stage is not open to resellers."))
            values["stage_id"] = stage.id
        if "planned_revenue" in post:
            values["planned_revenue"] = self._portal_amount(
                post["planned_revenue"], _("The expected revenue must be a number."),
                _("The expected revenue cannot be negative."))
        for key in ("date_deadline", "next_step_date"):
            if key in post:
                values[key] = self._portal_date(post[key])
        if "next_step" in post:
            values["next_step"] = post["next_step"].strip()[:255] or False
        return values

    @staticmethod
    def _portal_amount(raw, not_a_number, negative):
        """An amount typed in a reseller's form (empty: 0), refused with the form's own
        message when it is not a number or is negative."""
        try:
            amount = float(raw or 0)
        except ValueError:
            raise ValidationError(not_a_number)
        if amount < 0:
            raise ValidationError(negative)
        return amount

    @staticmethod
    def _portal_date(raw):
        if not raw:
            return False
        try:
            return fields.Date.to_string(fields.Date.from_string(raw))
        except ValueError:
            raise ValidationError(_("Dates are written as YYYY-MM-DD."))

    def _post_as_user(self, lead_sudo, body):
        # posted as superuser (portal users do not write leads) in the user's name
        return lead_sudo.with_context(mail_create_nosubscribe=True).message_post(
            body=plaintext2html(body), author_id=request.env.user.partner_id.id,
            message_type="comment", subtype="mail.mt_comment")

    @staticmethod
    def _message_text(message):
        message = (message or "").strip()
        if not message:
            raise ValidationError(_("Write a message."))
        if len(message) > DESCRIPTION_MAX_LENGTH:
            raise ValidationError(_("The message is too long."))
        return message

    @http.route(["/my/opportunities/<int:lead_id>/message"], type="http", auth="user",
                website=True, methods=["POST"])
    def portal_my_opportunity_message(self, lead_id, message="", **kw):
        def post(lead_sudo, reseller):
            if lead_sudo.partner_assign_state != "accepted" and \
                    lead_sudo.partner_registration_state != "submitted":
                raise UserError(_("Accept this lead before working on it."))
            self._post_as_user(lead_sudo, self._message_text(message))
            return "sent"
        return self._lead_action(lead_id, post)

    @http.route(["/my/opportunities/<int:lead_id>/propose_change"], type="http",
                auth="user", website=True, methods=["POST"])
    def portal_my_opportunity_propose_change(self, lead_id, message="", **kw):
        def propose(lead_sudo, reseller):
            self._worked_lead(lead_sudo, reseller)
            lead_sudo._partner_propose_change(request.env.user.partner_id,
                                              self._message_text(message))
            return "proposed"
        return self._lead_action(lead_id, propose)

    @http.route(["/my/opportunities/<int:lead_id>/won"], type="http", auth="user",
                website=True, methods=["POST"])
    def portal_my_opportunity_won(self, lead_id, **kw):
        def won(lead_sudo, reseller):
            self._worked_lead(lead_sudo, reseller).action_set_won()
            self._post_as_user(lead_sudo, _("Marked won by the reseller."))
            return "won"
        return self._lead_action(lead_id, won)

    @http.route(["/my/opportunities/<int:lead_id>/lost"], type="http", auth="user",
                website=True, methods=["POST"])
    def portal_my_opportunity_lost(self, lead_id, lost_reason_id="", reason="", **kw):
        def lost(lead_sudo, reseller):
            self._worked_lead(lead_sudo, reseller)
            lost_reason = request.env["crm.lost.reason"].sudo().search(
                [("id", "=", int(lost_reason_id) if lost_reason_id.isdigit() else 0)])
            if not lost_reason:
                raise ValidationError(_("Please choose why the opportunity was lost."))
            details = reason.strip()[:LEAD_TEXT_MAX_LENGTH]
            self._post_as_user(lead_sudo, _("Marked lost by the reseller: %(reason)s %(details)s")
                               % {"reason": lost_reason.name, "details": details})
            lead_sudo.write({"lost_reason": lost_reason.id})
            lead_sudo.action_set_lost()
            return "lost"
        return self._lead_action(lead_id, lost, success_url="/my/opportunities?lost=1")

    # deal registration

    @http.route(["/my/opportunities/new"], type="http", auth="user", website=True,
                methods=["GET", "POST"])
    def portal_my_opportunity_new(self, **post):
        if not self._reseller():
            return request.redirect("/my")
        error_message = []
        if request.httprequest.method == "POST":
            try:
                values = self._registration_values(post)
                with request.env.cr.savepoint():
                    lead = request.env["crm.lead"].sudo()._partner_register(
                        request.env.user.partner_id, values)
            except (UserError, ValidationError, AccessError) as error:
                error_message.append(error.name)
            else:
                return request.redirect("/my/opportunities/%d?info=registered" % lead.id)
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "reseller_registration", "post": post,
            "error_message": error_message,
            "products": request.env["product.product"].sudo().search(
                [("sale_ok", "=", True)], order="name", limit=200),
        })
        return request.render("crm_extended.portal_my_reseller_registration", values)

    def _registration_values(self, post):
        values = {key: (post.get(key) or "").strip()[:LEAD_TEXT_MAX_LENGTH]
                  for key in RESELLER_REGISTRATION_FIELDS}
        if not values["partner_name"]:
            raise ValidationError(_("Please give the customer's company."))
        if not values["contact_name"] or not values["email_from"]:
            raise ValidationError(_("Please give the contact and their email address."))
        values["planned_revenue"] = self._portal_amount(
            values["planned_revenue"], _("The expected amount must be a number."),
            _("The expected amount cannot be negative."))
        product_ids = [int(pid) for pid in request.httprequest.form.getlist("product_ids")
                       if pid.isdigit()]
        products = request.env["product.product"].sudo().search(
            [("id", "in", product_ids), ("sale_ok", "=", True)])
        if len(products) != len(set(product_ids)):
            raise ValidationError(_("Unknown product."))
        values["partner_product_ids"] = [(6, 0, products.ids)]
        return {key: value for key, value in values.items() if value not in ("", None)}


class CrmExtendedPortalChatter(PortalChatter):
    """Odoo's chatter routes let a request's access token stand in for access; a request
    that became internal is no longer shown to customers, whatever token they kept (a
    change of customer or confidentiality also gives the request a new token)."""

    @staticmethod
    def _check_request_audience(res_model, res_id):
        if res_model == "crm.request" and not request.env.user.has_group("base.group_user"):
            record = request.env["crm.request"].sudo().browse(int(res_id)).exists()
            if record.confidentiality == "internal":
                raise Forbidden()

    @http.route()
    def portal_chatter_post(self, res_model, res_id, message, **kw):
        self._check_request_audience(res_model, res_id)
        return super().portal_chatter_post(res_model, res_id, message, **kw)

    @http.route()
    def portal_message_fetch(self, res_model, res_id, domain=False, limit=10, offset=0, **kw):
        self._check_request_audience(res_model, res_id)
        return super().portal_message_fetch(res_model, res_id, domain=domain, limit=limit,
                                            offset=offset, **kw)
