# One block per capability (kept apart so that branches merge cleanly).

# -- requests
from . import crm_request_sla_report

# -- attribution
from . import crm_campaign_report
from . import sale_report
from . import account_invoice_report

# -- profitability
from . import crm_profitability_line
from . import crm_profitability_report

# -- segments
from . import crm_retention_report
from . import crm_rfm_report

# -- portal
from . import report_partner_statement

# -- sales force automation
from . import crm_sales_forecast_report
from . import crm_partner_timeline

# -- channel (resellers)
from . import crm_partner_report
