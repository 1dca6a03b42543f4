from . import test_common_fixtures
from . import test_security

# -- requests

# -- attribution
from . import test_attribution_propagation

# -- profitability

# -- segments
from . import test_interest_subscription
from . import test_segment_criteria
from . import test_segment_mailing_list

# -- portal

# -- sales force automation
from . import test_sfa_customer_profile
