# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Service levels move from one deadline per request to SLA lines.

Each request type with a deadline in working days gets a resolution policy with the same
promise in working hours (days times the company calendar's hours per day), and each request
of such a type that has a deadline gets its line: running with the deadline it was given for
the open requests (already escalated ones at the first step of the new ladder, so that the
first run of the scheduled action does not escalate them again), met or missed by its closing
date for the closed ones. The requests' own deadline and escalation flag then derive from the
lines, as for new requests."""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    env["crm.request.sla.policy"]._migrate_from_type_deadlines()
