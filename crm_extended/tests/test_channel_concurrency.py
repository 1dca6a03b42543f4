import threading
import time

import odoo
from odoo.exceptions import UserError
from odoo.tests import common


@common.at_install(False)
@common.post_install(True)
class TestChannelConcurrentAccept(common.BaseCase):
    """Two users of a reseller accept the same lead at the same moment, on two real
    connections: one wins, the other is told. The fixtures are committed (each connection
    must see them) and removed afterwards."""

    def setUp(self):
        super().setUp()
        self.db = common.get_db_name()
        self.registry = odoo.registry(self.db)
        with self.env_cursor() as env:
            env = env(context=dict(env.context, tracking_disable=True,
                                   no_reset_password=True, mail_create_nolog=True))
            reseller = env["res.partner"].create({
                "name": "Crmx Race Reseller", "is_company": True, "is_channel_partner": True,
                "partner_country_ids": [(6, 0, env.ref("base.us").ids)],
                "partner_capacity": 5})
            lead = env["crm.lead"].create({"name": "Crmx Race Lead", "type": "lead",
                                           "country_id": env.ref("base.us").id})
            lead.write({"partner_assigned_id": reseller.id})
            self.reseller_id, self.lead_id = reseller.id, lead.id
        self.addCleanup(self.cleanup)

    def env_cursor(self):
        registry = self.registry

        class Context:
            def __enter__(inner):
                inner.cr = odoo.sql_db.db_connect(self.db).cursor()
                return odoo.api.Environment(inner.cr, odoo.SUPERUSER_ID, {})

            def __exit__(inner, exc_type, *args):
                if exc_type:
                    inner.cr.rollback()
                else:
                    inner.cr.commit()
                inner.cr.close()
                return False
        del registry
        return Context()

    def cleanup(self):
        with self.env_cursor() as env:
            env.cr.execute("DELETE FROM mail_message WHERE model = 'crm.lead' AND res_id = %s",
                           (self.lead_id,))
            env.cr.execute("DELETE FROM mail_followers WHERE res_model = 'crm.lead' "
                           "AND res_id = %s", (self.lead_id,))
            env.cr.execute("DELETE FROM crm_lead WHERE id = %s", (self.lead_id,))
            env.cr.execute("DELETE FROM res_partner WHERE id = %s", (self.reseller_id,))

    def accept(self, cr, outcome):
        """As a portal request does: Odoo's request handling (service.model.check) rolls
        back and retries a transaction that failed to serialize."""
        @odoo.service.model.check
        def attempt(dbname):
            cr.rollback()
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["crm.lead"].browse(self.lead_id)._partner_accept(
                env["res.partner"].browse(self.reseller_id))

        with odoo.api.Environment.manage():
            try:
                attempt(self.db)
                outcome.append("accepted")
            except UserError as error:
                outcome.append(error.name)

    def test_two_accepts_one_winner(self):
        first_cr = odoo.sql_db.db_connect(self.db).cursor()
        second_cr = odoo.sql_db.db_connect(self.db).cursor()
        try:
            first, second = [], []
            self.accept(first_cr, first)  # holds the lead's row until it commits
            second_cr.execute("SELECT pg_backend_pid()")
            second_pid = second_cr.fetchone()[0]
            thread = threading.Thread(target=self.accept, args=(second_cr, second))
            thread.start()
            self.wait_until_blocked(first_cr, second_pid)
            self.assertFalse(second, "the second accept waits for the first")
            first_cr.commit()
            thread.join(30)
            second_cr.commit()
        finally:
            first_cr.close()
            second_cr.close()
        self.assertEqual(first, ["accepted"])
        self.assertEqual(len(second), 1)
        self.assertIn("already been accepted", second[0])
        with self.env_cursor() as env:
            lead = env["crm.lead"].browse(self.lead_id)
            self.assertEqual(lead.partner_assign_state, "accepted")
            self.assertEqual(len(lead.partner_assignment_ids), 1)
            self.assertEqual(lead.partner_assignment_ids.state, "accepted")

    @staticmethod
    def wait_until_blocked(cr, pid, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            cr.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,))
            row = cr.fetchone()
            if row and row[0] == "Lock":
                return
            time.sleep(0.05)
        raise AssertionError("the second accept never waited for the first")
