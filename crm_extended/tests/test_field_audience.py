"""Every field crm_extended adds, read by a portal and by the public user through every path
a browser session has: only the reviewed allowlist below answers them."""
from odoo import models
from odoo.exceptions import AccessError
from odoo.tests.common import HOST, PORT

from .channel_common import ChannelFixtures
from .common import PortalCase, PortalHttpCase
from .test_company_figures import CompanyBFixtures

# (model, field): why a customer (portal or public user) may see it. Reviewed: a field is
# added here only when its value is the customer's own business or public by nature.
ALLOWLIST = {
    ("utm.campaign", "currency_id"): "the currency the campaign's figures (all reserved) "
                                     "are in: no figure itself",
    # the customer's requests: what it filed and what we answer, as /my/requests shows them
    ("crm.request", "name"): "the summary the customer wrote",
    ("crm.request", "number"): "the case number it quotes in its mails",
    ("crm.request", "description"): "what the customer wrote",
    ("crm.request", "resolution"): "our answer, kept for the customer",
    ("crm.request", "request_type_id"): "the type the customer picked",
    ("crm.request", "category_id"): "a label of the request, no figure",
    ("crm.request", "stage_id"): "the status the portal page shows",
    ("crm.request", "state"): "the status the portal filters on (open / closed)",
    ("crm.request", "priority_user"): "the urgency the customer asked for",
    ("crm.request", "partner_id"): "the customer itself",
    ("crm.request", "commercial_partner_id"): "the customer's own company",
    ("crm.request", "partner_email"): "the customer's own address",
    ("crm.request", "company_id"): "the company of ours the customer deals with",
    ("crm.request", "user_id"): "the person handling it, shown on the portal page",
    ("crm.request", "confidentiality"): "whether its colleagues see it; the portal's own "
                                        "list searches on it",
    ("crm.request", "date_deadline"): "the answer date we promise, shown on the page",
    ("crm.request", "date_closed"): "when it was closed, shown on the page",
    ("crm.request", "date_planned"): "the visit agreed with the customer",
    ("crm.request", "location"): "the place of the visit the customer gives",
    ("crm.request", "sale_order_id"): "the customer's own order it is about",
    ("crm.request", "invoice_id"): "the customer's own invoice it is about",
    ("crm.request", "refund_id"): "the customer's own credit note settling it",
    ("crm.request", "product_id"): "the product the customer asks about",
    ("crm.request", "active"): "archived requests leave the portal list",
    ("crm.request", "access_token"): "the customer's own link to the request (portal.mixin)",
    ("crm.request", "show_planning"): "the portal form asks for a visit for such types",
    ("crm.request", "show_product"): "the portal form asks for a product for such types",
    ("crm.request", "document_type"): "what the request leads to, a quotation, an invoice, "
                                      "a credit note",
    # the types the portal form offers
    ("crm.request.type", "name"): "offered in the portal form",
    ("crm.request.type", "description"): "explains the type in the portal form",
    ("crm.request.type", "sequence"): "the order of the portal form's choices",
    ("crm.request.type", "active"): "archived types leave the portal form",
    ("crm.request.type", "company_id"): "the company of ours offering the type",
    ("crm.request.type", "portal_visible"): "whether the portal form offers the type",
    ("crm.request.type", "document_type"): "what a request of the type leads to",
    ("crm.request.type", "show_planning"): "the portal form asks for a visit",
    ("crm.request.type", "show_product"): "the portal form asks for a product",
    ("crm.request.stage", "name"): "the status the portal page shows",
    ("crm.request.stage", "sequence"): "the order of the statuses",
    ("crm.request.stage", "fold"): "whether a status is a closing one",
    ("crm.request.stage", "state"): "open or closed, as the portal filters",
    ("crm.request.category", "name"): "a label of requests, no figure",
    ("crm.request.category", "description"): "explains the label",
    ("crm.request.category", "active"): "archived labels disappear",
    ("crm.request.category", "company_id"): "the company of ours using the label",
    # the topics of /my/interests and the customer's own subscriptions to them
    ("crm.interest.area", "name"): "a topic offered on /my/interests",
    ("crm.interest.area", "description"): "explains the topic on /my/interests",
    ("crm.interest.area", "sequence"): "the order of the topics",
    ("crm.interest.area", "is_public"): "only public topics reach the portal",
    ("crm.interest.area", "active"): "archived topics disappear",
    ("crm.interest.area", "company_id"): "the company of ours offering the topic",
    ("crm.interest.subscription", "area_id"): "the customer's own consent: which topic",
    ("crm.interest.subscription", "partner_id"): "the customer's own consent: who",
    ("crm.interest.subscription", "commercial_partner_id"): "the customer's own company",
    ("crm.interest.subscription", "company_id"): "the company of ours it consented to",
    ("crm.interest.subscription", "email"): "the customer's own address",
    ("crm.interest.subscription", "state"): "subscribed or opted out, shown on the page",
    ("crm.interest.subscription", "subscribe_date"): "when it subscribed, shown on the page",
    ("crm.interest.subscription", "opt_out_date"): "when it opted out, shown on the page",
    ("crm.interest.subscription", "origin"): "how it subscribed: its own consent record",
    ("crm.interest.subscription", "opt_out_origin"): "how it opted out: its own record",
    # a reseller's portal users and the leads handed to it (the record rule gives them
    # their company's leads only; crm_lead_channel.PORTAL_LEAD_FIELDS limits the fields)
    ("crm.lead", "partner_assigned_id"): "the reseller itself the lead is proposed to",
    ("crm.lead", "date_partner_assign"): "when the lead was proposed to the reseller",
    ("crm.lead", "partner_assign_state"): "proposed, accepted or declined: the reseller's "
                                          "own answer, shown on /my/leads",
    ("crm.lead", "partner_accept_deadline"): "by when the reseller must answer the proposal",
    ("crm.lead", "partner_decline_reason"): "the reason the reseller itself gave",
    ("crm.lead", "partner_registration_state"): "the state of the deal the reseller "
                                                "registered, shown on its portal page",
    ("crm.lead", "partner_product_ids"): "the products the reseller's deal is about",
    ("crm.lead", "next_step"): "the follow-up of the lead the reseller works",
    ("crm.lead", "next_step_date"): "when that follow-up is due",
}
# Odoo's own columns of every model (id, dates and authors of creation and change)
ODOO_MAGIC_FIELDS = set(models.MAGIC_COLUMNS) | {"display_name", "__last_update"}


