from . import test_common_fixtures
from . import test_security

# -- requests

# -- attribution

# -- profitability

# -- segments

# -- portal

# -- sales force automation
from . import test_sfa_customer_profile
