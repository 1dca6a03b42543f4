from .common import CrmExtendedCase


class TestSecurityGroups(CrmExtendedCase):

    def test_salespeople_work_with_crm_extended(self):
        """Sales users meet requests and analytics without an extra group to tick."""
        self.assertTrue(self.user_salesman.has_group("crm_extended.group_crm_extended_user"))
        self.assertFalse(self.user_salesman.has_group("crm_extended.group_crm_extended_manager"))

    def test_sales_managers_manage_crm_extended(self):
        manager = self.env["res.users"].create({
            "name": "Sam Sales Manager", "login": "crmx_sales_manager",
            "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_manager").id])],
        })
        self.assertTrue(manager.has_group("crm_extended.group_crm_extended_manager"))

    def test_portal_users_get_no_internal_group(self):
        self.assertFalse(self.portal_user.has_group("crm_extended.group_crm_extended_user"))
        self.assertTrue(self.portal_user.has_group("base.group_portal"))