def own_fields(env):
    """(model, field) of every field crm_extended defines or redefines, on its own models
    and on those it extends, as Odoo recorded them (ir.model.data of the module) and as
    the registry has them (redefinitions of Odoo's fields keep their first module's
    record). A field delegated through _inherits (res.users reading res.partner's) is ours
    when its parent's field is: Odoo files such fields' ir.model.data under whichever module
    was loading when they appeared, ours included."""
    data = env["ir.model.data"].sudo().search([
        ("module", "=", "crm_extended"), ("model", "=", "ir.model.fields")])
    recorded = env["ir.model.fields"].sudo().browse(data.mapped("res_id"))
    found = {(field.model, field.name) for field in recorded}
    found |= {(model_name, name) for model_name in env.registry
              for name, field in env.registry[model_name]._fields.items()
              if field._module == "crm_extended"}

    def parent_is_ours(model, name):
        parent = model._fields[model._fields[name].related[0]].comodel_name
        return (parent, name) in found

    return {(model_name, name) for model_name, name in found
            if model_name in env and name in env[model_name]._fields
            and not env[model_name]._abstract and name not in ODOO_MAGIC_FIELDS
            and (not env[model_name]._fields[name].inherited
                 or parent_is_ours(env[model_name], name))}


def browser_paths(model, name):
    """{path: call} for each way a browser session reaches field ``name`` of ``model``
    (an environment of the user): read, search_read, export, a search domain on the field,
    a sort on it, a group-by (or an aggregate when it cannot be grouped on)."""
    field = model._fields[name]
    records = model.search([], limit=3)
    paths = {
        "read": lambda: records.read([name]),
        "search_read": lambda: model.search_read([], [name], limit=3),
        "export_data": lambda: records.export_data([name]),
    }
    if field.store or field.search:
        paths["search"] = lambda: model.search([(name, "!=", False)], limit=3)
    if field.store and field.column_type:
        paths["order"] = lambda: model.search([], order=name, limit=3)
        paths["read_group"] = lambda: model.read_group([], [name], [name])
    return paths


