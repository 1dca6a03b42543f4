# One block per capability (kept apart so that branches merge cleanly).

# -- requests

# -- attribution

# -- profitability

# -- segments
from . import crm_interest_area
from . import crm_interest_subscription

# -- portal

# -- sales force automation
