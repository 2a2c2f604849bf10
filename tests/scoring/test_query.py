"""The query builder (scoring/measures/query.py): golden SQL for a few filters, written out by hand,
and the same statements run on a small hand-made dataset.

The SQL is compared token for token (`flat` only folds runs of whitespace and drops it
inside parentheses, so layout may change but not a word, a name or a parameter)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.data.dataset import open_dataset
from scoring.measures.query import (
    Filters,
    Query,
    moments,
    period_end,
    period_start,
    weekdays_before,
)
from scoring.scope import EVERYTHING, Visible
from tests.builders import agent, survey, ticket, write_dataset


def flat(sql: str) -> str:
    return " ".join(sql.split()).replace("( ", "(").replace(" )", ")")


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    root = tmp_path_factory.mktemp("query") / "data"
    write_dataset(
        root,
        agents=[agent("A1", "North"), agent("A2", "North"), agent("B1", "South")],
        tickets=[
            ticket("T1", "A1", 0, channel="phone"),  # 2026-03-02 09:00
            ticket("T2", "A1", 60, channel="chat"),
            ticket("T3", "A2", 120, channel="email"),  # not a chosen channel
            ticket("T4", "B1", 180, channel="phone"),  # another team
            ticket("T5", "A1", 60 * 24 * 40, channel="phone"),  # April: after the period
        ],
        surveys=[
            survey("S1", "T1", 2),
            {**survey("S2", "T1", 5), "submitted_at": datetime(2026, 3, 1)},  # T1's first
            survey("S3", "T4", 4),
        ],
        training=[
            {"agent_id": "A1", "skill": "repair", "course": "C", "completed_on": date(2026, 3, 9),
             "hours": 4.0},
            {"agent_id": "B1", "skill": "repair", "course": "C", "completed_on": date(2026, 8, 1),
             "hours": 2.0},
        ],
        feedback_360=[
            {"reviewee_id": "A1", "reviewer_role": "peer", "competency": "teamwork",
             "score": 4.0, "period": "2026-Q1"},  # 2026-01-01 .. 2026-03-31: overlaps
            {"reviewee_id": "A1", "reviewer_role": "peer", "competency": "teamwork",
             "score": 3.0, "period": "2026-07"},  # after the period
            {"reviewee_id": "B1", "reviewer_role": "self", "competency": "teamwork",
             "score": 5.0, "period": "2026-03"},  # another team
        ],
    )  # fmt: skip
    return open_dataset(root)


MARCH = Filters(start=date(2026, 3, 1), end=date(2026, 3, 31))


def test_the_roster_of_a_team_as_one_agent_sees_it(ds):
    statement = Query(ds, Filters(teams=("North",))).roster(
        Visible(agents=("A1",)), ("supervisor",)
    )
    assert flat(statement.sql) == (
        'SELECT agent_id, name, team, NULL AS "supervisor" FROM agents '
        'WHERE list_contains($teams, "team") AND list_contains($visible_agents, agent_id) '
        "ORDER BY agent_id"
    )
    assert statement.params == {"teams": ["North"], "visible_agents": ["A1"]}
    assert statement.run(ds)["agent_id"].tolist() == ["A1"]


def test_the_population_roster_has_no_condition(ds):
    statement = Query(ds, MARCH.population()).roster()
    assert statement.sql == "SELECT agent_id, name, team FROM agents ORDER BY agent_id"
    assert statement.params == {}
    assert statement.run(ds)["agent_id"].tolist() == ["A1", "A2", "B1"]


TICKET_ROWS_OF_NORTH_IN_MARCH_BY_PHONE_OR_CHAT = """
WITH scope_agents AS (SELECT agent_id, name, team FROM agents WHERE list_contains($teams, "team")),
next_same_issue AS (SELECT customer_id, coalesce("category", '') AS "same_category", created_at
    FROM tickets WHERE customer_id IS NOT NULL),
