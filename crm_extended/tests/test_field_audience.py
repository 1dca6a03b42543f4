"""Every field crm_extended adds, read by a portal and by the public user through every path
a browser session has: only the reviewed allowlist below answers them."""
from odoo import models
from odoo.exceptions import AccessError
from odoo.tests.common import HOST, PORT

from .common import PortalCase, PortalHttpCase

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
}
# Odoo's own columns of every model (id, dates and authors of creation and change)
ODOO_MAGIC_FIELDS = set(models.MAGIC_COLUMNS) | {"display_name", "__last_update"}


def own_fields(env):
    """(model, field) of every field crm_extended defines or redefines, on its own models
    and on those it extends, as Odoo recorded them (ir.model.data of the module) and as
    the registry has them (redefinitions of Odoo's fields keep their first module's
    record)."""
    data = env["ir.model.data"].sudo().search([
        ("module", "=", "crm_extended"), ("model", "=", "ir.model.fields")])
    recorded = env["ir.model.fields"].sudo().browse(data.mapped("res_id"))
    found = {(field.model, field.name) for field in recorded}
    found |= {(model_name, name) for model_name in env.registry
              for name, field in env.registry[model_name]._fields.items()
              if field._module == "crm_extended"}
    return {(model_name, name) for model_name, name in found
            if model_name in env and name in env[model_name]._fields
            and not env[model_name]._abstract and name not in ODOO_MAGIC_FIELDS}


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


class FieldAudienceCase(PortalCase):
    """The portal customer with a posted invoice (frozen costs and margins), a request,
    its ranking and RFM scores computed: every figure it could reach exists."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.create_invoice(cls.customer, [(cls.product, 2, 250.0)])
        cls.request = cls.create_request(partner=cls.contact)
        cls.env["res.partner"]._cron_customer_ranking()
        cls.env["res.partner"]._compute_rfm_scores()
        cls.public_user = cls.env.ref("base.public_user")

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

    def test_walk_covers_the_figures(self):
        """The walk finds the addon's fields on Odoo's models and on its own, so that a
        broken discovery cannot pass for a clean result."""
        fields = own_fields(self.env)
        for key in [("account.invoice.line", "cost_price"), ("account.invoice", "margin"),
                    ("res.partner", "abc_class"), ("res.users", "revenue_12m"),
                    ("crm.request", "team_id")]:
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


class TestFieldAudienceHttp(PortalHttpCase):
    """The same boundary over real HTTP: JSON-RPC of a logged-in portal session, as the
    web client's own calls (/web/dataset/call_kw)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls.create_invoice(cls.customer, [(cls.product, 2, 250.0)])
        cls.request = cls.create_request(partner=cls.contact)
        cls.env["res.partner"]._cron_customer_ranking()
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

    def test_salesperson_session_reads_our_figures(self):
        """Positive control: the route answers the figures to the people they are for."""
        self.user_salesman.password = "crmx_salesman"
        self.authenticate("crmx_salesman", "crmx_salesman")
        line = self.invoice.invoice_line_ids
        result, error = self.call_kw("account.invoice.line", "read",
                                     [line.ids, ["cost_price", "margin"]])
        self.assertIsNone(error)
        self.assertEqual((result[0]["cost_price"], result[0]["margin"]), (120.0, 260.0))
        result, error = self.call_kw("account.invoice", "search_count",
                                     [[("id", "=", self.invoice.id), ("margin", "=", 260.0)]])
        self.assertEqual((result, error), (1, None))
