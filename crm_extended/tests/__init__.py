from . import test_common_fixtures
from . import test_security

# -- requests

# -- attribution
from . import test_attribution_propagation

# -- profitability

# -- segments
from . import test_interest_subscription

# -- portal

# -- sales force automation
from . import test_sfa_customer_profile
from . import test_sfa_opportunity
from . import test_sfa_lead_conversion
