"""Login throttling: django-axes's database handler with one limit per lockout parameter.

django-axes counts failed logins per entry of AXES_LOCKOUT_PARAMETERS (here: the pair username
and address, the username alone, the address alone) and compares the largest count with one
AXES_FAILURE_LIMIT. One limit cannot serve all three: five typos of one person must lock that
person's pair, while an office behind one address needs more room than five failures in all.
This handler gives each entry its own limit (KIKS_LOGIN_FAILURE_LIMITS, same order), so that

- 5 failures for one username from one address lock that pair (as before),
- 10 failures for one account from any addresses lock the account (slow guessing from many
  addresses),
- 20 failures from one address, whatever the usernames, lock the address (password spraying).

The counts live in the database every app server shares (axes's AccessAttempt rows). A
successful login clears the counts that name its username, never the address's own count: an
attacker who owns one account cannot sign in with it to wipe the count of a spray.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.db.models import Sum

USERNAME_MAX = 150  # auth.User.username; longer input is never a username


def attempted_username(request, credentials=None) -> str | None:
    """The username a login attempt names, cut to the longest real username, so that a
    megabyte-long value is counted (as its first 150 characters) and never overflows axes's
    255-character column."""
    value = None
    if credentials:
        value = credentials.get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    if value is None:
        return None
    return str(value)[:USERNAME_MAX]


def failure_limits() -> list[int]:
    limits = list(settings.KIKS_LOGIN_FAILURE_LIMITS)
    parameters = settings.AXES_LOCKOUT_PARAMETERS
    if len(limits) != len(parameters):
        raise ValueError("KIKS_LOGIN_FAILURE_LIMITS: one limit per AXES_LOCKOUT_PARAMETERS entry")
    return limits


def _names_username(parameter) -> bool:
    return parameter == "username" or (not isinstance(parameter, str) and "username" in parameter)


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Failures counted against the lockout: AXES_FAILURE_LIMIT (locked) as soon as any
        entry reached its own limit, else the largest count scaled to AXES_FAILURE_LIMIT's
        measure (so axes's "at limit" test means "some entry at its limit")."""
        limit = settings.AXES_FAILURE_LIMIT
        worst = 0.0
        for attempts, own_limit in zip(
            self.get_user_attempts(request, credentials), failure_limits(), strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            worst = max(worst, failures / own_limit)
        if worst >= 1:
            return limit
        return int(worst * limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful login: forget the failures that name this username (the pair and the
        account), keep the address's count."""
        parameters = get_lockout_parameters(request, credentials)
        count = 0
        for parameter, attempts in zip(
            parameters, self.filter_user_attempts(request, credentials), strict=True
        ):
            if _names_username(parameter):
                deleted, _ = attempts.delete()
                count += deleted
        return count
