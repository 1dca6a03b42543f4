from odoo import fields, models


class CrmCustomerGroup(models.Model):
    """Business partner group as in ADempiere: a reporting dimension of customers."""

    _name = "crm.customer.group"
    _description = "Customer Group"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.user.company_id,
        help="Leave empty to share the group between companies.")
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")

    _sql_constraints = [
        ("code_company_uniq", "unique (code, company_id)",
         "The code of a customer group must be unique per company."),
    ]

    @staticmethod
    def _commercial_partner_domain():
        # contacts inherit the group from their company: count each customer once
        return ["|", ("is_company", "=", True), ("parent_id", "=", False)]

    def _compute_partner_count(self):
        data = self.env["res.partner"].read_group(
            [("customer_group_id", "in", self.ids)] + self._commercial_partner_domain(),
            ["customer_group_id"], ["customer_group_id"])
        counts = {d["customer_group_id"][0]: d["customer_group_id_count"] for d in data}
        for group in self:
            group.partner_count = counts.get(group.id, 0)

    def action_view_partners(self):
        self.ensure_one()
        action = self.env.ref("base.action_partner_form").read()[0]
        action["domain"] = [("customer_group_id", "=", self.id)] + self._commercial_partner_domain()
        action["context"] = {"default_customer_group_id": self.id}
        return action