ticket_base AS (SELECT t.*, a.team,
    date_trunc('month', t.created_at) AS month,
    date_trunc('quarter', t.created_at) AS quarter,
    date_trunc('week', t.created_at) AS week,
    isodow(t.created_at) AS weekday,
    hour(t.created_at) AS hour,
    date_diff('second', t.created_at, t.first_response_at) / 60.0 AS frt_minutes,
    CASE
        WHEN t.sla_response_minutes IS NULL THEN NULL
        WHEN t.first_response_at IS NOT NULL THEN
            date_diff('second', t.created_at, t.first_response_at) <= t.sla_response_minutes * 60
        WHEN date_diff('second', t.created_at, $as_of) > t.sla_response_minutes * 60 THEN false
    END AS sla_response_met,
    CASE
        WHEN t.sla_resolve_hours IS NULL THEN NULL
        WHEN t.resolved_at IS NOT NULL THEN
            date_diff('second', t.created_at, t.resolved_at) <= t.sla_resolve_hours * 3600
        WHEN date_diff('second', t.created_at, $as_of) > t.sla_resolve_hours * 3600 THEN false
    END AS sla_resolution_met,
    CASE
        WHEN t.resolved_at IS NULL OR t.customer_id IS NULL THEN NULL
        WHEN date_diff('second', t.resolved_at, $as_of) < $repeat_seconds THEN NULL
        ELSE coalesce(date_diff('second', t.resolved_at, n.created_at) <= $repeat_seconds, false)
    END AS is_repeat_source
FROM tickets t
JOIN scope_agents a USING (agent_id)
ASOF LEFT JOIN next_same_issue n
    ON t.customer_id = n.customer_id AND coalesce(t."category", '') = n."same_category"
    AND t.resolved_at < n.created_at
WHERE t.created_at >= $start AND t.created_at < $end_excl
    AND list_contains($channels, t."channel")),
ticket_rows AS MATERIALIZED (SELECT *,
    CASE WHEN is_repeat_source THEN min(nullif(segment_repeat_rate, 0)) OVER ()
            / segment_repeat_rate
        WHEN NOT is_repeat_source THEN 0.0 END AS repeat_vs_segment
FROM (SELECT *, avg(CAST(is_repeat_source AS DOUBLE)) OVER () AS segment_repeat_rate
FROM ticket_base))
SELECT agent_id, count(*) AS tickets FROM ticket_rows GROUP BY agent_id
"""


def test_ticket_rows_of_a_team_in_a_month_on_two_channels(ds):
    filters = MARCH.replace(teams=("North",), channels=("phone", "chat"))
    q = Query(ds, filters, repeat_days=7)
    statement = q.select(
        f"SELECT agent_id, count(*) AS tickets FROM {q.ticket_rows()} GROUP BY agent_id"
    )
    assert flat(statement.sql) == flat(TICKET_ROWS_OF_NORTH_IN_MARCH_BY_PHONE_OR_CHAT)
    assert statement.params == {
        "teams": ["North"],
        "start": datetime(2026, 3, 1),
        "end_excl": datetime(2026, 4, 1),  # the end day is inclusive
        "channels": ["phone", "chat"],
        "as_of": ds.as_of,
        "repeat_seconds": 7 * 86400,
    }
    counts = statement.run(ds).set_index("agent_id")["tickets"].to_dict()
    assert counts == {"A1": 2}  # T1, T2; not A2's email, B1's ticket or A1's April one


def test_the_population_of_the_same_filter_joins_every_agent(ds):
    filters = MARCH.replace(teams=("North",), channels=("phone", "chat"))
    q = Query(ds, filters.population())
    q.ticket_rows()
    sql = flat(q.select("SELECT 1").sql)
    assert sql.startswith("WITH scope_agents AS (SELECT agent_id, name, team FROM agents), ")
    assert "$teams" not in sql and "teams" not in q.params


RATINGS_OF_NORTH_FROM_MARCH_TO_JUNE = """
WITH scope_agents AS (SELECT agent_id, name, team FROM agents),
rating_periods AS MATERIALIZED (SELECT period,
    CASE WHEN "period" LIKE '%Q%'
        THEN make_date(CAST(left("period", 4) AS INT),
            (CAST(right("period", 1) AS INT) - 1) * 3 + 1, 1)
        ELSE make_date(CAST(left("period", 4) AS INT), CAST(right("period", 2) AS INT), 1)
    END AS period_start,
    CAST(CASE WHEN "period" LIKE '%Q%'
        THEN make_date(CAST(left("period", 4) AS INT),
            (CAST(right("period", 1) AS INT) - 1) * 3 + 1, 1)
        ELSE make_date(CAST(left("period", 4) AS INT), CAST(right("period", 2) AS INT), 1)
    END + to_months(CASE WHEN "period" LIKE '%Q%' THEN 3 ELSE 1 END) - INTERVAL 1 DAY
        AS DATE) AS period_end
    FROM (SELECT DISTINCT period FROM feedback_360))
