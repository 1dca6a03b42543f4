from . import test_common_fixtures
from . import test_security

# -- requests

# -- attribution
from . import test_attribution_propagation
from . import test_attribution_results

# -- profitability

# -- segments

# -- portal

# -- sales force automation
