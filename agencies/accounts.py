"""Who may grant what: the one table, and the one service every account change goes through.

The table `WHO_MAY_GRANT` names, for each kind of change to an account, which actors may make it
and on which accounts. The admin (user, group, membership and agency pages) offers only what it
allows, and `AccountChanges` checks every write against it, whatever form or page made it: a
change the table does not allow is refused (`AccountChangeRefused`, a 403) and rolled back with
the transaction it ran in. Every allowed change of a person's roles, permissions, memberships or
password made by someone else is recorded in the audit log (never the password itself).
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from agencies.enums import Role
from agencies.models import Membership
from audit.services import record

# Who acts (the actor's tier).
SUPERUSER = "superuser"
ORGANISER = "organiser"

# Whose account it is (the target's kind), from the account as it was before the change.
OWN = "own"  # the actor's own account
MEMBER = "member"  # operators, judges, leadership, anyone without staff rights: a new account too
STAFF = "staff"  # organisers, and anyone with admin access, raw permissions or another group
ANY = frozenset({OWN, MEMBER, STAFF, SUPERUSER})

# The role groups an organiser may hand out; every other group (the organiser group included) is
# granted by superusers only.
MEMBER_ROLES = frozenset({Role.OPERATOR.value, Role.JUDGE.value, Role.LEADERSHIP.value})

# What changes -> {actor tier: the kinds of account it may change this on}. Nobody else may.
WHO_MAY_GRANT: dict[str, dict[str, frozenset[str]]] = {
    "profile": {SUPERUSER: ANY, ORGANISER: frozenset({MEMBER, OWN})},
    "password": {SUPERUSER: ANY, ORGANISER: frozenset({MEMBER, OWN})},
    "is_active": {SUPERUSER: ANY, ORGANISER: frozenset({MEMBER})},
    "memberships": {SUPERUSER: ANY, ORGANISER: frozenset({MEMBER})},
    "group:operator": {SUPERUSER: ANY, ORGANISER: frozenset({MEMBER})},
    "group:judge": {SUPERUSER: ANY, ORGANISER: frozenset({MEMBER})},
    "group:leadership": {SUPERUSER: ANY, ORGANISER: frozenset({MEMBER})},
    "group:organiser": {SUPERUSER: ANY},
    "group:other": {SUPERUSER: ANY},
    "is_staff": {SUPERUSER: ANY},
    "is_superuser": {SUPERUSER: ANY},
    "user_permissions": {SUPERUSER: ANY},
    "delete": {SUPERUSER: ANY},
    # A group's own permissions (the role groups included): not an account, so any target.
    "group_permissions": {SUPERUSER: ANY},
}

# The keys of an account's state that are its rights (recorded as "user.roles").
ROLE_KEYS = ("groups", "memberships", "is_active", "is_staff", "is_superuser", "user_permissions")
_PROFILE_FIELDS = ("username", "first_name", "last_name", "email")
# What a brand-new account is before anything is granted.
NEW_ACCOUNT = {
    "groups": [],
    "memberships": [],
    "is_active": True,
    "is_staff": False,
    "is_superuser": False,
    "user_permissions": [],
}


class AccountChangeRefused(PermissionDenied):
    """A change `WHO_MAY_GRANT` does not allow; `refused` lists (user id, what) pairs."""

    def __init__(self, refused):
        self.refused = sorted(refused, key=str)
        super().__init__(", ".join(f"{pk}:{what}" for pk, what in self.refused))


def actor_tier(actor) -> str | None:
    """SUPERUSER, ORGANISER (in the organiser group) or None (may grant nothing)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    if actor.is_superuser:
        return SUPERUSER
    if actor.groups.filter(name=Role.ORGANISER).exists():
        return ORGANISER
    return None


def kind_of(state: dict | None) -> str:
    """The kind of account a state (see `account_state`) describes; None is a new account."""
    if not state:
        return MEMBER
    if state["is_superuser"]:
        return SUPERUSER
    if state["is_staff"] or state["user_permissions"] or not set(state["groups"]) <= MEMBER_ROLES:
        return STAFF
    return MEMBER


def _allowed(tier, what: str, kind: str) -> bool:
    return kind in WHO_MAY_GRANT[what].get(tier, frozenset())


def may(actor, what: str, target=None) -> bool:
    """Whether `actor` may make the change `what` (a key of WHO_MAY_GRANT, or "groups": any
    group) on the account `target` (None: a new account, or no account for
    "group_permissions")."""
    tier = actor_tier(actor)
    if target is None:
        kind = MEMBER
    else:
        kind = OWN if target.pk == actor.pk else kind_of(account_state(target))
    if what == "groups":
        return any(_allowed(tier, key, kind) for key in WHO_MAY_GRANT if key.startswith("group:"))
    return _allowed(tier, what, kind)


