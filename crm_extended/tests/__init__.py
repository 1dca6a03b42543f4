from . import test_common_fixtures
from . import test_security
