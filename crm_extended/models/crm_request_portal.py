"""Service requests toward the portal: the files customers attach, the attachments they may
see, and the access token that follows the request's audience."""
import base64
import os
import uuid

from odoo import _, api, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools.mimetypes import guess_mimetype

# What customers may attach: documents and images, each stored with the type its extension
# stands for (never one guessed from the content or sent by the browser), so that nothing
# uploaded is ever served as HTML, SVG or XML. Images and PDFs must also look like one.
PORTAL_UPLOAD_TYPES = {
    ".pdf": ("application/pdf", True),
    ".png": ("image/png", True),
    ".jpg": ("image/jpeg", True),
    ".jpeg": ("image/jpeg", True),
    ".gif": ("image/gif", True),
    ".txt": ("text/plain", False),
    ".csv": ("text/csv", False),
    ".doc": ("application/msword", False),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    ".xls": ("application/vnd.ms-excel", False),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    ".odt": ("application/vnd.oasis.opendocument.text", False),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", False),
}
PORTAL_UPLOAD_MAX_SIZE = 10 * 1024 * 1024  # one file
PORTAL_UPLOAD_MAX_COUNT = 5  # files of one post
PORTAL_REQUEST_MAX_SIZE = 25 * 1024 * 1024  # every file of one request together

# Attachments of requests a customer may see: the ones of messages the portal shows them (a
# subtype that is not internal, as mail.message filters for non-employees). Files staff
# attached to notes or to the request itself stay internal.
HIDDEN_REQUEST_ATTACHMENTS = """
    SELECT a.id FROM ir_attachment a
     WHERE a.id IN %s AND a.res_model = 'crm.request' AND NOT COALESCE(a.public, FALSE)
       AND NOT EXISTS (
           SELECT 1 FROM message_attachment_rel rel
             JOIN mail_message m ON m.id = rel.message_id
             JOIN mail_message_subtype st ON st.id = m.subtype_id
            WHERE rel.attachment_id = a.id AND m.model = 'crm.request' AND m.res_id = a.res_id
              AND NOT st.internal)
"""

# Who the request is shown to: when one of these changes, links sent before stop working.
AUDIENCE_FIELDS = ("partner_id", "confidentiality")


class CrmRequest(models.Model):
    _inherit = "crm.request"

    @api.multi
    def write(self, vals):
        moved = self.browse()
        if any(name in vals for name in AUDIENCE_FIELDS):
            moved = self.filtered(lambda request: any(
                name in vals and request._fields[name].convert_to_write(
                    request[name], request) != vals[name] for name in AUDIENCE_FIELDS))
        result = super().write(vals)
        for request in moved:
            super(CrmRequest, request).write({"access_token": str(uuid.uuid4())})
        return result

    def _portal_attachments(self):
        """The attachments of the request its customer sees (as superuser: read after the
        caller checked access to the request)."""
        self.ensure_one()
        attachments = self.env["ir.attachment"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "=", self.id)])
        return attachments - attachments.browse(
            attachments._crm_request_hidden_from_portal())

    def _check_portal_files(self, files):
        """Refuses (ValidationError) files a customer may not attach: ``files`` are
        (name, content) pairs of one post, checked against the allowlist, the size of
        each file and of the request as a whole (``self`` the request, or none when new)."""
        if len(files) > PORTAL_UPLOAD_MAX_COUNT:
            raise ValidationError(_("Attach at most %d files.") % PORTAL_UPLOAD_MAX_COUNT)
        for name, content in files:
            extension = os.path.splitext(name)[1].lower()
            if extension not in PORTAL_UPLOAD_TYPES:
                raise ValidationError(_(
                    "Files of this type cannot be attached: %(name)s. Attach documents or "
                    "images (%(types)s).") % {
                        "name": name, "types": ", ".join(sorted(PORTAL_UPLOAD_TYPES))})
            if len(content) > PORTAL_UPLOAD_MAX_SIZE:
                raise ValidationError(_("%(name)s is larger than %(size)d MB.") % {
                    "name": name, "size": PORTAL_UPLOAD_MAX_SIZE // (1024 * 1024)})
            mimetype, sniffed = PORTAL_UPLOAD_TYPES[extension]
            if sniffed and guess_mimetype(content) != mimetype:
                raise ValidationError(_("%s is not the kind of file its name says.") % name)
        stored = sum(self.sudo()._portal_attachments().mapped("file_size")) if self else 0
        if stored + sum(len(content) for _name, content in files) > PORTAL_REQUEST_MAX_SIZE:
            raise ValidationError(_(
                "The files of a request may add up to %(size)d MB at most; these would "
                "exceed it.") % {"size": PORTAL_REQUEST_MAX_SIZE // (1024 * 1024)})

    def _portal_post(self, body, files, author):
        """Posts a customer's message with its files (checked) on the request, as its
        author. The files are created with the type their extension stands for, whatever
        the browser or the content claims."""
        self.ensure_one()
        self._check_portal_files(files)
        attachments = self.env["ir.attachment"].sudo().browse()
        for name, content in files:
            attachments |= attachments.create({
                "name": name, "datas_fname": name, "datas": base64.b64encode(content),
                "mimetype": PORTAL_UPLOAD_TYPES[os.path.splitext(name)[1].lower()][0],
                "res_model": self._name, "res_id": self.id,
            })
        return self.with_context(mail_create_nosubscribe=True).message_post(
            body=body, attachment_ids=attachments.ids, author_id=author.id,
            message_type="comment", subtype="mt_comment")

    @api.model
    def _neutralise_stored_uploads(self):
        """Files customers attached before the allowlist were stored as superuser, with the
        HTML, XML or SVG type Odoo keeps for administrators: they are served as text from
        now on (what Odoo does for files other users upload). Office documents keep theirs."""
        self.env.cr.execute("""
            UPDATE ir_attachment SET mimetype = 'text/plain'
             WHERE res_model = %s
               AND (mimetype ILIKE '%%ht%%' OR mimetype ILIKE '%%xml%%'
                    OR mimetype ILIKE '%%svg%%' OR mimetype ILIKE '%%javascript%%')
               AND mimetype NOT LIKE 'application/vnd.openxmlformats-officedocument.%%'
        """, [self._name])
        return self.env.cr.rowcount


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _crm_request_hidden_from_portal(self):
        """Ids among ``self`` of request attachments customers may not see."""
        if not self.ids:
            return []
        self.env.cr.execute(HIDDEN_REQUEST_ATTACHMENTS, [tuple(self.ids)])
        return [row[0] for row in self.env.cr.fetchall()]

    def _crm_is_portal_reader(self):
        return not self.env.user.has_group("base.group_user")

    @api.model
    def check(self, mode, values=None):
        result = super().check(mode, values=values)
        # /web/content, /web/image and every read of a customer's session pass here
        if self and self._crm_is_portal_reader() and self._crm_request_hidden_from_portal():
            raise AccessError(_("Sorry, you are not allowed to access this document."))
        return result

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False,
                access_rights_uid=None):
        ids = super()._search(args, offset=offset, limit=limit, order=order, count=False,
                              access_rights_uid=access_rights_uid)
        if ids and self._crm_is_portal_reader():
            hidden = set(self.browse(ids)._crm_request_hidden_from_portal())
            ids = [attachment_id for attachment_id in ids if attachment_id not in hidden]
        return len(ids) if count else ids
