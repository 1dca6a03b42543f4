from odoo import api, models
from odoo.tools.sql import create_index


class MailMailStatistics(models.Model):
    _inherit = "mail.mail.statistics"

    @api.model_cr
    def init(self):
        # Every new order without a campaign looks up the last mailing its customer received
        # (sale.order._last_touch_mailing), and the partner timeline lists a partner's mails:
        # both read the statistics of one document, which stock Odoo does not index.
        create_index(self._cr, "mail_mail_statistics_res_id_model_sent_index", self._table,
                     ["res_id", "model", "sent"])