class FieldAudienceCase(ChannelFixtures, PortalCase):
    """The portal customer with a posted invoice (frozen costs and margins), a request,
    its ranking and RFM scores computed; a reseller with a lead proposed to it: every
    figure a portal user could reach exists."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.create_invoice(cls.customer, [(cls.product, 2, 250.0)])
        cls.request = cls.create_request(partner=cls.contact)
        cls.env["res.partner"]._cron_customer_ranking()
        cls.env["res.partner"]._compute_rfm_scores()
        cls.public_user = cls.env.ref("base.public_user")
        cls.create_channel_fixtures()
        cls.lead = cls.propose(cls.create_lead("Crmx Audience Deal", cls.california,
                                               planned_revenue=4000, vat="US123"),
                               cls.reseller_west)

    def call(self, path):
        """'refused', 'answered' or 'crashed: <error>' (a crash is no refusal), of
        ``path`` run in a savepoint."""
        try:
            with self.env.cr.savepoint():
                path()
        except AccessError:
            return "refused"
        except Exception as error:
            return "crashed: %r" % error
        return "answered"

    def readable_fields(self, user):
        """{(model, field): paths that answered} for the fields of crm_extended on the
        models ``user`` may read."""
        answered = {}
        for model_name, name in sorted(own_fields(self.env)):
            model = self.env[model_name].sudo(user)
            if not model.check_access_rights("read", raise_exception=False):
                continue
            paths = ["%s %s" % (path, outcome)
                     for path, call in sorted(browser_paths(model, name).items())
                     for outcome in [self.call(call)] if outcome != "refused"]
            if paths:
                answered[model_name, name] = paths
        return answered


class TestFieldAudience(FieldAudienceCase):

    def assert_only_allowlisted(self, user):
        leaks = {key: paths for key, paths in self.readable_fields(user).items()
                 if key not in ALLOWLIST}
        self.assertFalse(leaks, "fields of crm_extended that %s reaches and the allowlist "
                                "does not name (path by path):\n%s" % (user.login, "\n".join(
                                    "%s.%s: %s" % (model, name, ", ".join(paths))
                                    for (model, name), paths in sorted(leaks.items()))))

    def test_portal_user_reaches_only_the_allowlist(self):
        self.assert_only_allowlisted(self.portal_user)

    def test_public_user_reaches_only_the_allowlist(self):
        self.assert_only_allowlisted(self.public_user)

    def test_reseller_user_reaches_only_the_allowlist(self):
        """A reseller's portal user reads the leads handed to its company: of our fields,
        only the allowlisted reseller ones, none of the lead's figures or notes."""
        self.assertEqual(self.env["crm.lead"].sudo(self.portal_west).search(
            [("id", "=", self.lead.id)]), self.lead, "the reseller reads its own lead")
        self.assert_only_allowlisted(self.portal_west)

    def test_reseller_reads_the_fields_of_its_lead(self):
        """Positive control for the channel: every reseller-facing field of a lead answers
        its reseller's portal user on every path, with the lead's own values."""
        leads = self.env["crm.lead"].sudo(self.portal_west)
        for (model_name, name) in ALLOWLIST:
            if model_name != "crm.lead":
                continue
            for path, call in browser_paths(leads, name).items():
                self.assertEqual(self.call(call), "answered", "crm.lead.%s %s" % (name, path))
        values = leads.browse(self.lead.id).read(
            ["partner_assigned_id", "partner_assign_state", "date_partner_assign"])[0]
        self.assertEqual(values["partner_assigned_id"][0], self.reseller_west.id)
        self.assertEqual(values["partner_assign_state"], "proposed")
        self.assertTrue(values["date_partner_assign"])
        for name in ("vat", "probability_manual"):
            self.assertEqual(self.call(lambda: leads.search([(name, "!=", False)])),
                             "refused", name)

    def test_walk_covers_the_figures(self):
        """The walk finds the addon's fields on Odoo's models and on its own, so that a
        broken discovery cannot pass for a clean result."""
        fields = own_fields(self.env)
        for key in [("account.invoice.line", "cost_price"), ("account.invoice", "margin"),
                    ("res.partner", "abc_class"), ("res.users", "revenue_12m"),
                    ("crm.request", "team_id"), ("crm.request", "sla_deadline"),
                    ("crm.request", "sla_status"), ("crm.request.sla.line", "deadline"),
                    ("crm.request.work", "hours"), ("res.partner", "clv_expected_value_12m"),
                    ("res.partner", "clv_probability_alive"),
                    ("res.partner", "partner_win_rate"), ("res.partner", "partner_grade_id"),
                    ("crm.lead", "partner_assigned_id"), ("crm.lead", "probability_manual")]:
            self.assertIn(key, fields)

    def test_allowlist_names_existing_fields_with_a_reason(self):
        fields = own_fields(self.env)
        for key, reason in ALLOWLIST.items():
            self.assertIn(key, fields, "allowlisted but not a field of crm_extended")
            self.assertTrue(reason.strip())

    def test_customer_reads_the_allowlisted_fields_of_its_own_records(self):
        """Positive control: the walk tells a readable field from a refused one, since the
        portal user really reads the allowlisted fields of its request, path by path."""
        requests = self.env["crm.request"].sudo(self.portal_user)
        paths = browser_paths(requests, "number")
        self.assertEqual(set(paths), {"read", "search_read", "export_data", "search", "order",
                                      "read_group"})
        for path, call in paths.items():
            self.assertEqual(self.call(call), "answered", path)
        own = requests.search([("number", "=", self.request.number)])
        self.assertEqual(own, self.request)
        self.assertEqual(own.read(["number", "user_id"])[0]["number"], self.request.number)

    def test_internal_users_read_the_figures(self):
        """Positive control: the fields refused to the customer answer the people they are
        meant for, on every path, with the figures of the customer's invoice."""
        line = self.invoice.invoice_line_ids
        self.assertEqual(line.cost_price, 120.0)
        for user, model_name, name in [
                (self.user_salesman, "account.invoice.line", "cost_price"),
                (self.user_salesman, "account.invoice.line", "margin"),
                (self.user_salesman, "account.invoice", "margin"),
                (self.user_salesman, "res.partner", "abc_class"),
                (self.user_salesman, "res.partner", "revenue_12m"),
                (self.user_salesman, "res.partner", "clv_expected_value_12m"),
                (self.user_salesman, "res.partner", "clv_probability_alive"),
                (self.user_salesman, "res.partner", "clv_model_date"),
                (self.user_salesman, "res.partner", "partner_win_rate"),
                (self.user_salesman, "res.partner", "partner_grade_id"),
                (self.user_salesman, "crm.lead", "probability_manual"),
                (self.user_crm, "crm.request", "sla_deadline"),
                (self.user_crm, "crm.request", "sla_status"),
                (self.user_crm, "crm.request.sla.line", "deadline"),
                (self.user_crm, "crm.request.work", "hours"),
                (self.user_salesman, "crm.request", "team_id")]:
            model = self.env[model_name].sudo(user)
            for path, call in browser_paths(model, name).items():
                self.assertEqual(self.call(call), "answered", "%s.%s %s by %s" % (
                    model_name, name, path, user.login))
        as_salesman = line.sudo(self.user_salesman)
        self.assertEqual(as_salesman.read(["cost_price", "margin"])[0]["margin"], 260.0)
        self.assertEqual(as_salesman.search([("id", "=", line.id), ("margin", "=", 260.0)]),
                         line)

    def test_portal_user_refused_on_each_path_of_a_figure(self):
        """Each path of a browser session meets an AccessError, as read does, also through
        a relation, a field that res.users inherits and a group-by naming no field."""
        lines = self.env["account.invoice.line"].sudo(self.portal_user)
        invoices = self.env["account.invoice"].sudo(self.portal_user)
        own_lines = lines.search([("invoice_id", "=", self.invoice.id)])
        self.assertEqual(own_lines, self.invoice.invoice_line_ids, "the customer's own lines")
        refused = {
            "read": lambda: own_lines.read(["cost_price"]),
            "search_read": lambda: lines.search_read([], ["margin"]),
            "search": lambda: lines.search([("margin", ">", 100)]),
            "search_count": lambda: lines.search_count([("cost_price", ">", 100)]),
            "order": lambda: lines.search([], order="cost_price desc"),
            "read_group": lambda: lines.read_group([], ["margin"], ["invoice_id"]),
            "read_group_by": lambda: invoices.read_group([], ["amount_total"], ["margin"]),
            "export_data": lambda: own_lines.export_data(["cost_price"]),
            "export_related": lambda: invoices.browse(self.invoice.id).export_data(
                ["invoice_line_ids/margin"]),
            "search_related": lambda: invoices.search([("invoice_line_ids.margin", ">", 0)]),
            "name_search": lambda: invoices.name_search(
                "", args=[("margin_percent", ">", 50)]),
            "inherited": lambda: self.env["res.users"].sudo(self.portal_user).search(
                [("revenue_12m", ">", 0)]),
        }
        for path, call in refused.items():
            self.assertEqual(self.call(call), "refused", path)
        # a group-by naming no field aggregates what the user may read, not our margins
        groups = invoices.read_group([("id", "=", self.invoice.id)], [], ["state"])
        self.assertEqual(groups[0]["amount_total"], self.invoice.amount_total)
        self.assertNotIn("margin", groups[0])


