from . import models
# Later packages (controllers, report, wizards) and hooks are imported below, one block per
# capability, so that parallel branches merge without touching each other's lines.

# -- requests

# -- attribution
from . import wizards
from . import report

# -- profitability
from .hooks import post_init_hook, pre_init_hook

# -- segments

# -- portal (the report package is imported above)
from . import controllers

# -- sales force automation

# -- reliability
from .hooks import uninstall_hook
