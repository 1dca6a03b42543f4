from . import test_common_fixtures
from . import test_security
from . import test_i18n_es

# -- requests
from . import test_request_model
from . import test_request_access
from . import test_request_routing
from . import test_request_confirmation
from . import test_request_mail
from . import test_request_escalation
from . import test_request_documents
from . import test_request_sla_time
from . import test_request_sla_clock
from . import test_request_sla_escalation
from . import test_request_sla_automation
from . import test_request_sla_portal
from . import test_request_work_invoice
from . import test_request_sla_report
from . import test_request_sla_migration
from . import test_request_sequence

# -- attribution
from . import test_attribution_propagation
from . import test_attribution_results
from . import test_attribution_report
from . import test_attribution_mailing
from . import test_attribution_overhead

# -- profitability
from . import test_invoice_margin
from . import test_customer_ranking
from . import test_profitability_report
from . import test_profitability_print
from . import test_profitability_facts
from . import test_profitability_xlsx

# -- segments
from . import test_interest_subscription
from . import test_segment_criteria
from . import test_segment_mailing_list
from . import test_segment_rfm
from . import test_segment_retention

# -- portal
from . import test_portal_guard
from . import test_portal_interests
from . import test_portal_pages
from . import test_portal_payment
from . import test_portal_requests
from . import test_portal_statement
from . import test_portal_boundaries

# -- sales force automation
from . import test_sfa_customer_profile
from . import test_sfa_opportunity
from . import test_sfa_lead_conversion
from . import test_sfa_forecast
from . import test_sfa_timeline
from . import test_profitability_internals
from . import test_sfa_profile_siblings
from . import test_email_normalisation
from . import test_request_routing_cache
from . import test_role_boundaries

# -- channel (resellers)
from . import test_channel_assignment
from . import test_channel_access
from . import test_channel_registration
from . import test_channel_report
from . import test_channel_concurrency
from . import test_portal_channel

# -- lifetime value
from . import test_clv_model

# -- lead scoring
from . import test_lead_scoring
