from . import test_common_fixtures
from . import test_security

# -- requests

# -- attribution

# -- profitability
from . import test_invoice_margin
from . import test_customer_ranking

# -- segments

# -- portal

# -- sales force automation
