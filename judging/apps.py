from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JudgingConfig(AppConfig):
    name = "judging"
    verbose_name = _("Judging")

    def ready(self):
        # Judges open the attachments of the entries they may see through the innovations
        # attachment view: widen its scope with ours (innovations never imports judging).
        from innovations import selectors as innovation_selectors
        from innovations.services import register_edition_guard
        from judging.lifecycle import edition_guard
        from judging.selectors import attachment_scope

        innovation_selectors.register_attachment_scope(attachment_scope)
        # An edition's dates and publication never contradict its judging (judging.lifecycle).
        register_edition_guard(edition_guard)
        # The innovations pages of an empty installation point the organiser to our "new
        # edition" page (its service seeds the desk stage, which innovations cannot).
        innovation_selectors.register_new_edition_page("judging:edition_create")
