# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lead scoring: the frequency tables are built and the open leads scored at the upgrade.

Databases of 11.0.1.3.0 or older had no automated probability: without this, their leads
showed 0 % until the first nightly run. The leads whose probability was set by hand keep it
(probability_manual), as the nightly run does."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["crm.lead"]._cron_lead_scoring()
