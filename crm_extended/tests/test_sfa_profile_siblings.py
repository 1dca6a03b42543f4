"""A B2B contact shows its company's profile; editing a contact leaves its siblings alone."""
from .common import CrmExtendedCase


class TestProfileSiblings(CrmExtendedCase):

    def _company(self, contacts):
        partners = self.env["res.partner"]
        company = partners.create({"name": "Acme (%d contacts)" % contacts,
                                   "is_company": True, "customer": True})
        for number in range(contacts):
            partners.create({"name": "Contact %d" % number, "parent_id": company.id,
                             "email": "c%d@acme.example.com" % number})
        invoicing = partners.create({"name": "Accounts payable", "parent_id": company.id,
                                     "type": "invoice"})
        return company, invoicing

    def _recomputed_by_edit(self, invoicing):
        """The partners whose stored profile an edit of ``invoicing`` marks to recompute."""
        partners = self.env["res.partner"]
        with self.env.norecompute():
            invoicing.write({"email": "ap@acme.example.com"})
            marked = partners.browse()
            for name, field in partners._fields.items():
                if name.startswith("profile_") and field.store:
                    marked |= self.env.field_todo(field)
        partners.recompute()
        return marked

    def test_editing_a_contact_recomputes_it_and_its_company_only(self):
        small, small_invoicing = self._company(2)
        large, large_invoicing = self._company(40)
        for company, invoicing in ((small, small_invoicing), (large, large_invoicing)):
            self.assertEqual(self._recomputed_by_edit(invoicing), company | invoicing,
                             "no sibling is recomputed, whatever their number")
        for company in (small, large):
            self.assertNotIn("Invoicing contact", company.profile_missing)
            self.assertIn("VAT", company.profile_missing)
            for contact in company.child_ids:
                self.assertEqual(contact.profile_missing, company.profile_missing,
                                 "a B2B contact shows its company's profile")
                self.assertEqual(contact.profile_completeness, company.profile_completeness)

    def test_search_reads_the_company_for_b2b_contacts(self):
        company, invoicing = self._company(1)
        people = company | company.child_ids
        partners = self.env["res.partner"]
        self.assertEqual(partners.search([("id", "in", people.ids),
                                          ("profile_completeness", "<", 100)]), people)
        company.write({"vat": "BE0477472701", "property_payment_term_id":
                       self.env.ref("account.account_payment_term_net").id,
                       "street": "Rue Neuve 1", "city": "Brussels",
                       "country_id": self.env.ref("base.be").id})
        invoicing.write({"email": "ap@acme.example.com", "street": "Rue Neuve 1",
                         "city": "Brussels", "country_id": self.env.ref("base.be").id})
        self.assertEqual(company.profile_completeness, 100)
        self.assertEqual(partners.search([("id", "in", people.ids),
                                          ("profile_completeness", ">=", 100)]), people)
