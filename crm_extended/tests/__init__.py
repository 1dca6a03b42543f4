from . import test_common_fixtures
from . import test_security

# -- requests
from . import test_request_model
from . import test_request_access

# -- attribution

# -- profitability

# -- segments

# -- portal

# -- sales force automation
