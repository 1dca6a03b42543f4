# -- portal
from . import portal
