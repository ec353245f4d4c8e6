"""The import of agencies and people from one workbook: read -> plan -> apply.

- `plan_import(content, actor)` reads the workbook (`agencies.import_workbook`) and decides, row
  by row, what would happen: CREATE, UPDATE (with the changes), UNCHANGED or REFUSED (with every
  reason). It writes nothing.
- `apply_import(plan, actor, site_url=...)` applies every accepted row in one transaction (all
  or nothing) and skips the refused ones. Agencies are matched by name (case-insensitive),
  people by e-mail (case-insensitive). Account changes go through `agencies.accounts`
  (`AccountChanges`, checked against WHO_MAY_GRANT and audited); an account the actor may not
  manage (`manageable_users`: organisers, superusers, staff for an organiser) is refused in the
  plan already. Every created or changed agency and every changed profile is one audit event.
- New accounts have no usable password; each active one is e-mailed a link to choose it (the
  password-reset confirmation page, uid + default_token_generator), after the commit.

What a row of people sets: the account's name, e-mail (and username if the column gives one),
whether it is active, its role groups among operator / judge / leadership (exactly those listed;
other groups are never touched), and one active membership in the agency named (other
memberships stay as they are).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from agencies import accounts
from agencies.enums import AgencyKind, MembershipRole, Role
from agencies.import_workbook import AGENCIES, NO, PEOPLE, YES, read_workbook
from agencies.models import Agency, Membership
from audit.services import record
from common import cache
from common.mail import send_mail

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
ACTIONS = (CREATE, UPDATE, UNCHANGED, REFUSED)
MEMBER_ROLES = (Role.OPERATOR.value, Role.JUDGE.value, Role.LEADERSHIP.value)
_SPLIT = re.compile(r"[,;/]")


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(eq=False)  # a row is itself: compared by identity
class PlanRow:
    sheet: str  # "agencies" or "people"
    number: int  # the row's number in its sheet
    values: dict
    reasons: list[Reason] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # "column: old → new"
    target: object = None  # the existing agency or account, if any
    action: str = ""

    @property
    def label(self) -> str:
        return self.values.get("name") or self.values.get("email") or ""

    @property
    def refused(self) -> bool:
        return bool(self.reasons)

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    def refuse(self, code: str, message) -> None:
        self.reasons.append(Reason(code, str(message)))


@dataclass
class Plan:
    digest: str
    agencies: list[PlanRow]
    people: list[PlanRow]

    def counts(self, sheet: str) -> dict[str, int]:
        rows = self.agencies if sheet == AGENCIES.key else self.people
        counts = dict.fromkeys(ACTIONS, 0)
        for row in rows:
            counts[row.action] += 1
        return counts

    @property
    def outcome(self) -> str:
        """A digest of what the plan would do (every row's action, changes and refusal codes):
        the confirmation applies a plan only if it is still the one the preview showed."""
        rows = [
            [row.sheet, row.number, row.action, row.changes, row.codes]
            for row in (*self.agencies, *self.people)
        ]
        return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()

    @property
    def accepted(self) -> int:
        return sum(1 for row in (*self.agencies, *self.people) if row.action in (CREATE, UPDATE))

    @property
    def refused(self) -> list[PlanRow]:
        return [row for row in (*self.agencies, *self.people) if row.action == REFUSED]


def digest_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- values ----------------------------------------------------------------------------------


def _lookup(choices) -> dict[str, str]:
    """Code, English label and Indonesian label (case-insensitive) -> code."""
    table = {}
    for language in ("en", "id"):
        with translation.override(language):
            for value, label in choices:
                table[str(label).casefold()] = value
    for value, _label in choices:
        table[value.casefold()] = value
    return table


def _member_role_choices():
    return [(value, label) for value, label in Role.choices if value in MEMBER_ROLES]


def _boolean(row: PlanRow, key: str, column, default: bool) -> bool:
    value = row.values.get(key, "")
    if isinstance(value, bool):
        return value
    text = str(value).casefold()
    if text == "":
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    row.refuse(
        "bad_boolean",
        _("“%(value)s” in the column %(column)s is not “ya” or “tidak”.")
        % {"value": value, "column": column.title},
    )
    return default


def _text(row: PlanRow, key: str, spec, limit: int) -> str:
    value = str(row.values.get(key, ""))
    if len(value) > limit:
        row.refuse(
            "too_long",
            _("The column %(column)s is longer than %(limit)s characters.")
            % {"column": spec.column(key).title, "limit": limit},
        )
        return value[:limit]
    return value


def _refuse_duplicates(rows: list[PlanRow], key: str, column) -> None:
    seen = defaultdict(list)
    for row in rows:
        value = str(row.values.get(key) or "").casefold()
        if value:
            seen[value].append(row)
    for same in seen.values():
        if len(same) < 2:
            continue
        numbers = ", ".join(str(row.number) for row in same)
        for row in same:
            row.refuse(
                "duplicate",
                _(
                    "“%(value)s” (column %(column)s) appears more than once in the file: rows "
                    "%(rows)s."
                )
                % {"value": row.values[key], "column": column.title, "rows": numbers},
            )


# --- agencies --------------------------------------------------------------------------------


def _parse_agency(number: int, record: dict, kinds: dict[str, str]) -> PlanRow:
    row = PlanRow(AGENCIES.key, number, dict(record))
    values = row.values
    values["name"] = _text(row, "name", AGENCIES, 200)
    values["short_name"] = _text(row, "short_name", AGENCIES, 40)
    if not values["name"]:
        row.refuse("missing_name", _("The name is missing."))
    kind = str(values.get("kind", ""))
    values["kind"] = kinds.get(kind.casefold())
    if values["kind"] is None:
        row.refuse("unknown_kind", _("Unknown kind “%(value)s”.") % {"value": kind})
    values["parent"] = str(values.get("parent", ""))
    values["is_obligated"] = _boolean(row, "is_obligated", AGENCIES.column("is_obligated"), False)
    values["is_active"] = _boolean(row, "is_active", AGENCIES.column("is_active"), True)
    return row


class AgencyResolver:
    """Agencies by name or short name, as they will be after the import: the file's rows, then
    the agencies the file does not name."""

    def __init__(self, rows: list[PlanRow], existing: list[Agency]):
        named = {row.target.pk for row in rows if row.target is not None}
        self.by_name: dict[str, object] = {}
        self.by_short: dict[str, list] = defaultdict(list)
        for row in rows:
            if row.values["name"]:
                self.by_name.setdefault(row.values["name"].casefold(), row)
                if row.values["short_name"]:
                    self.by_short[row.values["short_name"].casefold()].append(row)
        for agency in existing:
            if agency.pk in named:
                continue
            self.by_name.setdefault(agency.name.casefold(), agency)
            if agency.short_name:
                self.by_short[agency.short_name.casefold()].append(agency)

    def find(self, text: str):
        """(a PlanRow or an Agency, None) or (None, a refusal code: "unknown" / "ambiguous")."""
        key = text.casefold()
        if key in self.by_name:
            return self.by_name[key], None
        found = self.by_short.get(key, [])
        if len(found) == 1:
            return found[0], None
        return None, ("ambiguous" if found else "unknown")


def _node(item) -> tuple:
    if isinstance(item, PlanRow):
        return ("a", item.target.pk) if item.target is not None else ("r", item.number)
    return ("a", item.pk)


def _resolve_parents(rows: list[PlanRow], resolver: AgencyResolver) -> None:
    for row in rows:
        row.values["parent_ref"] = None
        text = row.values["parent"]
        if not text:
            continue
        found, problem = resolver.find(text)
        if problem == "ambiguous":
            row.refuse(
                "ambiguous_parent",
                _("The parent “%(value)s” matches several agencies: give its full name.")
                % {"value": text},
            )
        elif problem:
            row.refuse("unknown_parent", _("Unknown parent agency “%(value)s”.") % {"value": text})
        elif found is row or _node(found) == _node(row):
            row.refuse("parent_cycle", _("An agency cannot be its own parent."))
        else:
            row.values["parent_ref"] = found


def _refuse_cycles(rows: list[PlanRow], existing: list[Agency]) -> None:
    """Refuse every row on a cycle of parents, the file's parents and the database's together."""
    parent_of = {("a", agency.pk): ("a", agency.parent_id) for agency in existing}
    for row in rows:
        parent = row.values.get("parent_ref")
        parent_of[_node(row)] = _node(parent) if parent is not None else None
    names = {_node(row): row.values["name"] for row in rows}
    names.update({("a", a.pk): a.name for a in existing if ("a", a.pk) not in names})
    for row in rows:
        start = _node(row)
        path, node = [start], parent_of.get(start)
        while node is not None and node not in path and len(path) <= len(parent_of):
            path.append(node)
            node = parent_of.get(node)
        if node == start and row.values.get("parent_ref") is not None:
            cycle = " → ".join(names.get(n, "?") for n in [*path, start])
            row.refuse(
                "parent_cycle",
                _("The parent agencies form a cycle: %(cycle)s.") % {"cycle": cycle},
            )


def _refuse_orphans(rows: list[PlanRow]) -> None:
    """A row whose parent is a refused row of the file is refused too (until nothing changes)."""
    changed = True
    while changed:
        changed = False
        for row in rows:
            parent = row.values.get("parent_ref")
            if isinstance(parent, PlanRow) and parent.refused and not row.refused:
                row.refuse(
                    "parent_refused",
                    _("The parent agency “%(value)s” is refused in this file.")
                    % {"value": row.values["parent"]},
                )
                changed = True


def _parent_name(item) -> str:
    if item is None:
        return ""
    return item.values["name"] if isinstance(item, PlanRow) else item.name


def _agency_changes(row: PlanRow, kind_labels: dict[str, str]) -> list[str]:
    agency, values = row.target, row.values
    parent = values["parent_ref"]
    same_parent = (
        agency.parent_id is None
        if parent is None
        else (_node(parent)[0] == "a" and _node(parent)[1] == agency.parent_id)
    )
    pairs = [
        ("name", agency.name, values["name"], agency.name == values["name"]),
        ("short_name", agency.short_name, values["short_name"], None),
        ("kind", kind_labels[agency.kind], kind_labels[values["kind"]], None),
        ("parent", agency.parent.name if agency.parent else "", _parent_name(parent), same_parent),
        ("is_obligated", _yes_no(agency.is_obligated), _yes_no(values["is_obligated"]), None),
        ("is_active", _yes_no(agency.is_active), _yes_no(values["is_active"]), None),
    ]
    return [
        f"{AGENCIES.column(key).title}: {old or '—'} → {new or '—'}"
        for key, old, new, same in pairs
        if not (old == new if same is None else same)
    ]


def _agency_summary(row: PlanRow, kind_labels: dict[str, str]) -> list[str]:
    """What a new agency will be: "column: value" of what the file gives."""
    values, title = row.values, AGENCIES.column
    summary = [f"{title('kind').title}: {kind_labels[values['kind']]}"]
    if values["parent_ref"] is not None:
        summary.append(f"{title('parent').title}: {_parent_name(values['parent_ref'])}")
    summary.append(f"{title('is_obligated').title}: {_yes_no(values['is_obligated'])}")
    if not values["is_active"]:
        summary.append(f"{title('is_active').title}: {_yes_no(False)}")
    return summary


def _yes_no(value: bool) -> str:
    return "ya" if value else "tidak"


def plan_agencies(records) -> tuple[list[PlanRow], AgencyResolver]:
    kinds = _lookup(AgencyKind.choices)
    with translation.override("id"):
        kind_labels = {value: str(label) for value, label in AgencyKind.choices}
    existing = list(Agency.objects.select_related("parent"))
    by_name = {agency.name.casefold(): agency for agency in existing}
    rows = [_parse_agency(number, record, kinds) for number, record in records]
    _refuse_duplicates(rows, "name", AGENCIES.column("name"))
    for row in rows:
        row.target = by_name.get(row.values["name"].casefold()) if row.values["name"] else None
    resolver = AgencyResolver(rows, existing)
    _resolve_parents(rows, resolver)
    _refuse_cycles(rows, existing)
    _refuse_orphans(rows)
    for row in rows:
        if row.refused:
            row.action = REFUSED
        elif row.target is None:
            row.action = CREATE
            row.changes = _agency_summary(row, kind_labels)
        else:
            row.changes = _agency_changes(row, kind_labels)
            row.action = UPDATE if row.changes else UNCHANGED
    return rows, resolver


# --- people ----------------------------------------------------------------------------------


def _parse_roles(row: PlanRow, roles: dict[str, str]) -> None:
    text = str(row.values.get("roles", ""))
    wanted = set()
    for part in (p.strip() for p in _SPLIT.split(text)):
        if not part:
            continue
        role = roles.get(part.casefold())
        if role is None:
            row.refuse(
                "unknown_role",
                _("Unknown role “%(value)s”: operator, judge or leadership.") % {"value": part},
            )
        else:
            wanted.add(role)
    if not text:
        row.refuse("missing_role", _("The role is missing."))
    row.values["roles"] = sorted(wanted)


def _parse_email(row: PlanRow) -> None:
    email = _text(row, "email", PEOPLE, 254)
    row.values["email"] = email
    if not email:
        row.refuse("missing_email", _("The e-mail address is missing."))
        return
    try:
        validate_email(email)
    except ValidationError:
        row.refuse("bad_email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})


def _parse_username(row: PlanRow) -> None:
    given = str(row.values.get("username", ""))
    row.values["username_given"] = bool(given)
    username = given or row.values["email"].lower()
    row.values["username"] = username
    if not username:
        return
    try:
        if len(username) > 150:
            raise ValidationError("too long")
        UnicodeUsernameValidator()(username)
    except ValidationError:
        row.refuse(
            "bad_username",
            _("“%(value)s” cannot be a username (at most 150 letters, digits and @.+-_).")
            % {"value": username},
        )


def _parse_person(number: int, record: dict, roles, membership_roles) -> PlanRow:
    row = PlanRow(PEOPLE.key, number, dict(record))
    values = row.values
    values["name"] = _text(row, "name", PEOPLE, 150)
    if not values["name"]:
        row.refuse("missing_name", _("The name is missing."))
    _parse_email(row)
    _parse_username(row)
    _parse_roles(row, roles)
    values["agency"] = str(values.get("agency", ""))
    text = str(values.get("membership_role", ""))
    if text:
        values["membership_role"] = membership_roles.get(text.casefold())
        if values["membership_role"] is None:
            row.refuse(
                "unknown_membership_role",
                _("Unknown role in the agency “%(value)s”: operator, head or member.")
                % {"value": text},
            )
    else:
        operator = Role.OPERATOR.value in values["roles"]
        values["membership_role"] = MembershipRole.OPERATOR if operator else MembershipRole.MEMBER
    if Role.OPERATOR.value in values["roles"] and not values["agency"]:
        row.refuse("operator_needs_agency", _("An operator needs an agency."))
    values["is_active"] = _boolean(row, "is_active", PEOPLE.column("is_active"), True)
    return row


def _resolve_agency(row: PlanRow, resolver: AgencyResolver) -> None:
    row.values["agency_ref"] = None
    text = row.values["agency"]
    if not text:
        return
    found, problem = resolver.find(text)
    if problem == "ambiguous":
        row.refuse(
            "ambiguous_agency",
            _("The agency “%(value)s” matches several agencies: give its full name.")
            % {"value": text},
        )
    elif problem:
        row.refuse("unknown_agency", _("Unknown agency “%(value)s”.") % {"value": text})
    elif isinstance(found, PlanRow) and found.refused:
        row.refuse(
            "agency_refused",
            _("The agency “%(value)s” is refused in this file.") % {"value": text},
        )
    else:
        row.values["agency_ref"] = found


@dataclass
class _Accounts:
    """What the database holds about the accounts a file names, read in a few queries."""

    by_email: dict[str, list]
    by_username: dict[str, object]
    manageable: set[int]
    groups: dict[int, set[str]]
    memberships: dict[int, dict[int, str]]  # user id -> {agency id: role} (active ones)

    @classmethod
    def read(cls, rows: list[PlanRow], actor) -> _Accounts:
        User = get_user_model()
        emails = {row.values["email"].lower() for row in rows if row.values["email"]}
        usernames = {row.values["username"].lower() for row in rows if row.values["username"]}
        by_email = defaultdict(list)
        for user in User.objects.annotate(e=Lower("email")).filter(e__in=emails):
            by_email[user.e].append(user)
        by_username = {
            user.u: user
            for user in User.objects.annotate(u=Lower("username")).filter(u__in=usernames)
        }
        ids = {u.pk for users in by_email.values() for u in users} | {
            u.pk for u in by_username.values()
        }
        manageable = set(
            accounts.manageable_users(actor).filter(pk__in=ids).values_list("pk", flat=True)
        )
        groups = defaultdict(set)
        for user_id, name in User.groups.through.objects.filter(user_id__in=ids).values_list(
            "user_id", "group__name"
        ):
            groups[user_id].add(name)
        memberships = defaultdict(dict)
        for user_id, agency_id, role in Membership.objects.filter(
            user_id__in=ids, is_active=True
        ).values_list("user_id", "agency_id", "role"):
            memberships[user_id][agency_id] = role
        return cls(by_email, by_username, manageable, groups, memberships)


def _not_manageable(row: PlanRow) -> None:
    row.refuse(
        "not_manageable",
        _(
            "This account belongs to an organiser, a superuser or staff: it cannot be managed "
            "by this import."
        ),
    )


def _match_person(row: PlanRow, known: _Accounts) -> None:
    values = row.values
    matches = known.by_email.get(values["email"].lower(), []) if values["email"] else []
    if len(matches) > 1:
        row.refuse("shared_email", _("Several accounts have this e-mail address."))
        return
    row.target = matches[0] if matches else None
    if row.target is not None and row.target.pk not in known.manageable:
        _not_manageable(row)
        return
    if row.target is not None and not values["username_given"]:
        values["username"] = row.target.username
        return
    holder = known.by_username.get(values["username"].lower()) if values["username"] else None
    if holder is None or holder == row.target:
        return
    if holder.pk not in known.manageable:
        _not_manageable(row)
    else:
        row.refuse(
            "username_taken",
            _("The username “%(value)s” belongs to another account.")
            % {"value": values["username"]},
        )


def _person_changes(row: PlanRow, known: _Accounts) -> list[str]:
    user, values = row.target, row.values
    title = PEOPLE.column
    changes = []
    if user.get_full_name() != values["name"]:
        changes.append(f"{title('name').title}: {user.get_full_name()} → {values['name']}")
    if user.email.lower() != values["email"].lower():
        changes.append(f"{title('email').title}: {user.email or '—'} → {values['email']}")
    if user.username != values["username"]:
        changes.append(f"{title('username').title}: {user.username} → {values['username']}")
    if user.is_active != values["is_active"]:
        old, new = _yes_no(user.is_active), _yes_no(values["is_active"])
        changes.append(f"{title('is_active').title}: {old} → {new}")
    roles = sorted(known.groups.get(user.pk, set()) & set(MEMBER_ROLES))
    if roles != values["roles"]:
        old, new = ", ".join(roles) or "—", ", ".join(values["roles"]) or "—"
        changes.append(f"{title('roles').title}: {old} → {new}")
    agency = values["agency_ref"]
    if agency is not None:
        held = None
        if _node(agency)[0] == "a":
            held = known.memberships.get(user.pk, {}).get(_node(agency)[1])
        if held != values["membership_role"]:
            role = f"{held or '—'} → {values['membership_role']}"
            changes.append(f"{title('agency').title}: {_parent_name(agency)} ({role})")
    return changes


def _person_summary(row: PlanRow) -> list[str]:
    """What a new account will be: its username, roles, agency, and "inactive" if so."""
    values, title = row.values, PEOPLE.column
    summary = [
        f"{title('username').title}: {values['username']}",
        f"{title('roles').title}: {', '.join(values['roles'])}",
    ]
    if values["agency_ref"] is not None:
        agency = _parent_name(values["agency_ref"])
        summary.append(f"{title('agency').title}: {agency} ({values['membership_role']})")
    if not values["is_active"]:
        summary.append(f"{title('is_active').title}: {_yes_no(False)}")
    return summary


def plan_people(records, resolver: AgencyResolver, actor) -> list[PlanRow]:
    roles = _lookup(_member_role_choices())
    membership_roles = _lookup(MembershipRole.choices)
    rows = [_parse_person(number, record, roles, membership_roles) for number, record in records]
    _refuse_duplicates(rows, "email", PEOPLE.column("email"))
    # A username derived from a repeated e-mail repeats too: said once.
    unique_emails = [row for row in rows if "duplicate" not in row.codes]
    _refuse_duplicates(unique_emails, "username", PEOPLE.column("username"))
    known = _Accounts.read(rows, actor)
    for row in rows:
        if not row.refused:
            _match_person(row, known)
        if not row.refused:
            _resolve_agency(row, resolver)
        if row.refused:
            row.action = REFUSED
        elif row.target is None:
            row.action = CREATE
            row.changes = _person_summary(row)
        else:
            row.changes = _person_changes(row, known)
            row.action = UPDATE if row.changes else UNCHANGED
    return rows


def plan_import(content: bytes, actor) -> Plan:
    """What importing the workbook `content` would do. Raises ImportFileError for a file that
    cannot be imported at all; writes nothing."""
    records = read_workbook(content)
    agencies, resolver = plan_agencies(records[AGENCIES.key])
    people = plan_people(records[PEOPLE.key], resolver, actor)
    return Plan(digest_of(content), agencies, people)


# --- apply -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    agencies: dict[str, int]
    people: dict[str, int]
    refused: list[PlanRow]
    invited: list  # the new accounts e-mailed a link to set their password


def _agency_state(agency: Agency) -> dict:
    return {
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "parent": agency.parent.name if agency.parent_id else "",
        "is_obligated": agency.is_obligated,
        "is_active": agency.is_active,
    }


def _unique_slug(row: PlanRow, taken: set[str]) -> str:
    base = slugify(row.values["short_name"] or row.values["name"])[:70] or "instansi"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _parent_of(row: PlanRow, applied: dict[int, Agency]) -> Agency | None:
    parent = row.values["parent_ref"]
    if isinstance(parent, PlanRow):
        return applied.get(parent.number) or parent.target
    return parent


def _create_agencies(rows: list[PlanRow], applied: dict[int, Agency]) -> None:
    """Insert the new agencies, parents before their units: one statement per generation."""
    taken = set(Agency.objects.values_list("slug", flat=True))
    pending = [row for row in rows if row.action == CREATE]
    while pending:
        waiting = {id(row) for row in pending}
        ready = [row for row in pending if id(row.values["parent_ref"]) not in waiting]
        if not ready:  # the plan refuses cycles: never reached
            raise RuntimeError("The new agencies' parents form a cycle.")
        created = Agency.objects.bulk_create(
            Agency(
                name=row.values["name"],
                short_name=row.values["short_name"],
                slug=_unique_slug(row, taken),
                kind=row.values["kind"],
                parent=_parent_of(row, applied),
                is_obligated=row.values["is_obligated"],
                is_active=row.values["is_active"],
            )
            for row in ready
        )
        applied.update((row.number, agency) for row, agency in zip(ready, created, strict=True))
        done = {id(row) for row in ready}
        pending = [row for row in pending if id(row) not in done]


_AGENCY_FIELDS = ("name", "short_name", "kind", "is_obligated", "is_active")


def _apply_agencies(rows: list[PlanRow], actor) -> dict[int, Agency]:
    """Create and update the accepted agency rows, each with its audit event; {row number:
    agency} of every row applied."""
    updated = [row for row in rows if row.action == UPDATE]
    before = {row.number: _agency_state(row.target) for row in updated}
    applied = {row.number: row.target for row in updated}
    _create_agencies(rows, applied)
    for row in updated:
        agency = applied[row.number]
        for name in _AGENCY_FIELDS:
            setattr(agency, name, row.values[name])
        agency.parent = _parent_of(row, applied)
    Agency.objects.bulk_update(
        [applied[row.number] for row in updated], [*_AGENCY_FIELDS, "parent"]
    )
    if applied:
        cache.bump()  # bulk writes send no signal: the public pages show agencies
    for row in rows:
        if row.number in applied:
            action = "agency.update" if row.action == UPDATE else "agency.create"
            agency = applied[row.number]
            after = _agency_state(agency)
            record(
                action, agency, by=actor, before=before.get(row.number), after=after, note="import"
            )
    return applied


def _profile(user) -> dict:
    return {"name": user.get_full_name(), "email": user.email, "username": user.username}


def _agency_of(row: PlanRow, agencies: dict[int, Agency]) -> Agency | None:
    agency = row.values["agency_ref"]
    if isinstance(agency, PlanRow):
        return agencies.get(agency.number) or agency.target
    return agency


def _create_people(rows: list[PlanRow], agencies: dict[int, Agency], groups) -> list:
    """Insert the new accounts (no usable password), their role groups and memberships: three
    statements whatever their number."""
    User = get_user_model()
    new = [row for row in rows if row.action == CREATE]
    users = []
    for row in new:
        user = User(
            username=row.values["username"],
            email=row.values["email"],
            first_name=row.values["name"],
            is_active=row.values["is_active"],
        )
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    Through = User.groups.through
    Through.objects.bulk_create(
        Through(user_id=user.pk, group_id=groups[name].pk)
        for row, user in zip(new, users, strict=True)
        for name in row.values["roles"]
    )
    Membership.objects.bulk_create(
        Membership(user=user, agency=_agency_of(row, agencies), role=row.values["membership_role"])
        for row, user in zip(new, users, strict=True)
        if row.values["agency_ref"] is not None
    )
    return users


def _update_person(row: PlanRow, actor, agencies: dict[int, Agency], groups) -> None:
    """Apply one changed row of people to its account."""
    values, user = row.values, get_user_model().objects.get(pk=row.target.pk)
    before = _profile(user)
    if before["name"] != values["name"]:
        user.first_name, user.last_name = values["name"], ""
    if user.email.lower() != values["email"].lower():
        user.email = values["email"]
    user.username = values["username"]
    user.is_active = values["is_active"]
    user.save()
    current = set(user.groups.filter(name__in=MEMBER_ROLES).values_list("name", flat=True))
    wanted = set(values["roles"])
    user.groups.remove(*(groups[name] for name in current - wanted))
    user.groups.add(*(groups[name] for name in wanted - current))
    agency = _agency_of(row, agencies)
    if agency is not None:
        _ensure_membership(user, agency, values["membership_role"])
    if before != _profile(user):
        record("user.profile", user, by=actor, before=before, after=_profile(user), note="import")


def _ensure_membership(user, agency: Agency, role: str) -> None:
    membership = Membership.objects.filter(user=user, agency=agency, is_active=True).first()
    if membership is None:
        Membership.objects.create(user=user, agency=agency, role=role)
    elif membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])


def _apply_people(rows: list[PlanRow], actor, agencies: dict[int, Agency]) -> list:
    """Apply the accepted rows of people through `AccountChanges` (checked against
    WHO_MAY_GRANT and audited); the new active accounts."""
    updated = [row for row in rows if row.action == UPDATE]
    changes = accounts.AccountChanges(actor, {row.target.pk for row in updated})
    groups = {group.name: group for group in Group.objects.filter(name__in=MEMBER_ROLES)}
    created = _create_people(rows, agencies, groups)
    for user in created:
        changes.watch_new(user)
    for row in updated:
        _update_person(row, actor, agencies, groups)
    changes.commit()
    return [user for user in created if user.is_active]


def set_password_link(user, site_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return site_url.rstrip("/") + path


def _invite(user, site_url: str) -> None:
    send_mail(
        to=[user.email],
        subject=_("Your account on the portal"),
        template="agencies/email/account_created.txt",
        context={
            "name": user.get_full_name(),
            "username": user.username,
            "link": set_password_link(user, site_url),
        },
    )


def apply_import(plan: Plan, actor, *, site_url: str) -> ImportResult:
    """Apply every accepted row of `plan` in one transaction (an error rolls everything back);
    refused rows are skipped. The new active accounts are e-mailed after the commit."""
    with transaction.atomic():
        agencies = _apply_agencies(plan.agencies, actor)
        invited = _apply_people(plan.people, actor, agencies)
        for user in invited:
            _invite(user, site_url)
    return ImportResult(
        agencies=plan.counts(AGENCIES.key),
        people=plan.counts(PEOPLE.key),
        refused=plan.refused,
        invited=invited,
    )
