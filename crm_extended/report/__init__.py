# One block per capability (kept apart so that branches merge cleanly).

# -- requests

# -- attribution

# -- profitability
from . import crm_profitability_report

# -- segments

# -- portal

# -- sales force automation