class TestFieldAudienceHttp(CompanyBFixtures, PortalHttpCase):
    """The same boundary over real HTTP: JSON-RPC of a logged-in session, as the web
    client's own calls (/web/dataset/call_kw). The customer is also invoiced by company B
    (300), where it ranks second behind Big B Co (2,000)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_salesman.password = "crmx_salesman"
        cls.invoice = cls.create_invoice(cls.customer, [(cls.product, 2, 250.0)])
        cls.request = cls.create_request(partner=cls.contact)
        cls.setup_accounts_b()
        cls.customer.company_id = False
        cls.big_b = cls.env["res.partner"].create({
            "name": "Big B Co", "is_company": True, "customer": True,
            "company_id": cls.company_b.id})
        cls.invoice_b(cls.customer, 300.0)
        cls.invoice_b(cls.big_b, 2000.0)
        cls.user_b = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bob B", "login": "crmx_salesman_b", "password": "crmx_salesman_b",
            "email": "bob@example.com", "company_id": cls.company_b.id,
            "company_ids": [(6, 0, cls.company_b.ids)],
            "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])],
        })
        cls.env["res.partner"]._cron_customer_ranking()
        cls.env["res.partner"]._compute_rfm_scores()
        cls.share_with_http()

    def call_kw(self, model, method, args, **kwargs):
        """(result, error name) of a JSON-RPC call_kw."""
        self.share_with_http()
        response = self.opener.post(
            "http://%s:%s/web/dataset/call_kw/%s/%s" % (HOST, PORT, model, method),
            timeout=30, json={"jsonrpc": "2.0", "method": "call", "params": {
                "model": model, "method": method, "args": args, "kwargs": kwargs}})
        self.env.cache.invalidate()
        self.assertEqual(response.status_code, 200)
        body = response.json()
        return body.get("result"), body.get("error", {}).get("data", {}).get("name")

    def test_portal_session_refused_our_figures(self):
        self.authenticate("crmx_portal", "crmx_portal")
        line = self.invoice.invoice_line_ids
        calls = [
            ("account.invoice.line", "read", [line.ids, ["cost_price"]], {}),
            ("account.invoice", "search_read", [[], ["margin", "margin_percent"]], {}),
            ("account.invoice", "search_count", [[("margin", ">", 100)]], {}),
            ("account.invoice.line", "read_group", [[], ["margin"], ["invoice_id"]], {}),
            ("res.partner", "read_group", [[], ["abc_class"], ["abc_class"]], {}),
            ("res.partner", "search", [[("revenue_rank", "=", 1)]], {}),
            ("account.invoice.line", "export_data", [line.ids, ["cost_price"]], {}),
            ("account.invoice.line", "search_read", [[], ["price_subtotal"]],
             {"order": "margin desc"}),
            ("account.invoice", "read", [self.invoice.ids, ["margin_percent"]], {}),
            ("account.invoice", "read_group", [[], ["amount_total"], ["margin"]], {}),
            ("account.invoice", "export_data", [self.invoice.ids, ["margin"]], {}),
            ("account.invoice", "search_read", [[], ["number"]], {"order": "margin"}),
            # its own company: our KPI, CLV and ranking figures
            ("res.partner", "read", [self.customer.ids, ["revenue_12m", "abc_class"]], {}),
            ("res.partner", "read", [self.customer.ids, ["margin_12m"]], {}),
            ("res.partner", "read", [self.customer.ids, ["lifetime_margin"]], {}),
            ("res.partner", "read", [self.customer.ids, ["clv_expected_value_12m"]], {}),
            ("res.partner", "read", [self.customer.ids, ["clv_probability_alive"]], {}),
            ("res.partner", "search_read", [[("id", "=", self.customer.id)],
                                            ["clv_expected_purchases_90d"]], {}),
            ("res.partner", "search", [[("clv_probability_alive", "<", 0.5)]], {}),
            ("res.partner", "search_read", [[], ["name"]], {"order": "clv_model_date"}),
            ("res.partner", "export_data", [self.customer.ids, ["revenue_share"]], {}),
            ("res.partner", "read_group", [[], ["name"], ["rfm_segment"]], {}),
            ("res.partner", "read", [self.customer.ids, ["partner_win_rate"]], {}),
            ("res.partner", "search", [[("partner_grade_id", "!=", False)]], {}),
            # its own request: the service-level internals
            ("crm.request", "read", [self.request.ids, ["sla_deadline"]], {}),
            ("crm.request", "search", [[("sla_status", "=", "missed")]], {}),
            ("crm.request", "read", [self.request.ids, ["work_ids"]], {}),
            # figure tables of their own
            ("crm.partner.ranking", "search_read", [[], ["revenue"]], {}),
            ("crm.partner.clv", "search_read", [[], ["expected_value_12m"]], {}),
        ]
        for model, method, args, kwargs in calls:
            result, error = self.call_kw(model, method, args, **kwargs)
            self.assertEqual(error, "odoo.exceptions.AccessError", (model, method, result))
            self.assertIsNone(result)
        # positive control: the same session reads what is meant for the customer
        result, error = self.call_kw("crm.request", "search_read",
                                     [[("id", "=", self.request.id)], ["number", "user_id"]])
        self.assertIsNone(error)
        self.assertEqual(result[0]["number"], self.request.number)
        result, error = self.call_kw("account.invoice.line", "read",
                                     [line.ids, ["price_subtotal"]])
        self.assertEqual(result[0]["price_subtotal"], 500.0)
        result, error = self.call_kw("res.partner", "read", [self.customer.ids, ["name"]])
        self.assertEqual((result[0]["name"], error), (self.customer.name, None))

    def test_salesperson_session_reads_our_figures(self):
        """Positive control: the route answers the figures to the people they are for."""
        self.authenticate("crmx_salesman", "crmx_salesman")
        line = self.invoice.invoice_line_ids
        result, error = self.call_kw("account.invoice.line", "read",
                                     [line.ids, ["cost_price", "margin"]])
        self.assertIsNone(error)
        self.assertEqual((result[0]["cost_price"], result[0]["margin"]), (120.0, 260.0))
        result, error = self.call_kw("account.invoice", "search_count",
                                     [[("id", "=", self.invoice.id), ("margin", "=", 260.0)]])
        self.assertEqual((result, error), (1, None))
        result, error = self.call_kw(
            "res.partner", "search_read", [[("id", "=", self.customer.id)], [
                "revenue_12m", "margin_12m", "clv_probability_alive", "rfm_score"]])
        self.assertIsNone(error)
        self.assertEqual((result[0]["revenue_12m"], result[0]["margin_12m"]), (500.0, 260.0))
        self.assertTrue(result[0]["rfm_score"])

    def test_each_company_reads_its_own_ranking(self):
        """The customer is invoiced 500 by company A and 300 by company B: each company's
        salesperson reads its own figures of the same partner, and only its own ranking
        rows."""
        expected = {
            # A: 500 invoiced, 2 x (250 - 120) margin
            self.user_salesman: {"revenue_12m": 500.0, "margin_12m": 260.0},
            # B: 300 of B's 2,300, behind Big B Co's 2,000: rank 2, 13.04 %, class B
            # (the 2,000 before it make 87 % >= 80 %)
            self.user_b: {"revenue_12m": 300.0, "revenue_rank": 2, "revenue_share": 13.04,
                          "abc_class": "B"},
        }
        for user, figures in expected.items():
            self.authenticate(user.login, user.login)
            result, error = self.call_kw("res.partner", "read",
                                         [self.customer.ids, sorted(figures)])
            self.assertIsNone(error)
            # the share is a float column of 2 decimals: compared at those
            self.assertEqual({name: round(result[0][name], 2)
                              if isinstance(result[0][name], float) else result[0][name]
                              for name in figures}, figures, user.login)
        result, error = self.call_kw("crm.partner.ranking", "search_read",
                                     [[], ["partner_id", "company_id", "revenue"]])
        self.assertIsNone(error)
        self.assertEqual({row["company_id"][0] for row in result}, set(self.company_b.ids))
        self.assertEqual([(row["partner_id"][0], row["revenue"]) for row in result],
                         [(self.big_b.id, 2000.0), (self.customer.id, 300.0)])