def grants_on(actor, target) -> frozenset[str]:
    """Every change (keys of WHO_MAY_GRANT, and "groups" if any group) the actor may make on
    `target`, read once."""
    tier = actor_tier(actor)
    kind = OWN if target.pk == actor.pk else kind_of(account_state(target))
    keys = {what for what in WHO_MAY_GRANT if _allowed(tier, what, kind)}
    if any(key.startswith("group:") for key in keys):
        keys.add("groups")
    return frozenset(keys)


def _group_key(name: str) -> str:
    key = f"group:{name}"
    return key if key in WHO_MAY_GRANT else "group:other"


def grantable_groups(actor):
    """The groups the actor may add to or remove from an account they manage."""
    tier = actor_tier(actor)
    names = [g.name for g in Group.objects.all() if _allowed(tier, _group_key(g.name), MEMBER)]
    return Group.objects.filter(name__in=names)


def manageable_users(actor):
    """The accounts whose memberships (and roles) the actor may change."""
    User = get_user_model()
    tier = actor_tier(actor)
    if _allowed(tier, "memberships", STAFF) and _allowed(tier, "memberships", SUPERUSER):
        return User.objects.all()
    if not _allowed(tier, "memberships", MEMBER):
        return User.objects.none()
    privileged = Q(is_superuser=True) | Q(is_staff=True) | Q(user_permissions__isnull=False)
    other_group = Q(groups__isnull=False) & ~Q(groups__name__in=MEMBER_ROLES)
    return User.objects.exclude(pk__in=User.objects.filter(privileged | other_group).values("pk"))


# --- the state of an account, and what changed ---------------------------------------------


def _membership_label(m) -> str:
    return f"{m.agency.slug}:{m.role}" + ("" if m.is_active else ":inactive")


def account_state(user) -> dict:
    """Everything the table guards on one account, read from the database: its rights
    (ROLE_KEYS), its profile and its password hash (compared, never recorded)."""
    states = account_states([user.pk])
    if user.pk not in states:
        raise get_user_model().DoesNotExist(f"No account {user.pk}.")
    return states[user.pk]


def account_states(user_ids) -> dict[int, dict]:
    """`account_state` of many accounts in four queries, whatever their number: {pk: state}
    of those that exist."""
    User = get_user_model()
    users = list(User.objects.filter(pk__in=list(user_ids)))
    ids = [user.pk for user in users]
    groups, memberships, permissions = defaultdict(list), defaultdict(list), defaultdict(list)
    for user_id, name in User.groups.through.objects.filter(user_id__in=ids).values_list(
        "user_id", "group__name"
    ):
        groups[user_id].append(name)
    for m in Membership.objects.filter(user_id__in=ids).select_related("agency"):
        memberships[m.user_id].append(_membership_label(m))
    for user_id, app_label, codename in User.user_permissions.through.objects.filter(
        user_id__in=ids
    ).values_list("user_id", "permission__content_type__app_label", "permission__codename"):
        permissions[user_id].append(f"{app_label}.{codename}")
    return {
        user.pk: {
            "groups": sorted(groups[user.pk]),
            "memberships": sorted(memberships[user.pk]),
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "user_permissions": sorted(permissions[user.pk]),
            "profile": [getattr(user, name) for name in _PROFILE_FIELDS],
            "password": user.password,
        }
        for user in users
    }


def role_snapshot(user) -> dict:
    """What decides a person's rights (the part of the state the audit log records)."""
    state = account_state(user)
    return {key: state[key] for key in ROLE_KEYS}


def changes_between(before: dict | None, after: dict) -> set[str]:
    """The keys of WHO_MAY_GRANT a change from `before` (None: a new account) to `after` makes."""
    if before is None:
        # A new account: its profile and password are its creation, allowed with "profile".
        base = NEW_ACCOUNT | {"profile": after["profile"], "password": after["password"]}
    else:
        base = before
    changed = {key for key in (*ROLE_KEYS, "profile", "password") if base[key] != after[key]}
    changed.discard("groups")
    changed |= {_group_key(name) for name in set(base["groups"]) ^ set(after["groups"])}
    return changed


