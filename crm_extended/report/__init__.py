# -- portal
from . import report_partner_statement
