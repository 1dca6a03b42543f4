# One block per capability (kept apart so that branches merge cleanly).

# -- requests

# -- attribution
from . import sale_advance_payment_inv

# -- profitability
from . import crm_profitability_print

# -- segments

# -- portal

# -- sales force automation
