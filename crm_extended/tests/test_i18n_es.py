from odoo.exceptions import UserError
from odoo.tools.misc import file_open
from odoo.tools.translate import PoFile

from .common import CrmRequestCase


class TestSpanish(CrmRequestCase):
    """The addon speaks Spanish once the language is loaded: a sample of every kind of term
    (field labels, selections, seeded data, views, menus, mail templates, error messages)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The language and the addon's terms, as the language wizard loads them, whether or
        # not the language was there: the wizard itself would load every installed module
        # (minutes), and not the addon while Odoo's runner tests it at its installation
        # (it is not "installed" yet).
        cls.env["ir.module.module"].search([("name", "=", "crm_extended")]).with_context(
            overwrite=True)._update_translations("es_ES")
        cls.es = cls.env(context=dict(cls.env.context, lang="es_ES"))

    def test_field_labels_and_selections(self):
        fields = self.es["crm.request"].fields_get(["number", "date_deadline", "confidentiality"])
        self.assertEqual(fields["number"]["string"], "Número de caso")
        self.assertEqual(fields["date_deadline"]["string"], "Fecha límite")
        self.assertIn(("public", "Pública (cliente)"), fields["confidentiality"]["selection"])

    def test_seeded_data_views_and_menus(self):
        self.assertEqual(self.es.ref("crm_extended.request_type_service").name,
                         "Solicitud de servicio")
        arch = self.es["crm.request"].fields_view_get(view_type="form")["arch"]
        self.assertIn("Enviar confirmación", arch)
        self.assertEqual(self.es.ref("crm_extended.menu_crm_request").name, "Solicitudes")
        self.assertEqual(self.es.ref("crm_extended.menu_crm_segment").name, "Segmentos")

    def test_confirmation_email_is_written_in_spanish(self):
        template = self.es.ref("crm_extended.mail_template_crm_request_confirmation")
        self.assertIn("Hemos recibido su solicitud", template.body_html)

    def test_error_messages(self):
        request = self.create_request("¿Horario de apertura?", request_type=self.type_help)
        with self.assertRaisesRegex(UserError, "no generan documentos"):
            request.with_env(self.es).action_create_document()

    def test_every_term_of_the_template_is_translated(self):
        spanish = self.terms("es.po")
        missing = [source for source in self.terms("crm_extended.pot") if not spanish.get(source)]
        self.assertFalse(missing, "terms without a Spanish translation (run 'make pot')")

    @staticmethod
    def terms(file_name):
        with file_open("crm_extended/i18n/%s" % file_name, "rb") as po_file:
            return {source: translation
                    for _type, _name, _id, source, translation, _comments in PoFile(po_file)}
