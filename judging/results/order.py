"""The ranking order of a stage, materialised in StageResult.track and StageResult.place.

A page of the ranking (250 rows of one track) must cost the same whether the stage has 60 entries
or 36,000. Ordering by rank, then acronym, then id needs every entry of the track sorted on each
request; so the order is written once, whenever it can change (the results are computed, entries
are added or removed), and a page is then a range of the index (stage, track, place).

place: 1..n within the track: ranked entries by rank (ties by the innovation's acronym, then the
row's id), then the unscored ones (same tie order). track: the proposal's track at that moment.
"""

from django.db import connection

ORDER_SQL = """
UPDATE judging_stageresult
   SET track_id = ordered.track_id, place = ordered.place
  FROM (
        SELECT r.id AS id,
               p.track_id AS track_id,
               ROW_NUMBER() OVER (
                   PARTITION BY p.track_id
                   ORDER BY r.rank IS NULL, r.rank, p.innovation_acronym, r.id
               ) AS place
          FROM judging_stageresult r
          JOIN innovations_proposal p ON p.id = r.proposal_id
         WHERE r.stage_id = %s
       ) AS ordered
 WHERE judging_stageresult.id = ordered.id
   AND (judging_stageresult.place IS NULL
        OR judging_stageresult.place <> ordered.place
        OR judging_stageresult.track_id IS NULL
        OR judging_stageresult.track_id <> ordered.track_id)
"""


def write_ranking_order(stage_id: int) -> int:
    """Write track and place of every entry of the stage whose order changed (one statement,
    PostgreSQL and SQLite). Returns the number of rows written."""
    with connection.cursor() as cursor:
        cursor.execute(ORDER_SQL, [stage_id])
        return cursor.rowcount
