# -- profitability
from . import pivot

# -- portal
from . import payment
from . import portal
