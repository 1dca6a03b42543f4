"""Mail gateway: auto-submitted mail (auto-replies, bounces, lists) is filed but never answered."""
import logging

from odoo import api, models
from odoo.tools import decode_message_header, email_split

_logger = logging.getLogger(__name__)

# RFC 3834 and the headers mailers use in practice to mark what no human wrote.
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTO_HEADERS = ("X-Autoreply", "X-Autorespond")
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}


def is_auto_submitted(message):
    """Whether `message` (an email.message.Message) was sent by a machine that an answer
    could set off again: an answer to it would risk a mail loop or backscatter."""
    def header(name):
        return decode_message_header(message, name).strip().lower()

    auto_submitted = header("Auto-Submitted").split(";")[0].strip()
    if auto_submitted and auto_submitted != "no":
        return True
    if header("Precedence") in AUTO_PRECEDENCE:
        return True
    if any(header(name) not in ("", "no") for name in AUTO_HEADERS):
        return True
    if message.get_content_type() == "multipart/report":
        return True
    # An empty envelope sender is how mail servers send delivery reports.
    if message.get("Return-Path") is not None and header("Return-Path") in ("", "<>"):
        return True
    sender = (email_split(decode_message_header(message, "From")) or [""])[0]
    return sender.split("@")[0].lower() in BOUNCE_SENDERS


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route_process(self, message, message_dict, routes):
        # The documents' own answers (a request's confirmation) read this flag.
        if is_auto_submitted(message):
            self = self.with_context(mail_auto_submitted=True)
        return super(MailThread, self).message_route_process(message, message_dict, routes)

    def _routing_create_bounce_email(self, email_from, body_html, message):
        # Refusing an auto-reply with a mail would start the loop this refusal ends.
        if is_auto_submitted(message):
            _logger.info("Not answering the refused auto-submitted mail %s from %s",
                         message.get("Message-Id"), email_from)
            return
        return super()._routing_create_bounce_email(email_from, body_html, message)
