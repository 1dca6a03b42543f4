from . import test_common_fixtures
from . import test_security

# -- requests

# -- attribution

# -- profitability

# -- segments
from . import test_interest_subscription

# -- portal

# -- sales force automation
