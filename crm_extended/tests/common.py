from contextlib import contextmanager

from odoo.tests.common import SavepointCase


class CrmExtendedCase(SavepointCase):
    """Shared fixtures: one user per security group (created the way Odoo 11 crm's own
    tests do), customers with a portal contact, products, and helpers that make real
    orders and posted invoices through Odoo's own flows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_create_nolog=True, no_reset_password=True))
        cls.company = cls.env.ref("base.main_company")
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
        cls.customer = cls.env["res.partner"].create({
            "name": "Azure Interior", "is_company": True, "customer": True,
            "email": "info@azure.example.com",
        })
        cls.contact = cls.env["res.partner"].create({
            "name": "Brandon Freeman", "parent_id": cls.customer.id,
            "email": "brandon@azure.example.com",
        })
        cls.portal_user = users.create({
            "name": "Brandon Freeman", "login": "crmx_portal", "password": "crmx_portal",
            "partner_id": cls.contact.id,
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
        })
        cls.product = cls.create_product("Office Chair", list_price=200.0, cost=120.0)
        cls.service = cls.create_product("Installation", list_price=80.0, cost=30.0,
                                         type="service")

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

    @contextmanager
    def count_queries(self):
        """``with self.count_queries() as counter: ...`` then ``counter["queries"]`` is the
        number of SQL statements run inside the block (Odoo 11 has no assertQueryCount)."""
        counter = {}
        start = self.env.cr.sql_log_count
        yield counter
        counter["queries"] = self.env.cr.sql_log_count - start


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
