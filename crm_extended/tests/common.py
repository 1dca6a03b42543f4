from odoo.tests.common import SavepointCase


class CrmExtendedCase(SavepointCase):
    """One user per security group, created the way Odoo 11 crm's own tests do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_create_nolog=True, no_reset_password=True))
        cls.company = cls.env.ref("base.main_company")
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
            "name": "Brandon Freeman", "login": "crmx_portal", "partner_id": cls.contact.id,
            "groups_id": [(6, 0, [cls.env.ref("base.group_portal").id])],
        })
