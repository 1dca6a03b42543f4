from . import test_common_fixtures
from . import test_security

# -- requests

# -- attribution
from . import test_attribution_propagation

# -- profitability

# -- segments

# -- portal

# -- sales force automation