class AccountChanges:
    """Watch some accounts around a write, then check the write against WHO_MAY_GRANT and record
    it. Use inside the write's transaction:

        changes = AccountChanges(request.user, {user.pk})
        ... write ...
        changes.commit()   # raises AccountChangeRefused (the transaction rolls back) or records

    Accounts that do not exist yet when watched count as new accounts.
    """

    def __init__(self, actor, user_ids=()):
        self.actor = actor
        self.before: dict[int, dict | None] = {}
        self.watch(user_ids)

    def watch(self, user_ids) -> None:
        ids = {pk for pk in user_ids if pk and pk not in self.before}
        found = account_states(ids)
        for pk in ids:
            self.before[pk] = found.get(pk)

    def watch_new(self, user) -> None:
        """An account created by this write (watched as new, even though it exists by now)."""
        self.before.setdefault(user.pk, None)

    def refused(self, after: dict[int, dict]) -> list[tuple[int, str]]:
        tier = actor_tier(self.actor)
        refused = []
        for pk, new in after.items():
            old = self.before[pk]
            kind = OWN if pk == self.actor.pk else kind_of(old)
            refused += [
                (pk, what) for what in changes_between(old, new) if not _allowed(tier, what, kind)
            ]
        return refused

    def commit(self) -> None:
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("AccountChanges.commit() runs inside the write's transaction.")
        User = get_user_model()
        users = {user.pk: user for user in User.objects.filter(pk__in=self.before)}
        after = account_states(users)
        gone = [pk for pk in self.before if pk not in users and self.before[pk] is not None]
        refused = self.refused(after) + [(pk, "delete") for pk in gone if not self._may_delete(pk)]
        if refused:
            raise AccountChangeRefused(refused)
        for pk in sorted(after):
            self._record(users[pk], self.before[pk], after[pk])

    def _may_delete(self, pk) -> bool:
        kind = OWN if pk == self.actor.pk else kind_of(self.before[pk])
        return _allowed(actor_tier(self.actor), "delete", kind)

    def _record(self, user, old: dict | None, new: dict) -> None:
        old_roles = {key: old[key] for key in ROLE_KEYS} if old else {}
        new_roles = {key: new[key] for key in ROLE_KEYS}
        if old_roles != new_roles:
            record("user.roles", user, by=self.actor, before=old_roles, after=new_roles)
        if old is not None and old["password"] != new["password"] and user.pk != self.actor.pk:
            usable = not new["password"].startswith("!")
            note = "password set" if usable else "password-based login disabled"
            record("user.password", user, by=self.actor, note=note)


def group_state(group) -> dict:
    permissions = Permission.objects.filter(group=group).select_related("content_type")
    return {
        "name": Group.objects.get(pk=group.pk).name,
        "permissions": sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions),
    }


def check_group_change(actor) -> None:
    """Refuse any change of a group (its name or permissions) the table does not allow."""
    if not may(actor, "group_permissions"):
        raise AccountChangeRefused([("group", "group_permissions")])


def record_group_change(actor, group, before: dict, after: dict) -> None:
    if before != after:
        record("group.permissions", group, by=actor, before=before, after=after)


# --- the system path: the first organiser ----------------------------------------------------


class OrganiserExists(ValueError):
    """The username is taken, and the caller did not ask to add the role to it."""


@transaction.atomic
def create_organiser(
    *,
    username: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    update: bool = False,
):
    """Create an organiser account as the system (`manage.py create_organiser`), or with `update`
    give an existing account the organiser role. Returns (user, created).

    This path has no actor and so does not go through WHO_MAY_GRANT: the table says what a person
    signed in to the portal may grant another, and nobody is signed in yet when the first
    organiser is made. Whoever runs a management command already holds the server (its database
    and its SECRET_KEY), more than any tier of the table; no page reaches this function. What it
    grants is fixed: the organiser group and `is_staff` (the admin without superuser powers, as
    the demo's `organisasi`), never `is_superuser` or raw permissions.

    A new account is active, with `password` (None: no usable password, until its owner sets one
    through a password-reset link). With `update`, the account keeps its password and profile
    and gains the organiser group and `is_staff` (and is active again if it was not); without it,
    an existing username is refused (OrganiserExists). Side effects: creates or changes the User
    row and its groups, and records "user.roles" in the audit log with no actor (the system) when
    the rights changed.
    """
    User = get_user_model()
    group = Group.objects.get(name=Role.ORGANISER)
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None and not update:
        raise OrganiserExists(username)
    created = user is None
    before = {} if created else role_snapshot(user)
    if created:
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
    user.is_active = True
    user.is_staff = True
    user.save(update_fields=None if created else ["is_active", "is_staff"])
    user.groups.add(group)
    after = role_snapshot(user)
    if before != after:
        note = (
            "organiser created (manage.py create_organiser)" if created else "organiser role added"
        )
        record("user.roles", user, by=None, before=before, after=after, note=note)
    return user, created
