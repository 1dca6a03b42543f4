import functools
import importlib.util
import re
import tempfile
from contextlib import contextmanager

import requests

import odoo
from odoo.modules.module import get_resource_path
from odoo.service import security
from odoo.tests.common import HOST, PORT, SavepointCase, get_db_name


_SETTING_UP = set()
TEST_TIMEZONE = "Etc/GMT+12"        # UTC-12 (the sign is POSIX's)


def run_migration(cr, version, script, from_version):
    """Run crm_extended's migration ``script`` of ``version`` as an upgrade from
    ``from_version`` does."""
    path = get_resource_path("crm_extended", "migrations", version, script)
    spec = importlib.util.spec_from_file_location("crmx_migration_%s" % script[:-3], path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    migration.migrate(cr, from_version)


def _ends_when_failing(set_up):
    """``setUpClass`` that ends the class's transaction when it fails. Python 3.7's unittest
    then skips tearDownClass: the cursor would stay open with the fixtures' uncommitted rows,
    and the next class inserting the same users (unique logins) would wait for it forever."""
    @functools.wraps(set_up)
    def guarded(cls):
        if cls in _SETTING_UP:      # a base class's setUpClass, called through super()
            return set_up(cls)
        _SETTING_UP.add(cls)
        try:
            return set_up(cls)
        except BaseException:
            cls.abandon_class()
            raise
        finally:
            _SETTING_UP.discard(cls)
    return classmethod(guarded)


class CrmExtendedCase(SavepointCase):
    """Shared fixtures: one user per security group (created the way Odoo 11 crm's own
    tests do), customers with a portal contact, products, and helpers that make real
    orders and posted invoices through Odoo's own flows.

    ``own_company``: the class works in a company of its own, which Odoo's and the addon's
    demo data never reach: "accounting" (with the main company's chart of accounts) for
    figures of a whole company (ledger totals, shares, quintiles), "bare" for what a company
    configures as a whole (routing rules)."""

    own_company = False

    def __init_subclass__(cls, **kwargs):
        if "setUpClass" in cls.__dict__:
            cls.setUpClass = _ends_when_failing(cls.__dict__["setUpClass"].__func__)
        return super().__init_subclass__(**kwargs)

    @classmethod
    def abandon_class(cls):
        """Roll back and close what a failed setUpClass opened."""
        if getattr(cls, "cr", None) is not None and not cls.cr.closed:
            cls.registry.clear_caches()
            cls.cr.rollback()
            cls.cr.close()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The web client sends the user's timezone in every context, and users created
        # from it get their creator's. The tests do the same, in a zone whose date is not
        # UTC's from midnight to noon UTC: a mix of a user's "today" with UTC's fails there
        # every morning, not only in the hour before midnight UTC when the demo database's
        # Europe/Brussels is a day ahead.
        cls.env = cls.env(context=dict(cls.env.context, tz=TEST_TIMEZONE, tracking_disable=True,
                                       mail_create_nolog=True, no_reset_password=True))
        cls.company = cls.env.ref("base.main_company")
        if cls.own_company:
            cls.company = cls.create_company("Crmx Own Company",
                                             chart=cls.own_company == "accounting")
            cls.env.user.write({"company_ids": [(4, cls.company.id)],
                                "company_id": cls.company.id})
        cls.env.user.tz = TEST_TIMEZONE
        cls.currency = cls.company.currency_id
        users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.user_salesman = users.create({
            "name": "Sally Salesman", "login": "crmx_salesman", "email": "sally@example.com",
            "groups_id": [(6, 0, [cls.env.ref("sales_team.group_sale_salesman").id])],
        })
        cls.user_crm = users.create({
            "name": "Rita Requests", "login": "crmx_user", "email": "rita@example.com",
            "groups_id": [(6, 0, [cls.env.ref("crm_extended.group_crm_extended_user").id])],
        })
        cls.user_manager = users.create({
            "name": "Manon Manager", "login": "crmx_manager", "email": "manon@example.com",
            "groups_id": [(6, 0, [cls.env.ref("crm_extended.group_crm_extended_manager").id,
                                  cls.env.ref("sales_team.group_sale_manager").id,
                                  cls.env.ref("account.group_account_manager").id])],
        })
        cls.customer, cls.contact = cls.create_customer(
            "Azure Interior", "info@azure.example.com",
            "Brandon Freeman", "brandon@azure.example.com")
        cls.portal_user = users.create({
            "name": "Brandon Freeman", "login": "crmx_portal", "password": "crmx_portal",
            "partner_id": cls.contact.id,
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
        })
        cls.product = cls.create_product("Office Chair", list_price=200.0, cost=120.0)
        cls.service = cls.create_product("Installation", list_price=80.0, cost=30.0,
                                         type="service")

    @classmethod
    def create_customer(cls, name, email, contact_name, contact_email, **values):
        """A company (a customer unless ``values`` say otherwise) and one contact of it,
        both of the company's res.company."""
        company = cls.env["res.partner"].create(dict(
            {"is_company": True, "customer": True}, name=name, email=email, **values))
        contact = cls.env["res.partner"].create({
            "name": contact_name, "parent_id": company.id, "email": contact_email,
            "company_id": company.company_id.id,
        })
        return company, contact

    @classmethod
    def create_company(cls, name, chart=False):
        """A new company of the main company's currency; with ``chart``, with its chart of
        accounts, loaded as Odoo's accounting settings load it (accounts, taxes, journals,
        default properties)."""
        main = cls.env.ref("base.main_company")
        company = cls.env["res.company"].create({"name": name,
                                                 "currency_id": main.currency_id.id})
        if chart:
            user = cls.env.user
            previous = user.company_id
            user.write({"company_ids": [(4, company.id)], "company_id": company.id})
            main.chart_template_id.try_loading_for_current_company()
            user.company_id = previous
        return company

    @classmethod
    def create_product(cls, name, list_price, cost, **values):
        values.update(name=name, list_price=list_price, standard_price=cost,
                      invoice_policy=values.get("invoice_policy", "order"))
        values.setdefault("type", "consu")
        return cls.env["product.product"].create(values)

    @classmethod
    def create_order(cls, partner, lines, confirm=True, **values):
        """lines: [(product, quantity, unit price or None for the list price), ...]"""
        order_lines = []
        for product, quantity, price in lines:
            line = {"product_id": product.id, "product_uom_qty": quantity,
                    "name": product.name, "product_uom": product.uom_id.id}
            line["price_unit"] = product.list_price if price is None else price
            order_lines.append((0, 0, line))
        values.update(partner_id=partner.id, order_line=order_lines)
        order = cls.env["sale.order"].create(values)
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def invoice_order(cls, order, post=True):
        invoice = cls.env["account.invoice"].browse(order.action_invoice_create())
        if post:
            invoice.action_invoice_open()
        return invoice

    @classmethod
    def create_invoice(cls, partner, lines, inv_type="out_invoice", post=True, **values):
        """A customer invoice (or credit note) made directly in Invoicing.

        lines: [(product, quantity, unit price), ...]; values may set date_invoice,
        currency_id, user_id, team_id...
        """
        invoice = cls.env["account.invoice"].create(dict(
            values, partner_id=partner.id, type=inv_type,
        ))
        for product, quantity, price in lines:
            line = cls.env["account.invoice.line"].new({
                "invoice_id": invoice.id, "product_id": product.id, "quantity": quantity,
            })
            line._onchange_product_id()
            line_values = line._convert_to_write(line._cache)
            line_values["price_unit"] = price
            cls.env["account.invoice.line"].create(line_values)
        invoice.compute_taxes()
        if post:
            invoice.action_invoice_open()
        return invoice

    @classmethod
    def refund_invoice(cls, invoice, mode="refund", date=None):
        """Credit note through the invoice's refund wizard, in one of its three modes."""
        values = {"filter_refund": mode, "description": "Refund"}
        if date:
            values["date_invoice"] = date
        wizard = cls.env["account.invoice.refund"].with_context(
            active_model="account.invoice", active_ids=invoice.ids, active_id=invoice.id,
        ).create(values)
        result = wizard.invoice_refund()
        domain = result.get("domain", []) if isinstance(result, dict) else []
        return cls.env["account.invoice"].search(
            [("refund_invoice_id", "=", invoice.id)] + [d for d in domain if d[0] != "type"])

    def income_balance(self, date_from, date_to, company):
        """Credit minus debit of the income accounts on posted customer invoices and
        credit notes: what the general ledger says was earned."""
        income_types = (self.env.ref("account.data_account_type_revenue")
                        | self.env.ref("account.data_account_type_other_income"))
        lines = self.env["account.move.line"].search([
            ("account_id.user_type_id", "in", income_types.ids),
            ("invoice_id.type", "in", ("out_invoice", "out_refund")),
            ("move_id.state", "=", "posted"),
            ("date", ">=", date_from), ("date", "<=", date_to),
            ("company_id", "=", company.id),
        ])
        return -sum(lines.mapped("balance"))

    @contextmanager
    def capture_queries(self):
        """``with self.capture_queries() as queries: ...`` then ``queries`` lists the SQL
        statements run inside the block, as the cursor logs them in debug mode."""
        queries = []
        cursor = self.env.cr
        sql_log = cursor.sql_log
        cursor.sql_log = True
        try:
            with self.assertLogs("odoo.sql_db", "DEBUG") as logs:
                yield queries
        finally:
            cursor.sql_log = sql_log
        queries.extend(record.args[0] for record in logs.records
                       if record.msg == "query: %s")

    @contextmanager
    def count_queries(self):
        """``with self.count_queries() as counter: ...`` then ``counter["queries"]`` is the
        number of SQL statements run inside the block (Odoo 11 has no assertQueryCount)."""
        counter = {}
        start = self.env.cr.sql_log_count
        yield counter
        counter["queries"] = self.env.cr.sql_log_count - start

    def render_pdf(self, report, res_ids, data=None):
        """``report`` printed through wkhtmltopdf as outside tests (Odoo 11 renders HTML
        in tests unless a report directory is set). The page's stylesheets are left out:
        the test server would read them outside this test's transaction."""
        config = odoo.tools.config
        previous = config["test_report_directory"]
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        config["test_report_directory"] = tempfile.gettempdir()
        try:
            return report.render_qweb_pdf(res_ids, data=data)
        finally:
            config["test_report_directory"] = previous


CrmExtendedCase.setUpClass = _ends_when_failing(CrmExtendedCase.__dict__["setUpClass"].__func__)


class PipelineCase(CrmExtendedCase):
    """Leads and opportunities on crm's own stages (New, Qualified, Proposition, Won)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lead = cls.env["crm.lead"]
        cls.stage_new = cls.env.ref("crm.stage_lead1")
        cls.stage_qualified = cls.env.ref("crm.stage_lead2")
        cls.stage_proposition = cls.env.ref("crm.stage_lead3")
        cls.stage_won = cls.env.ref("crm.stage_lead4")


class CrmRequestCase(CrmExtendedCase):
    """Service request fixtures: two teams (Rita works in the support team, Sally in the
    field service team), the seeded types, and a helper that files a request."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.type_information = ref("crm_extended.request_type_information")
        cls.type_service = ref("crm_extended.request_type_service")
        cls.type_charge = ref("crm_extended.request_type_charge")
        cls.type_account = ref("crm_extended.request_type_account")
        cls.type_warranty = ref("crm_extended.request_type_warranty")
        cls.type_help = ref("crm_extended.request_type_help")
        cls.stage_new = ref("crm_extended.request_stage_new")
        cls.stage_in_progress = ref("crm_extended.request_stage_in_progress")
        cls.stage_done = ref("crm_extended.request_stage_done")
        cls.stage_cancelled = ref("crm_extended.request_stage_cancelled")
        teams = cls.env["crm.request.team"]
        cls.team_support = teams.create({
            "name": "Support", "alias_name": "crmx-support", "user_id": cls.user_manager.id,
            "member_ids": [(6, 0, [cls.user_crm.id])],
        })
        cls.team_field = teams.create({
            "name": "Field Service", "alias_name": "crmx-field",
            "member_ids": [(6, 0, [cls.user_salesman.id])],
        })

    @classmethod
    def create_request(cls, name="Question", request_type=None, partner=None, **values):
        values.update(
            name=name,
            request_type_id=(request_type or cls.type_help).id,
            partner_id=(partner if partner is not None else cls.customer).id,
        )
        return cls.env["crm.request"].create(values)


# -- portal
class PortalCase(CrmRequestCase):
    """Portal users around the shared customer: a colleague of the same company, a customer
    of another company of ours, and a customer of a second res.company; a supplier with
    portal access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = cls.env["res.partner"].create({
            "name": "Nicole Ford", "parent_id": cls.customer.id,
            "email": "nicole@azure.example.com",
        })
        cls.portal_colleague = cls.create_portal_user(cls.colleague, "crmx_portal_colleague")
        cls.other_customer, cls.other_contact = cls.create_customer(
            "Globex Logistics", "info@globex.example.com",
            "Hank Scorpio", "hank@globex.example.com")
        cls.portal_other = cls.create_portal_user(cls.other_contact, "crmx_portal_other")
        cls.company_b = cls.env["res.company"].create({
            "name": "Crmx Second Company", "currency_id": cls.currency.id,
        })
        cls.customer_b, cls.contact_b = cls.create_customer(
            "Bluebird Traders", "info@bluebird.example.com",
            "Bella Bird", "bella@bluebird.example.com", company_id=cls.company_b.id)
        cls.portal_company_b = cls.create_portal_user(cls.contact_b, "crmx_portal_b",
                                                      company=cls.company_b)
        cls.supplier, cls.supplier_contact = cls.create_customer(
            "Wood Corner", "sales@woodcorner.example.com",
            "Willie Burke", "willie@woodcorner.example.com", supplier=True, customer=False)
        cls.portal_supplier = cls.create_portal_user(cls.supplier_contact, "crmx_portal_supplier")

    @classmethod
    def create_portal_user(cls, partner, login, company=None):
        """A portal user whose password is its login."""
        company = company or cls.company
        return cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": partner.name, "login": login, "password": login,
            "partner_id": partner.id, "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
        })

    @classmethod
    def register_payment(cls, invoice, amount, date):
        """A posted payment of ``amount`` on ``invoice`` through account.payment."""
        inbound = invoice.type in ("out_invoice", "in_refund")
        journal = cls.env["account.journal"].search([
            ("type", "=", "bank"), ("company_id", "=", invoice.company_id.id)], limit=1)
        methods = (journal.inbound_payment_method_ids if inbound
                   else journal.outbound_payment_method_ids)
        payment = cls.env["account.payment"].create({
            "payment_type": "inbound" if inbound else "outbound",
            "partner_type": "customer" if invoice.type.startswith("out") else "supplier",
            "partner_id": invoice.commercial_partner_id.id, "amount": amount,
            "journal_id": journal.id, "payment_date": date,
            "payment_method_id": methods[:1].id, "invoice_ids": [(6, 0, invoice.ids)],
            "communication": invoice.number,
        })
        payment.post()
        return payment


class PortalHttpCase(PortalCase):
    """PortalCase over real HTTP. Odoo 11's HttpCase serves requests on the registry's test
    cursor, so the class-level fixtures are created on that cursor and 'committed' to its
    savepoint; each request then rolls back only to there, and each test to where it
    started."""

    #: the asset bundles of a portal page
    page_assets = ("web.assets_common", "web.assets_frontend")

    @classmethod
    def setUpClass(cls):
        cls.build_page_assets()
        odoo.registry(get_db_name()).enter_test_mode()
        super().setUpClass()
        cls.share_with_http()
        # the HTTP thread acquires the cursor for each request
        cls.cr.release()

    @classmethod
    def build_page_assets(cls):
        """Build the page's asset bundles and commit them, as a first visit to the site
        does. Built inside the test transaction, they would be rolled back after every
        test and built again (stylesheets compiled, scripts minified) on the next test's
        first page: some 15 seconds each on a busy machine."""
        with odoo.registry(get_db_name()).cursor() as cr:
            qweb = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})["ir.qweb"]
            for bundle in cls.page_assets:
                qweb._get_asset_nodes(bundle, {})

    @classmethod
    def abandon_class(cls):
        registry = odoo.registry(get_db_name())
        if registry.in_test_mode():
            registry.leave_test_mode()      # closes the test cursor, which rolls back

    @classmethod
    def share_with_http(cls):
        """Move the test cursor's savepoint past what the test wrote, so that the requests,
        which roll back to it when they end, keep it (what TestCursor.commit does; the
        transaction itself is never committed)."""
        cls.cr.execute("RELEASE SAVEPOINT test_cursor")
        cls.cr.execute("SAVEPOINT test_cursor")

    @classmethod
    def tearDownClass(cls):
        cls.cr.acquire()
        super().tearDownClass()
        cls.registry.leave_test_mode()

    def setUp(self):
        # not SavepointCase's savepoint: the requests would release it
        super(SavepointCase, self).setUp()
        # Each test in its own savepoint, taken *before* the cursor's own savepoint that the
        # requests release and roll back to, so that it survives them.
        self.cr.execute("RELEASE SAVEPOINT test_cursor")
        self.cr.execute("SAVEPOINT portal_http_test")
        self.cr.execute("SAVEPOINT test_cursor")
        self.session = odoo.http.root.session_store.new()
        self.session.db = get_db_name()
        odoo.http.root.session_store.save(self.session)
        self.opener = requests.Session()
        self.opener.cookies["session_id"] = self.session.sid

    def tearDown(self):
        super(SavepointCase, self).tearDown()
        self.cr.execute("ROLLBACK TO SAVEPOINT portal_http_test")
        self.cr.execute("RELEASE SAVEPOINT portal_http_test")
        self.cr.execute("SAVEPOINT test_cursor")
        self.env.clear()
        self.registry.clear_caches()

    def url_open(self, url, data=None, files=None, timeout=30, allow_redirects=True):
        self.share_with_http()
        url = "http://%s:%s%s" % (HOST, PORT, url)
        if data is not None or files is not None:
            response = self.opener.post(url, data=data, files=files, timeout=timeout,
                                        allow_redirects=allow_redirects)
        else:
            response = self.opener.get(url, timeout=timeout, allow_redirects=allow_redirects)
        self.env.cache.invalidate()
        return response

    def json_call(self, url, **params):
        """The result of a JSON-RPC call to ``url``, as a browser's script makes it."""
        self.share_with_http()
        response = self.opener.post("http://%s:%s%s" % (HOST, PORT, url), timeout=30, json={
            "jsonrpc": "2.0", "method": "call", "params": params})
        self.env.cache.invalidate()
        self.assertEqual(response.status_code, 200)
        return response.json().get("result")

    def count_page_queries(self, url):
        """The SQL queries the server runs to answer ``url`` (on the shared test cursor)."""
        queries = []
        cursor_class = type(self.cr)
        execute = cursor_class.execute

        def counting_execute(cr, *args, **kwargs):
            queries.append(args[0])
            return execute(cr, *args, **kwargs)
        self.share_with_http()
        cursor_class.execute = counting_execute
        try:
            response = self.url_open(url)
        finally:
            cursor_class.execute = execute
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def authenticate(self, login, password):
        self.share_with_http()
        uid = self.registry["res.users"].authenticate(get_db_name(), login, password, None)
        env = odoo.api.Environment(self.cr, uid, {})
        session = self.session
        session.uid = uid
        session.login = login
        session.session_token = security.compute_session_token(session, env)
        session.context = dict(env["res.users"].context_get(), uid=uid)
        odoo.http.root.session_store.save(session)

    def csrf_token(self):
        """A CSRF token of the authenticated session, for form posts."""
        response = self.url_open("/my/account")
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
