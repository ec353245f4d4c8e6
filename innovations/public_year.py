"""Innovation.public_year: the newest published edition in which the innovation has a verified
proposal, kept in step with the definition of "public" in innovations.models.public_proposal_q
(verified, edition published). tests/public/test_public_year.py checks the two agree.

Written by the one service that changes a proposal's status (innovations.services
.transition_proposal), by the one that saves an edition (innovations.services.save_edition, when
its publication changes), and by the loaders that insert proposals in bulk (demo data,
generate_scale).
"""

from django.db import connection

from common.cache import bump

REFRESH_SQL = """
UPDATE innovations_innovation
   SET public_year = (
        SELECT MAX(e.year)
          FROM innovations_proposal p
          JOIN innovations_edition e ON e.id = p.edition_id
         WHERE p.innovation_id = innovations_innovation.id
           AND p.status = %s
           AND e.is_published
       )
"""


def refresh_public_years(*, innovation_ids=None, edition_id=None) -> None:
    """Recompute public_year of the given innovations, of every innovation with a proposal in
    the edition, or (neither given) of every innovation. One statement."""
    from innovations.enums import ProposalStatus

    sql, params = REFRESH_SQL, [ProposalStatus.VERIFIED.value]
    if innovation_ids is not None:
        ids = list(innovation_ids)
        if not ids:
            return
        sql += " WHERE id IN (" + ", ".join(["%s"] * len(ids)) + ")"
        params += ids
    elif edition_id is not None:
        sql += " WHERE id IN (SELECT innovation_id FROM innovations_proposal WHERE edition_id = %s)"
        params.append(edition_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    bump()  # the registry's order changed (a raw UPDATE sends no signal)
