from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Membership
from audit.services import record

User = get_user_model()


def role_snapshot(user) -> dict:
    """What decides a person's rights: role groups, agency memberships, staff and superuser."""
    memberships = Membership.objects.filter(user=user).select_related("agency")
    return {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "memberships": sorted(
            f"{m.agency.slug}:{m.role}" + ("" if m.is_active else ":inactive") for m in memberships
        ),
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


class RoleAuditMixin:
    """Every change of someone's roles made in the admin lands in the audit log ("user.roles",
    before and after), whether it came from the user form, a membership inline or the
    membership pages. The snapshots are taken around the admin's own writes, in its
    transaction."""

    def _snapshots(self, user_ids) -> dict:
        users = User.objects.filter(pk__in={pk for pk in user_ids if pk})
        return {user.pk: role_snapshot(user) for user in users}

    def _record_role_changes(self, request, before: dict, user_ids) -> None:
        after = self._snapshots(user_ids)
        for user in User.objects.filter(pk__in=after).order_by("pk"):
            old, new = before.get(user.pk, {}), after[user.pk]
            if old != new:
                record("user.roles", user, by=request.user, before=old, after=new)

    @staticmethod
    def _inline_user_ids(formsets) -> set:
        """The people whose memberships the inline formsets touch (before and after)."""
        ids = set()
        for formset in formsets:
            if formset.model is not Membership:
                continue
            for form in formset.forms:
                if form.instance.pk:
                    ids.add(Membership.objects.get(pk=form.instance.pk).user_id)
                user = getattr(form, "cleaned_data", {}).get("user")
                if user is not None:
                    ids.add(user.pk)
        return ids


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_active"]


@admin.register(Agency)
class AgencyAdmin(RoleAuditMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "is_obligated", "is_active"]
    list_filter = ["kind", "is_obligated", "is_active"]
    search_fields = ["name", "short_name"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        user_ids = self._inline_user_ids(formsets)
        before = self._snapshots(user_ids)
        super().save_related(request, form, formsets, change)
        self._record_role_changes(request, before, user_ids)


@admin.register(Membership)
class MembershipAdmin(RoleAuditMixin, admin.ModelAdmin):
    list_display = ["user", "agency", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "agency__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    list_select_related = ["user", "agency"]
    autocomplete_fields = ["user", "agency"]

    def save_model(self, request, obj, form, change):
        user_ids = {obj.user_id}
        if change:
            user_ids.add(Membership.objects.get(pk=obj.pk).user_id)
        before = self._snapshots(user_ids)
        super().save_model(request, obj, form, change)
        self._record_role_changes(request, before, user_ids)

    def delete_model(self, request, obj):
        before = self._snapshots({obj.user_id})
        super().delete_model(request, obj)
        self._record_role_changes(request, before, {obj.user_id})

    def delete_queryset(self, request, queryset):
        user_ids = set(queryset.values_list("user_id", flat=True))
        before = self._snapshots(user_ids)
        super().delete_queryset(request, queryset)
        self._record_role_changes(request, before, user_ids)


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]
    fields = ["agency", "role", "is_active"]
    verbose_name_plural = _("agency memberships")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(RoleAuditMixin, DjangoUserAdmin):
    inlines = [UserMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active"]

    def save_model(self, request, obj, form, change):
        # Taken before the user row is written: is_staff / is_superuser are on it.
        request._kiks_roles_before = self._snapshots({obj.pk}) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        user_ids = {form.instance.pk} | self._inline_user_ids(formsets)
        before = getattr(request, "_kiks_roles_before", {})
        before.update(self._snapshots(user_ids - set(before) - {form.instance.pk}))
        super().save_related(request, form, formsets, change)
        self._record_role_changes(request, before, user_ids)


admin.site.site_header = _("KIKS administration")
admin.site.site_title = _("KIKS administration")
admin.site.index_title = _("Competition administration")
