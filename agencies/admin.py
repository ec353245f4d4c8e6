from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from agencies import accounts
from agencies.models import Agency, Membership

User = get_user_model()


class AccountAuditMixin:
    """Every change of someone's roles, permissions, memberships or password made in the admin
    goes through `agencies.accounts.AccountChanges`: checked against WHO_MAY_GRANT (refused: 403,
    rolled back with the admin's transaction) and recorded in the audit log. The accounts are
    watched around the admin's own writes, in its transaction."""

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


class ManagedMembershipsMixin:
    """Membership rows an actor may not change (WHO_MAY_GRANT "memberships") are read-only, and
    the people offered are the ones the actor manages."""

    def _may_change_membership(self, request, obj) -> bool:
        membership = obj if isinstance(obj, Membership) else None
        return membership is None or accounts.may(request.user, "memberships", membership.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change_membership(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change_membership(
            request, obj
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = accounts.manageable_users(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ManagedMembershipFormSet(BaseInlineFormSet):
    """A changed or deleted row of someone the actor does not manage is a form error (the
    service would refuse it anyway)."""

    actor = None

    def clean(self):
        super().clean()
        User = get_user_model()
        for form in self.forms:
            deleted = self.can_delete and self._should_delete_form(form)
            if not (form.has_changed() or deleted) or not hasattr(form, "cleaned_data"):
                continue
            ids = {form.initial.get("user"), getattr(form.cleaned_data.get("user"), "pk", None)}
            for person in User.objects.filter(pk__in=ids - {None}):
                if not accounts.may(self.actor, "memberships", person):
                    form.add_error(
                        None,
                        _("Only a superuser may change the memberships of %(user)s.")
                        % {"user": person.get_username()},
                    )


class MembershipInline(ManagedMembershipsMixin, admin.TabularInline):
    model = Membership
    formset = ManagedMembershipFormSet
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_active"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        field = formset.form.base_fields.get("user")
        if field is not None and obj is not None:
            # The agency's present members stay valid choices (their rows are saved unchanged);
            # a changed row of someone the actor does not manage is a form error.
            field.queryset = (
                get_user_model()
                .objects.filter(
                    Q(pk__in=accounts.manageable_users(request.user).values("pk"))
                    | Q(memberships__agency=obj)
                )
                .distinct()
            )
        return formset


@admin.register(Agency)
class AgencyAdmin(AccountAuditMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "parent", "is_obligated", "is_active"]
    list_filter = ["kind", "is_obligated", "is_active"]
    search_fields = ["name", "short_name"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        changes = accounts.AccountChanges(request.user, self._inline_user_ids(formsets))
        super().save_related(request, form, formsets, change)
        changes.commit()

    def delete_model(self, request, obj):
        changes = accounts.AccountChanges(
            request.user, obj.memberships.values_list("user_id", flat=True)
        )
        super().delete_model(request, obj)
        changes.commit()


@admin.register(Membership)
class MembershipAdmin(AccountAuditMixin, ManagedMembershipsMixin, admin.ModelAdmin):
    list_display = ["user", "agency", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "agency__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]
    list_select_related = ["user", "agency"]
    autocomplete_fields = ["user", "agency"]

    def save_model(self, request, obj, form, change):
        user_ids = {obj.user_id}
        if change:
            user_ids.add(Membership.objects.get(pk=obj.pk).user_id)
        changes = accounts.AccountChanges(request.user, user_ids)
        super().save_model(request, obj, form, change)
        changes.commit()

    def delete_model(self, request, obj):
        changes = accounts.AccountChanges(request.user, {obj.user_id})
        super().delete_model(request, obj)
        changes.commit()

    def delete_queryset(self, request, queryset):
        # The "delete selected" action runs outside the admin's transaction: open one.
        with transaction.atomic():
            changes = accounts.AccountChanges(
                request.user, set(queryset.values_list("user_id", flat=True))
            )
            super().delete_queryset(request, queryset)
            changes.commit()


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]
    fields = ["agency", "role", "is_active"]
    verbose_name_plural = _("agency memberships")

    def _may(self, request, obj) -> bool:
        return obj is None or accounts.may(request.user, "memberships", obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may(request, obj)


# The user form's fields, by the WHO_MAY_GRANT key that decides whether the actor is offered it.
_USER_FIELD_GRANTS = {
    "username": "profile",
    "first_name": "profile",
    "last_name": "profile",
    "email": "profile",
    "password": "password",
    "is_active": "is_active",
    "is_staff": "is_staff",
    "is_superuser": "is_superuser",
    "groups": "groups",
    "user_permissions": "user_permissions",
}

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(AccountAuditMixin, DjangoUserAdmin):
    """Offers only what WHO_MAY_GRANT lets the signed-in user grant: an organiser edits the
    profile, activity, member roles and memberships of operators, judges and leadership, their
    own profile and password, and only reads superusers' and organisers' accounts."""

    inlines = [UserMembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active"]

    @staticmethod
    def _grants(request, obj) -> frozenset[str]:
        """What the signed-in user may change on `obj`, read once per request (from the
        account as it was when the request began)."""
        cache = request.__dict__.setdefault("_kiks_grants", {})
        if obj.pk not in cache:
            cache[obj.pk] = accounts.grants_on(request.user, obj)
        return cache[obj.pk]

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        changeable = {"profile", "password", "memberships"}
        return allowed and (obj is None or bool(self._grants(request, obj) & changeable))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or "delete" in self._grants(request, obj))

    def _may_field(self, request, obj, name) -> bool:
        grant = _USER_FIELD_GRANTS.get(name)
        # last_login, date_joined (no grant): shown as they are.
        return grant is None or grant in self._grants(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        shown = []
        for title, options in fieldsets:
            fields = [f for f in options["fields"] if self._may_field(request, obj, f)]
            if fields:
                shown.append((title, {**options, "fields": fields}))
        return shown

    def get_readonly_fields(self, request, obj=None):
        return ["last_login", "date_joined"] if obj is not None else []

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = accounts.grantable_groups(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            # Offered for a membership: only the people the actor manages.
            queryset = queryset.filter(pk__in=accounts.manageable_users(request.user).values("pk"))
        return queryset, distinct

    def save_model(self, request, obj, form, change):
        # Watched before the user row is written: is_active / is_staff / is_superuser are on it.
        request._kiks_account_changes = accounts.AccountChanges(request.user, {obj.pk})
        super().save_model(request, obj, form, change)
        if not change:
            request._kiks_account_changes.watch_new(obj)

    def save_related(self, request, form, formsets, change):
        changes = getattr(request, "_kiks_account_changes", None)
        changes = changes or accounts.AccountChanges(request.user, {form.instance.pk})
        changes.watch(self._inline_user_ids(formsets))
        super().save_related(request, form, formsets, change)
        changes.commit()

    def delete_model(self, request, obj):
        changes = accounts.AccountChanges(request.user, {obj.pk})
        super().delete_model(request, obj)
        changes.commit()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            changes = accounts.AccountChanges(request.user, queryset.values_list("pk", flat=True))
            super().delete_queryset(request, queryset)
            changes.commit()

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not accounts.may(request.user, "password", user):
            raise PermissionDenied
        with transaction.atomic():
            changes = accounts.AccountChanges(request.user, {user.pk} if user else ())
            response = super().user_change_password(request, id, form_url)
            changes.commit()
        return response


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Everyone with the view permission reads the groups; only superusers (WHO_MAY_GRANT
    "group_permissions") add, change or delete them, and every change is recorded."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and accounts.may(
            request.user, "group_permissions"
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and accounts.may(
            request.user, "group_permissions"
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and accounts.may(
            request.user, "group_permissions"
        )

    def save_model(self, request, obj, form, change):
        accounts.check_group_change(request.user)
        request._kiks_group_before = accounts.group_state(obj) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_kiks_group_before", {})
        accounts.record_group_change(
            request.user, form.instance, before, accounts.group_state(form.instance)
        )

    def delete_model(self, request, obj):
        accounts.check_group_change(request.user)
        before = accounts.group_state(obj)
        accounts.record_group_change(request.user, obj, before, {})
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        accounts.check_group_change(request.user)
        with transaction.atomic():
            for group in queryset:
                accounts.record_group_change(request.user, group, accounts.group_state(group), {})
            super().delete_queryset(request, queryset)


admin.site.site_header = _("KIKS administration")
admin.site.site_title = _("KIKS administration")
admin.site.index_title = _("Competition administration")
