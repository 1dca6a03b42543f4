from . import test_common_fixtures
from . import test_security

# -- requests

# -- attribution

# -- profitability

# -- segments

# -- portal
from . import test_portal_guard
from . import test_portal_pages
from . import test_portal_statement

# -- sales force automation
