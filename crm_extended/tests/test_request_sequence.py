"""A request type draws its case numbers from a numbering of its own: nobody below Settings
can point it at another (the customer invoices' numbering, whose gaps are illegal)."""
from odoo.exceptions import AccessError

from .common import CrmRequestCase


class TestRequestTypeSequence(CrmRequestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_sequence = cls.env["account.journal"].search([
            ("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1).sequence_id
        cls.user_admin = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Sam Settings", "login": "crmx_settings", "email": "sam@example.com",
            "groups_id": [(6, 0, [cls.env.ref("base.group_system").id,
                                  cls.env.ref("crm_extended.group_crm_extended_manager").id])],
        })

    def invoice_numbering(self):
        """Prefix, next number and next number of each yearly range: what a draw or a
        rename would change."""
        self.invoice_sequence.invalidate_cache()
        sequence = self.invoice_sequence
        return (sequence.prefix, sequence.number_next_actual,
                sorted((year.date_from, year.number_next_actual)
                       for year in sequence.date_range_ids))

    def test_a_sales_manager_cannot_point_a_type_at_another_numbering(self):
        self.assertTrue(self.invoice_sequence)
        before = self.invoice_numbering()
        manager_types = self.env["crm.request.type"].sudo(self.user_manager)
        with self.assertRaises(AccessError):
            self.type_help.sudo(self.user_manager).write(
                {"sequence_id": self.invoice_sequence.id})
        with self.assertRaises(AccessError):
            manager_types.create({"name": "Sneaky", "sequence_id": self.invoice_sequence.id})
        self.assertFalse(self.type_help.sequence_id)
        self.assertEqual(self.invoice_numbering(), before)

    def test_a_prefix_never_renames_a_numbering_the_type_does_not_own(self):
        """A type an administrator pointed at the invoice numbering: a manager changing
        its prefix gives it a numbering of its own, and its requests never draw from the
        invoices' one again."""
        self.type_help.sudo(self.user_admin).write({"sequence_id": self.invoice_sequence.id})
        before = self.invoice_numbering()
        self.type_help.sudo(self.user_manager).write({"prefix": "HLP-"})
        self.assertEqual(self.invoice_numbering(), before)
        self.assertNotEqual(self.type_help.sequence_id, self.invoice_sequence)
        self.assertTrue(self.type_help._has_own_sequence())
        request = self.create_request("How to?", request_type=self.type_help)
        self.assertRegex(request.number, r"^HLP-\d{5}$")
        self.assertEqual(self.invoice_numbering(), before)
        # its own numbering is renamed in place
        own = self.type_help.sequence_id
        self.type_help.sudo(self.user_manager).write({"prefix": "HOW-"})
        self.assertEqual((self.type_help.sequence_id, own.prefix), (own, "HOW-"))

    def test_administrators_choose_the_numbering(self):
        self.type_help.sudo(self.user_admin).write({"sequence_id": self.invoice_sequence.id})
        self.assertEqual(self.type_help.sequence_id, self.invoice_sequence)

    def test_migration_gives_each_type_a_numbering_of_its_own(self):
        """Before the fix a manager could point types at any numbering. The upgrade gives
        the first such type its own numbering (same prefix, continuing) and sends a type
        sharing another's own numbering back to the generic one: the invoices' numbering
        is untouched and no two types hand out the same number."""
        self.type_warranty.invalidate_cache()
        warranty_sequence = self.type_warranty.sequence_id
        self.assertTrue(self.type_warranty._has_own_sequence())
        # what a manager could write before: the superuser's write, as the addon did
        self.type_help.sudo().write({"sequence_id": self.invoice_sequence.id})
        self.type_service.sudo().write({"sequence_id": warranty_sequence.id})
        before = self.invoice_numbering()
        self.env["crm.request.type"]._migrate_foreign_sequences()
        self.assertEqual(self.invoice_numbering(), before)
        self.assertEqual(self.type_warranty.sequence_id, warranty_sequence)
        self.assertTrue(self.type_help._has_own_sequence())
        self.assertEqual((self.type_help.sequence_id.prefix,
                          self.type_help.sequence_id.number_next_actual),
                         before[:2])
        self.assertFalse(self.type_service.sequence_id)
        numbers = [self.create_request("Q", request_type=rtype).number
                   for rtype in (self.type_help, self.type_service, self.type_warranty)]
        self.assertEqual(len(set(numbers)), 3)
        self.assertEqual(self.invoice_numbering(), before)
        # run again (an upgrade repeated): nothing changes
        own = self.type_help.sequence_id
        self.env["crm.request.type"]._migrate_foreign_sequences()
        self.assertEqual(self.type_help.sequence_id, own)
