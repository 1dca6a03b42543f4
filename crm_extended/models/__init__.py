# One block per capability (kept apart so that branches merge cleanly).

# -- record rules of the documents behind reports (used by report/)
from . import crm_document_rules_mixin

# -- requests
from . import crm_request_routing_source
from . import crm_request_stage
from . import crm_request_category
from . import crm_request_team
from . import crm_request_type
from . import crm_request_routing_rule
from . import crm_request
from . import crm_request_sla_policy
from . import crm_request_sla_escalation
from . import crm_request_sla_line
from . import crm_request_sla
from . import crm_request_resolution
from . import crm_request_response_template
from . import crm_request_work
from . import mail_thread_auto_submitted
from . import crm_request_portal
from . import sale_order_requests
from . import account_invoice_requests

# -- attribution
from . import sale_order_attribution
from . import account_invoice_attribution
from . import utm_campaign
from . import mail_mail_statistics

# -- profitability
from . import crm_customer_group
from . import account_invoice_profitability
from . import account_invoice_line

# -- segments
from . import crm_interest_area
from . import crm_interest_subscription
from . import crm_segment
from . import crm_partner_rfm
from . import mail_mass_mailing

# -- portal (res_partner_* are imported below)

# -- sales force automation
from . import res_partner_requests
from . import res_partner_portal
from . import res_partner_statement
from . import res_partner_profitability
from . import res_partner_rfm
from . import res_partner_sfa
from . import res_partner_timeline
from . import crm_lead_sfa
from . import crm_lead_contact_lists
from . import crm_lead_conversion
from . import mail_activity
from . import mail_mass_mailing_contact
from . import res_config_settings
from . import crm_sales_forecast
from . import crm_sales_forecast_line

# -- channel (resellers)
from . import crm_partner_grade
from . import crm_partner_activation
from . import crm_partner_assignment
from . import res_partner_channel
from . import crm_lead_channel
from . import crm_stage_channel
from . import ir_attachment_channel
# -- lifetime value
from . import crm_clv_model
from . import crm_partner_clv
from . import res_partner_clv
from . import crm_segment_clv
# -- lead scoring
from . import crm_lead_scoring_frequency
from . import crm_lead_scoring
