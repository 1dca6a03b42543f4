# One block per capability (kept apart so that branches merge cleanly).

# -- requests
from . import crm_request_stage
from . import crm_request_category
from . import crm_request_team
from . import crm_request_type
from . import crm_request_routing_rule
from . import crm_request

# -- attribution

# -- profitability

# -- segments

# -- portal

# -- sales force automation
