from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

from odoo.addons.account.controllers.portal import PortalAccount
from odoo.addons.account_payment.controllers.payment import PaymentPortal


class InvoicePaymentPortal(PaymentPortal):
    """The statement's Pay Now leads to Odoo's own invoice payment. Stock Odoo 11 creates a
    payment transaction for whatever invoice id it is given and answers with the acquirer's
    form, which carries that invoice's number and amount: here only the invoices the visitor
    may read, or whose access token they hold, get that far."""

    @staticmethod
    def _may_pay(invoice_id, access_token):
        # the check of the stock invoice page: the user's rules, else the access token
        try:
            PortalAccount()._invoice_check_access(invoice_id, access_token)
        except (AccessError, MissingError):
            return False
        return True

    @route()
    def invoice_pay_form(self, acquirer_id, invoice_id, save_token=False, access_token=None,
                         **kwargs):
        if not self._may_pay(invoice_id, access_token):
            return False
        return super().invoice_pay_form(acquirer_id, invoice_id, save_token=save_token,
                                        access_token=access_token, **kwargs)

    @route()
    def invoice_pay_token(self, invoice_id, pm_id=None, **kwargs):
        if not self._may_pay(invoice_id, kwargs.get("access_token")):
            return request.redirect("/my")
        return super().invoice_pay_token(invoice_id, pm_id=pm_id, **kwargs)
