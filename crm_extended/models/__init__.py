# One block per capability (kept apart so that branches merge cleanly).

# -- requests

# -- attribution

# -- profitability
from . import crm_customer_group
from . import res_partner
from . import account_invoice
from . import account_invoice_line

# -- segments

# -- portal

# -- sales force automation
