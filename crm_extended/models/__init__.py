# One block per capability (kept apart so that branches merge cleanly).

# -- requests

# -- attribution
from . import sale_order
from . import account_invoice

# -- profitability

# -- segments
from . import crm_interest_area
from . import crm_interest_subscription

# -- portal

# -- sales force automation
from . import res_partner
from . import crm_lead
from . import mail_activity
from . import mail_mass_mailing_contact
from . import res_config_settings
