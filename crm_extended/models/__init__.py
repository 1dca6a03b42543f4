# One block per capability (kept apart so that branches merge cleanly).

# -- requests

# -- attribution

# -- profitability

# -- segments

# -- portal

# -- sales force automation
from . import res_partner
