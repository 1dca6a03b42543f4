from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # -- sales force automation: a lead's next step follows its next scheduled activity

    @api.multi
    def _leads(self):
        lead_ids = [activity.res_id for activity in self.sudo()
                    if activity.res_model == "crm.lead"]
        return self.env["crm.lead"].browse(lead_ids)

    @api.model
    def create(self, values):
        activity = super().create(values)
        activity._leads()._sync_next_step()
        return activity

    @api.multi
    def write(self, values):
        leads = self._leads()
        result = super().write(values)
        (leads | self._leads())._sync_next_step()
        return result

    @api.multi
    def unlink(self):
        # done (action_feedback) and cancelled activities both end here
        leads = self._leads()
        result = super().unlink()
        leads._sync_next_step()
        return result
