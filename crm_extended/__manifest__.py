# Copyright 2026 crm_extended authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "CRM Extended",
    "summary": "Service requests, campaign attribution, customer profitability, "
               "segments and a self-service portal in Odoo's own screens",
    "version": "11.0.1.4.0",
    "category": "Sales",
    "website": "https://github.com/crm-extended/crm_extended",
    "author": "crm_extended authors",
    "license": "LGPL-3",
    "depends": [
        "crm",
        "sale_management",
        "sale_crm",
        "account_invoicing",
        "account_payment",
        "portal",
        "mass_mailing",
        "utm",
        "resource",
        "l10n_generic_coa",
    ],
    # it computes the invoices' margin (same fields, its own figures) and would share the
    # columns of ours: one or the other
    "excludes": ["account_invoice_margin"],
    "data": [
        "security/crm_extended_security.xml",
        "security/ir.model.access.csv",
        "views/assets.xml",

        # -- requests
        "security/crm_request_security.xml",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "data/crm_request_stage_data.xml",
        "data/crm_request_type_data.xml",
        # data/ir_cron_data.xml (escalation cron): shared, loaded in the profitability block
        "views/crm_request_views.xml",
        "views/crm_request_type_views.xml",
        "views/crm_request_category_views.xml",
        "views/crm_request_stage_views.xml",
        "views/crm_request_team_views.xml",
        "views/crm_request_routing_rule_views.xml",
        "security/crm_request_sla_security.xml",
        "data/crm_request_sla_data.xml",
        "views/crm_request_sla_policy_views.xml",
        "views/crm_request_sla_line_views.xml",
        "views/crm_request_resolution_views.xml",
        "views/crm_request_response_template_views.xml",
        "wizards/crm_request_reply_views.xml",
        "views/crm_request_sla_views.xml",
        "report/crm_request_sla_report_views.xml",

        # -- attribution
        "views/sale_order_views.xml",
        "views/account_invoice_views.xml",
        "views/utm_campaign_views.xml",
        "views/crm_campaign_report_views.xml",
        "data/crm_extended_attribution_data.xml",
        "security/crm_campaign_report_security.xml",

        # -- profitability
        "security/crm_profitability_security.xml",
        "data/ir_cron_data.xml",
        "views/crm_customer_group_views.xml",
        "views/crm_profitability_report_views.xml",
        "report/crm_profitability_templates.xml",
        "views/crm_profitability_print_views.xml",
        "views/res_partner_views.xml",
        "views/crm_partner_ranking_views.xml",

        # -- segments
        "security/crm_segment_security.xml",
        "views/crm_interest_area_views.xml",
        "views/crm_interest_subscription_views.xml",
        "views/crm_segment_views.xml",
        "views/mail_mass_mailing_views.xml",
        "data/crm_segment_data.xml",
        "report/crm_retention_report_views.xml",
        "report/crm_rfm_report_views.xml",

        # -- portal
        "security/portal_security.xml",
        "report/report_partner_statement.xml",
        "views/portal_templates.xml",
        "views/crm_request_sla_portal_templates.xml",

        # -- sales force automation
        "data/crm_stage_data.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/crm_mailing_list_add_views.xml",
        "security/crm_sfa_security.xml",
        "views/crm_sales_forecast_views.xml",
        "report/crm_sales_forecast_report_views.xml",
        "views/crm_partner_timeline_views.xml",
        # views/res_partner_views.xml: loaded once, in the profitability block

        # -- channel (resellers)
        "security/crm_channel_security.xml",
        "data/crm_channel_data.xml",
        "views/crm_partner_grade_views.xml",
        "views/crm_partner_activation_views.xml",
        "views/res_partner_channel_views.xml",
        "views/crm_lead_channel_views.xml",
        "wizards/crm_lead_assign_partner_views.xml",
        "report/crm_partner_report_views.xml",
        "views/portal_channel_templates.xml",

        # -- lifetime value
        "security/crm_clv_security.xml",
        "data/crm_clv_data.xml",
        "views/crm_clv_model_views.xml",
        "views/crm_partner_clv_views.xml",

        # -- lead scoring
        "views/crm_lead_scoring_views.xml",

        # menus last: they point at the actions above
        "views/crm_extended_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",

        # -- requests
        "demo/crm_request_demo.xml",
        "demo/crm_request_sla_demo.xml",

        # -- attribution
        "demo/utm_campaign_demo.xml",

        # -- profitability
        "demo/crm_profitability_demo.xml",

        # -- segments
        "demo/crm_interest_demo.xml",
        "demo/crm_segment_demo.xml",

        # -- portal
        "demo/portal_demo.xml",

        # -- sales force automation
        "demo/crm_sfa_demo.xml",

        # -- channel (resellers)
        "demo/crm_channel_demo.xml",
    ],
    # lifetime value: BG/NBD and Gamma-Gamma fitted with SciPy (see README)
    "external_dependencies": {"python": ["numpy", "scipy"]},
    # hooks.py: one function per capability
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}
