"""Odoo 11 compiles the Jinja source of a mail template again at each rendering: the
notification e-mail of every assigned lead compiled the same layout three times (a third
of the time of the alert). Compiled templates are kept, by their source text, in a
bounded cache; the rendering itself, with each message's values, is unchanged."""
import functools

from odoo import models

#: compiled templates kept per Jinja environment (the layouts of Odoo and its addons are a few dozen)
COMPILED_TEMPLATES = 256


def keep_compiled_templates(environment):
    """Make ``environment.from_string`` compile each source text once (idempotent)."""
    if getattr(environment.from_string, "keeps_compiled", False):
        return
    compile_source = environment.from_string

    @functools.lru_cache(maxsize=COMPILED_TEMPLATES)
    def compiled(source):
        return compile_source(source)

    def from_string(source, globals=None, template_class=None):  # pylint: disable=redefined-builtin
        if globals is None and template_class is None and isinstance(source, str):
            return compiled(source)
        return compile_source(source, globals=globals, template_class=template_class)

    from_string.keeps_compiled = True
    environment.from_string = from_string


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _register_hook(self):
        # imported here: the mail addon's modules load only inside a running Odoo
        from odoo.addons.mail.models import mail_template
        for environment in (mail_template.mako_template_env, mail_template.mako_safe_template_env):
            keep_compiled_templates(environment)
        return super(MailTemplate, self)._register_hook()
