import base64

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from agencies.accounts import AccountChangeRefused
from agencies.enums import AgencyKind
from agencies.forms import ImportConfirmForm, ImportUploadForm
from agencies.import_workbook import (
    AGENCIES,
    MAX_BYTES,
    MAX_ROWS,
    PEOPLE,
    ImportFileError,
    write_template,
)
from agencies.imports import apply_import, digest_of, plan_import
from agencies.permissions import OrganiserRequiredMixin
from agencies.selectors import agencies_with_operator_counts
from common.errors import DomainError
from common.exports import workbook_response


class AgencyDirectoryView(OrganiserRequiredMixin, ListView):
    """The organiser's list of agencies: kind, obligation, and who can be reached."""

    template_name = "agencies/agency_list.html"
    context_object_name = "agencies"

    def get_queryset(self):
        queryset = agencies_with_operator_counts()
        kind = self.request.GET.get("kind")
        if kind in AgencyKind.values:
            queryset = queryset.filter(kind=kind)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = AgencyKind.choices
        context["selected_kind"] = self.request.GET.get("kind", "")
        return context


# --- the import of agencies and people from a workbook ---------------------------------------

IMPORT_SESSION_KEY = "kiks_agency_import"


class ImportView(OrganiserRequiredMixin, TemplateView):
    """Upload a workbook: a preview of every row (nothing is written until the organiser
    confirms). The workbook waits in the session, with its digest, for the confirmation."""

    template_name = "agencies/import.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ImportUploadForm())
        kwargs.update(max_rows=MAX_ROWS, max_kb=MAX_BYTES // 1024)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        content = form.cleaned_data["workbook"]
        try:
            plan = plan_import(content, request.user)
        except ImportFileError as error:
            form.add_error("workbook", error.messages)
            return self.render_to_response(self.get_context_data(form=form))
        request.session[IMPORT_SESSION_KEY] = {
            "digest": plan.digest,
            "outcome": plan.outcome,
            "content": base64.b64encode(content).decode("ascii"),
        }
        return self.preview(plan, form)

    def preview(self, plan, form):
        context = self.get_context_data(
            form=form,
            plan=plan,
            confirm_form=ImportConfirmForm(initial={"digest": plan.digest}),
            agency_counts=plan.counts("agencies"),
            people_counts=plan.counts("people"),
        )
        return self.render_to_response(context)


class ImportConfirmView(ImportView):
    """Apply the previewed workbook (all accepted rows in one transaction), if it is still the
    one the preview showed and would still do what the preview showed (else: the new preview,
    nothing written)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        stored = request.session.get(IMPORT_SESSION_KEY) or {}
        form = ImportConfirmForm(request.POST)
        content = base64.b64decode(stored.get("content", ""))
        if not stored or not form.is_valid():
            messages.error(request, _("There is nothing to import: upload the workbook again."))
            return redirect("agencies:import")
        if (
            form.cleaned_data["digest"] != stored["digest"]
            or digest_of(content) != stored["digest"]
        ):
            messages.error(
                request,
                _(
                    "The workbook is not the one the preview showed: nothing was imported. "
                    "Check the new preview and confirm again."
                ),
            )
            return redirect("agencies:import")
        try:
            plan = plan_import(content, request.user)
            if plan.outcome != stored.get("outcome"):
                request.session[IMPORT_SESSION_KEY] = {**stored, "outcome": plan.outcome}
                messages.warning(
                    request,
                    _(
                        "The data changed since the preview: nothing was imported. Here is the "
                        "new preview; confirm again to apply it."
                    ),
                )
                return self.preview(plan, ImportUploadForm())
            result = apply_import(plan, request.user, site_url=request.build_absolute_uri("/"))
        except (DomainError, AccountChangeRefused, IntegrityError):
            messages.error(
                request,
                _(
                    "The import could not be applied and nothing was written: the data changed "
                    "meanwhile. Upload the workbook again to see a new preview."
                ),
            )
            return redirect("agencies:import")
        del request.session[IMPORT_SESSION_KEY]
        messages.success(request, import_summary(result))
        if result.refused:
            messages.warning(request, refused_summary(result.refused))
        return redirect("agencies:directory")


class ImportTemplateView(OrganiserRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        return workbook_response(write_template, "templat-impor-instansi-pengguna.xlsx")


def import_summary(result) -> str:
    return _(
        "Import done. Agencies: %(a_created)s created, %(a_updated)s updated, %(a_unchanged)s "
        "unchanged. People: %(p_created)s created, %(p_updated)s updated, %(p_unchanged)s "
        "unchanged. Refused rows skipped: %(refused)s. E-mails to set a password: %(invited)s."
    ) % {
        "a_created": result.agencies["create"],
        "a_updated": result.agencies["update"],
        "a_unchanged": result.agencies["unchanged"],
        "p_created": result.people["create"],
        "p_updated": result.people["update"],
        "p_unchanged": result.people["unchanged"],
        "refused": len(result.refused),
        "invited": len(result.invited),
    }


REFUSED_LISTED = 20


def refused_summary(rows) -> str:
    """The refused rows that were skipped: sheet, row, name and reasons (the first
    REFUSED_LISTED; the rest counted)."""
    sheets = {"agencies": AGENCIES.title, "people": PEOPLE.title}
    listed = [
        f"{sheets[row.sheet]} {row.number} ({row.label}): "
        + " ".join(reason.message for reason in row.reasons)
        for row in rows[:REFUSED_LISTED]
    ]
    text = _("Refused rows, skipped: %(rows)s") % {"rows": "; ".join(listed)}
    if len(rows) > REFUSED_LISTED:
        text += " " + _("… and %(count)s more.") % {"count": len(rows) - REFUSED_LISTED}
    return text
