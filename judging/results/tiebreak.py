"""The one tie-break rule of every ranking: a stage's and the final result's.

Within a track, entries are ranked by their score, higher first. Entries with equal scores are
told apart by the published keys, in order: the higher score on the heaviest criterion, the higher
median, the earlier submission. Entries equal on every key share the rank and are marked
"unresolved": a tie is never broken silently. Inside a shared rank they are listed by proposal id.

The rule is data (`rule`). `rank_entries` applies it in Python (a stage on databases other than
PostgreSQL, and the final result); `sql_order` and `sql_tie_break` write the same rule as SQL for
the set-based statement of judging.results.sql. tests/judging/results/test_tiebreak.py checks that
the three agree on random data.
"""

from dataclasses import dataclass

from judging.enums import TieBreak


@dataclass(frozen=True)
class Key:
    """One key of the rule: `name` is the attribute (Python) and the column (SQL)."""

    name: str
    breaks: str  # the TieBreak value of an entry told apart from the one above it by this key
    descending: bool
    nulls_last: bool

    def sort_value(self, value) -> tuple:
        if value is None:
            return (1 if self.nulls_last else -1, 0)
        return (0, -value if self.descending else value)

    def sql(self, alias: str) -> str:
        direction = "DESC" if self.descending else "ASC"
        nulls = "LAST" if self.nulls_last else "FIRST"
        return f"{alias}.{self.name} {direction} NULLS {nulls}"


def rule(score: str) -> tuple[Key, ...]:
    """The keys in order; `score` names the ranked score ("mean", "normalised" or "score")."""
    return (
        Key(score, TieBreak.NONE, descending=True, nulls_last=False),
        Key("heaviest", TieBreak.HEAVIEST, descending=True, nulls_last=True),
        Key("median", TieBreak.MEDIAN, descending=True, nulls_last=False),
        Key("submitted_at", TieBreak.SUBMISSION, descending=False, nulls_last=True),
    )


def rank_entries(entries, *, score: str) -> None:
    """Rank scored entries within each track by the rule.

    `entries`: objects with `track_id`, `proposal_id` and the rule's attributes (`score`,
    `heaviest`, `median`, `submitted_at`). Sets `rank` (entries equal on every key share the rank
    of the first of them) and `tie_break` (the key that told the entry apart from the one listed
    just above it when their scores are equal) on each, and returns nothing.
    """
    keys = rule(score)
    tracks: dict = {}
    for entry in entries:
        tracks.setdefault(entry.track_id, []).append(entry)
    for ranked in tracks.values():
        ranked.sort(
            key=lambda e: (*(key.sort_value(getattr(e, key.name)) for key in keys), e.proposal_id)
        )
        previous = None
        for position, entry in enumerate(ranked, start=1):
            entry.rank, entry.tie_break = position, TieBreak.NONE
            if previous is not None and getattr(previous, score) == getattr(entry, score):
                entry.tie_break = next(
                    (
                        key.breaks
                        for key in keys[1:]
                        if getattr(previous, key.name) != getattr(entry, key.name)
                    ),
                    TieBreak.UNRESOLVED,
                )
                if entry.tie_break == TieBreak.UNRESOLVED:
                    entry.rank = previous.rank
            previous = entry


def sql_order(score: str, alias: str = "e") -> str:
    """The rule as an ORDER BY list (equal entries share a RANK() over it)."""
    return ", ".join(key.sql(alias) for key in rule(score))


def sql_tie_break(score: str, *, window: str, alias: str = "e") -> str:
    """The WHEN branches of a CASE giving each listed row its tie-break, over `window` (the rule's
    order, then the proposal id). The first row of a track, and a row whose score differs from the
    row above, are the caller's first WHEN (no tie)."""
    first, *others = rule(score)
    branches = [
        f"WHEN LAG({alias}.{first.name}) OVER {window} IS DISTINCT FROM {alias}.{first.name} "
        f"THEN '{TieBreak(first.breaks).value}'"
    ]
    branches += [
        f"WHEN LAG({alias}.{key.name}) OVER {window} IS DISTINCT FROM {alias}.{key.name} "
        f"THEN '{TieBreak(key.breaks).value}'"
        for key in others
    ]
    return " ".join(branches) + f" ELSE '{TieBreak.UNRESOLVED.value}'"
