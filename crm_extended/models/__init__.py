# One block per capability (kept apart so that branches merge cleanly).

# -- requests

# -- attribution
from . import sale_order
from . import account_invoice
from . import utm_campaign

# -- profitability
from . import crm_customer_group
from . import account_invoice_line

# -- segments
from . import crm_interest_area
from . import crm_interest_subscription
from . import crm_segment

# -- portal

# -- sales force automation
from . import res_partner