SELECT reviewee_id, score FROM (SELECT * FROM (
    SELECT f.*, a.agent_id, a.team, p.period_start, p.period_end
    FROM feedback_360 f JOIN scope_agents a ON f.reviewee_id = a.agent_id
    JOIN rating_periods p USING (period)
    WHERE list_contains($visible_teams, a.team))
WHERE period_end >= $start_date AND period_start <= $end_date)
"""


def test_360_ratings_whose_period_overlaps_the_dates_within_the_visible_teams(ds):
    q = Query(ds, Filters(start=date(2026, 3, 1), end=date(2026, 6, 30)))
    rows = q.feedback_rows(Visible(teams=("North",)))
    statement = q.select(f"SELECT reviewee_id, score FROM {rows}")
    assert flat(statement.sql) == flat(RATINGS_OF_NORTH_FROM_MARCH_TO_JUNE)
    assert statement.params == {
        "visible_teams": ["North"],
        "start_date": date(2026, 3, 1),
        "end_date": date(2026, 6, 30),
    }
    assert statement.run(ds).values.tolist() == [["A1", 4.0]]  # the 2026-Q1 rating only


def test_training_hours_by_team_up_to_an_end_date(ds):
    # The period runs from the first ticket day (Mar 2) to the as-of day (Apr 11, T5) before
    # the end date; training counts over the year up to Apr 11 from the data's first day at
    # the earliest: Mar 2 – Apr 11. The agents have no hire or left dates: every weekday counts.
    q = Query(ds, Filters(end=date(2026, 6, 30)))
    grouped = q.grouped(q.grain_rows("agent"), ("team",), moments("training_hours", "n", "d"))
    statement = q.select(f"{grouped} ORDER BY team")
    assert flat(statement.sql) == (
        "WITH training_working_days AS (SELECT a.agent_id, CAST(greatest(0, "
        "(5 * (date_diff('day', DATE '1900-01-01', $training_after) // 7) "
        "+ least(date_diff('day', DATE '1900-01-01', $training_after) % 7, 5)) - "
        "(5 * (date_diff('day', DATE '1900-01-01', $training_first) // 7) "
        "+ least(date_diff('day', DATE '1900-01-01', $training_first) % 7, 5))) AS BIGINT) "
        "AS working_days FROM agents a), "
        "scope_agents AS (SELECT agent_id, name, team FROM agents) "
        'SELECT "team", sum(CAST((training_hours) AS DOUBLE)) AS "n", '
        'count(CAST((training_hours) AS DOUBLE)) AS "d" '
        "FROM (SELECT a.agent_id, a.team, coalesce(h.hours, 0) AS training_hours, "
        "coalesce(w.working_days, 0) AS working_days "
        "FROM scope_agents a LEFT JOIN (SELECT agent_id, sum(hours) AS hours FROM training "
        "WHERE completed_on >= $training_first AND completed_on <= $training_last "
        "GROUP BY agent_id) h USING (agent_id) "
        "LEFT JOIN training_working_days w USING (agent_id)) "
        'GROUP BY "team" ORDER BY team'
    )
    assert statement.params == {
        "training_first": date(2026, 3, 2),
        "training_last": date(2026, 4, 11),
        "training_after": date(2026, 4, 12),
    }
    # North: A1 4 h, A2 0 h; South: B1's August course is after the end date
    assert statement.run(ds).values.tolist() == [["North", 4.0, 2], ["South", 0.0, 1]]


def test_survey_rows_of_one_agent_by_category(ds):
    q = Query(ds, Filters(agents=("A1",)))
    grouped = q.grouped(q.survey_rows(), ("agent_id", "category"), moments("csat", "n", "d", "s"))
    assert flat(grouped) == (
        'SELECT "agent_id", "category", sum(CAST((csat) AS DOUBLE)) AS "n", '
        'count(CAST((csat) AS DOUBLE)) AS "d", '
        'sum(CAST((csat) AS DOUBLE) * CAST((csat) AS DOUBLE)) AS "s" '
        "FROM (SELECT s.*, r.* EXCLUDE (ticket_id, _source, _row) "
        "FROM surveys s JOIN ticket_rows r USING (ticket_id)) "
        'GROUP BY "agent_id", "category"'
    )
    assert q.params["agents"] == ["A1"]
    # both surveys of T1 (2 and 5): one row per survey, not per ticket
    assert q.select(grouped).run(ds).values.tolist() == [["A1", "repair", 7.0, 2, 29.0]]


def test_tickets_with_their_first_survey(ds):
    q = Query(ds, MARCH)
    rows = q.surveyed_tickets(["csat"])
    assert rows == (
        '(SELECT r.*, s."csat" FROM ticket_rows r LEFT JOIN first_survey s USING (ticket_id))'
    )
    statement = q.select(f"SELECT ticket_id, csat FROM {rows} ORDER BY ticket_id")
    assert flat(statement.sql).endswith(
        "FROM ticket_base)), "  # the ticket rows first, then the first surveys
        'first_survey AS (SELECT ticket_id, arg_min("csat", submitted_at) AS "csat" '
        "FROM surveys WHERE ticket_id IN (SELECT ticket_id FROM ticket_rows) "
        "GROUP BY ticket_id) "  # only the rows' tickets' surveys
        "SELECT ticket_id, csat FROM "
        '(SELECT r.*, s."csat" FROM ticket_rows r LEFT JOIN first_survey s USING (ticket_id)) '
        "ORDER BY ticket_id"
    )
    result = statement.run(ds).set_index("ticket_id")["csat"]
    assert result["T1"] == 5 and result["T4"] == 4 and result.drop(["T1", "T4"]).isna().all()


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_a_rating_period_as_its_first_and_last_day(ds, period, first, last):
    sql = f"SELECT {period_start('p')}, {period_end('p')} FROM (SELECT $p AS p)"
    assert ds.row(sql, {"p": period}) == (first, last)


def test_a_parameter_or_cte_bound_twice_differently_is_refused(ds):
    q = Query(ds)
    assert q.param("limit", 5) == "$limit" and q.param("limit", 5) == "$limit"
    with pytest.raises(ValueError, match="already bound"):
        q.param("limit", 6)
    with pytest.raises(ValueError, match="not a parameter name"):
        q.param("x; DROP", 1)
    q.define("one", "SELECT 1")
    with pytest.raises(ValueError, match="defined differently"):
        q.define("one", "SELECT 2")
    with pytest.raises(ValueError, match="unknown grain"):
        q.grain_rows("month")


def test_explain_shows_the_sql_and_each_parameter(ds):
    statement = Query(ds, Filters(teams=("North",))).roster(EVERYTHING)
    assert statement.explain().splitlines()[-1] == "-- $teams = ['North']"
    assert statement.explain().startswith("SELECT agent_id, name, team FROM agents WHERE")


@settings(max_examples=200, deadline=None)
@given(first=st.dates(date(1990, 1, 1), date(2090, 1, 1)), length=st.integers(-10, 800))
def test_weekdays_are_counted_as_the_calendar_has_them(first, length):
    after = first + timedelta(days=length)
    calendar = sum((first + timedelta(days=n)).weekday() < 5 for n in range(max(length, 0)))
    counted = f"greatest(0, {weekdays_before('$after')} - {weekdays_before('$first')})"
    got = duckdb.execute(f"SELECT {counted}", {"first": first, "after": after}).fetchall()
    assert got == [(calendar,)]
