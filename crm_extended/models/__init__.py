# One block per capability (kept apart so that branches merge cleanly).

# -- requests

# -- attribution

# -- profitability

# -- segments

# -- portal
from . import res_partner

# -- sales force automation
