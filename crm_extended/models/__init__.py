# One block per capability (kept apart so that branches merge cleanly).

# -- requests

# -- attribution
from . import sale_order
from . import account_invoice
from . import utm_campaign

# -- profitability

# -- segments
from . import crm_interest_area
from . import crm_interest_subscription
from . import crm_segment

# -- portal (res_partner is imported below)

# -- sales force automation
from . import res_partner
