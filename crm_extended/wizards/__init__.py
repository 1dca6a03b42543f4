# One block per capability (kept apart so that branches merge cleanly).

# -- requests
from . import crm_request_reply

# -- attribution
from . import sale_advance_payment_inv

# -- profitability
from . import crm_profitability_print

# -- segments

# -- portal

# -- sales force automation
from . import crm_lead_to_opportunity
from . import crm_mailing_list_add

# -- channel (resellers)
from . import crm_lead_assign_partner
