"""Column mapping and presets (scoring/ingest): suggestion, derivations, value maps, date
formats, JSON and saved versions, and select_sql on DuckDB. Data is written here; the
expected values are worked out by hand."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from scoring.ingest import presets
from scoring.ingest.mapping import (
    Mapping,
    MappingError,
    Source,
    column,
    constant,
    data_problems,
    detect_format,
    kpis_requiring,
    select_sql,
    suggest,
    value_map,
)

T = datetime


def frame(rows: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype="string")


def view(df: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("raw", df)
    return con


def rows(con, mapping: Mapping, table: str = "tickets", cols=None) -> list[tuple]:
    params: dict = {}
    sql = select_sql(mapping, "raw", params, table)
    names = ", ".join(cols) if cols else "*"
    return con.execute(f"SELECT {names} FROM ({sql})", params).fetchall()


CALL_CENTRE = frame(
    {
        "Call Id": ["ID0001", "ID0002", "ID0003"],
        "Agent": ["Diane", "Becky", "Diane"],
        "Date": ["2021-01-01", "2021-01-01", "2021-01-02"],
        "Time": ["9:12:58", "9:12:58", "10:05:00"],
        "Topic": ["Contract related", "Technical Support", "Payment related"],
        "Answered (Y/N)": ["Y", "Y", "N"],
        "Resolved": ["Y", "N", ""],
        "Speed of answer in seconds": ["109", "70", ""],
        "AvgTalkDuration": ["0:02:23", "0:04:02", ""],
        "Satisfaction rating": ["3", "4", ""],
    }
)
HELPDESK = frame(
    {
        "Ticket_ID": ["T-1", "T-2", "T-3"],
        "Channel": ["Email", "Phone", "Chat"],
        "Category": ["Billing", "Technical", "Billing"],
        "Priority": ["High", "Low", "Medium"],
        "Created_Date": ["03-04-2026 09:00", "13-04-2026 10:30", "20-04-2026 08:15"],
        "Resolved_Date": ["04-04-2026 09:00", "", "21-04-2026 08:15"],
        "Status": ["Resolved", "Open", "Closed"],
        "Agent": ["A01", "A02", "A01"],
    }
)


# ---------------------------------------------------------------------------- suggestion


def test_call_centre_sheet_suggestion_and_typed_rows():
    con = view(CALL_CENTRE)
    s = suggest(list(CALL_CENTRE.columns), CALL_CENTRE, con, "raw")
    m = s.mapping
    assert m["tickets.ticket_id"] == column("Call Id")
    assert m["tickets.created_at"].kind == "combine"
    assert m["tickets.created_at"].columns == ("Date", "Time")
    assert (m["tickets.created_at"].format, m["tickets.created_at"].time_format) == (
        "%Y-%m-%d",
        "%H:%M:%S",
    )
    fr = m["tickets.first_response_at"]
    assert (fr.derive, fr.column, fr.unit) == ("after", "Speed of answer in seconds", "seconds")
    res = m["tickets.resolved_at"]
    assert (res.derive, res.flag, res.column, res.unit) == (
        "if_flag",
        "Resolved",
        "AvgTalkDuration",
        "duration",
    )
    assert m["tickets.channel"] == constant("phone") and s.reasons["tickets.channel"] == "constant"
    assert m["tickets.category"] == column("Topic")
    assert m["tickets.handle_minutes"] == column("AvgTalkDuration", unit="duration")
    assert m["surveys.csat"] == column("Satisfaction rating")
    assert s.unused == ("Answered (Y/N)",)
    assert s.problems == ()

    got = rows(con, m, cols=["ticket_id", "created_at", "first_response_at", "resolved_at"])
    assert got == [
        ("ID0001", T(2021, 1, 1, 9, 12, 58), T(2021, 1, 1, 9, 14, 47), T(2021, 1, 1, 9, 15, 21)),
        ("ID0002", T(2021, 1, 1, 9, 12, 58), T(2021, 1, 1, 9, 14, 8), None),
        ("ID0003", T(2021, 1, 2, 10, 5), None, None),
    ]
    assert [r[0] for r in rows(con, m, cols=["round(handle_minutes, 4)"])] == [
        round(143 / 60, 4),
        round(242 / 60, 4),
        None,
    ]
    assert rows(con, m, "agents", ["agent_id", "name", "team"]) == [
        ("Becky", "Becky", "Unassigned"),
        ("Diane", "Diane", "Unassigned"),
    ]
    # Surveys: one per rated ticket; submitted at resolved, else created.
    assert rows(con, m, "surveys", ["survey_id", "ticket_id", "submitted_at", "csat"]) == [
        ("ID0001", "ID0001", T(2021, 1, 1, 9, 15, 21), 3),
        ("ID0002", "ID0002", T(2021, 1, 1, 9, 12, 58), 4),
    ]


def test_helpdesk_csv_suggestion_resolves_day_first_dates():
    con = view(HELPDESK)
    s = suggest(list(HELPDESK.columns), HELPDESK, con, "raw")
    m = s.mapping
    assert m["tickets.ticket_id"].column == "Ticket_ID"
    assert m["tickets.agent_id"].column == "Agent"
    assert m["tickets.created_at"] == column("Created_Date", format="%d-%m-%Y %H:%M")
    assert m["tickets.resolved_at"].format == "%d-%m-%Y %H:%M"  # 21-04 rules out month first
    assert dict(m["tickets.channel"].values) == {"Email": "email", "Phone": "phone", "Chat": "chat"}
    assert dict(m["tickets.priority"].values) == {"High": "high", "Low": "low", "Medium": "medium"}
    assert s.unused == ("Status",)
    got = rows(con, m, cols=["ticket_id", "created_at", "resolved_at", "channel", "priority"])
    assert got == [
        ("T-1", T(2026, 4, 3, 9), T(2026, 4, 4, 9), "email", "high"),
        ("T-2", T(2026, 4, 13, 10, 30), None, "phone", "low"),
        ("T-3", T(2026, 4, 20, 8, 15), T(2026, 4, 21, 8, 15), "chat", "medium"),
    ]
    # No rating: the survey KPIs are unavailable, and there are no survey rows.
    impact = s.impacts["surveys.csat"]
    assert impact.code == "kpis_unavailable"
    assert impact.kpis == ("csat", "csat_satisfied", "attitude", "quality", "speed", "nps")
    assert rows(con, m, "surveys") == []


def test_a_helpdesk_exports_first_response_and_customer_email_are_recognised():
    # headers of a real export (tests/helpdesk_export.py): left unmapped, the response KPIs
    # and every repeat KPI were unavailable after the import
    df = frame(
        {
            "Ticket ID": ["TK-1", "TK-2"],
            "Customer Email": ["a@example.com", "b@example.com"],
            "Created": ["2026-01-05 08:00", "2026-01-05 09:00"],
            "First Response": ["2026-01-05 08:20", "2026-01-05 09:45"],
            "Agent": ["AG01", "AG02"],
        }
    )
    con = view(df)
    m = suggest(list(df.columns), df, con, "raw").mapping
    assert m["tickets.first_response_at"] == column("First Response", format="%Y-%m-%d %H:%M")
    assert m["tickets.customer_id"].column == "Customer Email"
    got = rows(con, m, cols=["ticket_id", "customer_id", "first_response_at"])
    assert got == [
        ("TK-1", "a@example.com", T(2026, 1, 5, 8, 20)),
        ("TK-2", "b@example.com", T(2026, 1, 5, 9, 45)),
    ]


def test_chinese_headers():
    df = frame(
        {
            "工单编号": ["G1", "G2"],
            "受理人": ["张三", "李四"],
            "创建时间": ["2026/03/01 08:00", "2026/03/02 09:30"],
            "解决时间": ["2026/03/01 10:00", ""],
            "渠道": ["电话", "微信"],
            "类别": ["维修", "咨询"],
            "满意度": ["非常满意", "不满意"],
            "班组": ["一组", "二组"],
            "是否投诉": ["否", "是"],
        }
    )
    con = view(df)
    s = suggest(list(df.columns), df, con, "raw")
    m = s.mapping
    assert m["tickets.ticket_id"].column == "工单编号"
    assert m["tickets.agent_id"].column == "受理人"
    assert m["tickets.created_at"].format == "%Y/%m/%d %H:%M"
    assert m["agents.team"].column == "班组"
    assert s.unused == ()
    got = rows(con, m, cols=["ticket_id", "agent_id", "resolved_at", "channel", "is_complaint"])
    assert got == [
        ("G1", "张三", T(2026, 3, 1, 10), "phone", False),
        ("G2", "李四", None, "chat", True),
    ]
    assert rows(con, m, "surveys", ["csat"]) == [(5,), (2,)]
    assert rows(con, m, "agents", ["agent_id", "team"]) == [("张三", "一组"), ("李四", "二组")]


def test_missing_required_column_is_reported_with_its_cost():
    df = frame({"Ticket ID": ["1"], "Agent": ["a"], "Created": ["2026-01-01"]})
    s = suggest(list(df.columns), df)
    assert ("required_missing", "tickets.category", ()) in s.problems
    assert s.impacts["tickets.category"].code == "required_missing"
    assert "sources.tickets.category: required, give a column or a constant" in data_problems(
        s.mapping, df.columns
    )
    assert s.impacts["tickets.first_response_at"].kpis == (
        "first_response_median",
        "first_response_p90",
        "sla_response",
    )
    assert s.impacts["agents.team"].code == "default"


def test_kpis_requiring_reads_the_registry():
    assert kpis_requiring("tickets.reopened") == ("reopen_rate",)
    assert kpis_requiring("surveys.nps") == ("nps",)


# ---------------------------------------------------------------------------- presets


def test_zendesk_preset():
    df = frame(
        {
            "Id": ["101", "102", "103"],
            "Assignee": ["Ann", "Bob", "Ann"],
            "Group": ["Support", "Billing", "Support"],
            "Via": ["Web form", "Mail", "Chat"],
            "Ticket type": ["question", "incident", "problem"],
            "Priority": ["Normal", "Urgent", "Low"],
            "Created at": ["2026-03-01 08:00:00", "2026-03-01 09:00:00", "2026-03-02 10:00:00"],
            "Solved at": ["2026-03-01 12:00:00", "", "2026-03-03 10:00:00"],
            "First reply time in minutes": ["30", "90", ""],
            "Reopens": ["0", "2", "0"],
            "Satisfaction Score": ["Good", "Bad", "Offered"],
        }
    )
    assert presets.recognise(list(df.columns)) == "zendesk"
    con = view(df)
    m = suggest(list(df.columns), df, con, "raw", preset="zendesk").mapping
    assert m.preset == "zendesk"
    got = rows(
        con,
        m,
        cols=["ticket_id", "first_response_at", "channel", "priority", "reopened"],
    )
    assert got == [
        ("101", T(2026, 3, 1, 8, 30), "web", "medium", False),
        ("102", T(2026, 3, 1, 10, 30), "email", "urgent", True),
        ("103", None, "chat", "low", False),
    ]
    assert rows(con, m, "surveys", ["survey_id", "csat"]) == [("101", 5), ("102", 1)]
    assert rows(con, m, "agents", ["agent_id", "team"]) == [("Ann", "Support"), ("Bob", "Billing")]


def test_freshdesk_preset_codes():
    df = frame(
        {
            "Ticket ID": ["1", "2", "3", "4"],
            "Agent": ["x", "x", "y", "y"],
            "Created time": ["2026-03-01 08:00:00"] * 4,
            "Resolved time": ["2026-03-01 09:00:00"] * 4,
            "Source": ["Portal", "Email", "Phone", "Chat"],
            "Type": ["Question"] * 4,
            "Time tracked": ["01:30:00", "0:15:00", "", "0:00:30"],
            "Survey results": ["103", "100", "-103", "101"],
            "Group": ["L1", "L1", "L2", "L2"],
        }
    )
    con = view(df)
    m = suggest(list(df.columns), df, con, "raw", preset="freshdesk").mapping
    assert rows(con, m, cols=["channel", "handle_minutes"]) == [
        ("web", 90.0),
        ("email", 15.0),
        ("phone", None),
        ("chat", 0.5),
    ]
    assert rows(con, m, "surveys", ["csat"]) == [(5,), (3,), (1,), (4,)]


def test_servicenow_event_log_keeps_the_last_state_per_number():
    df = frame(
        {
            "number": ["INC001", "INC001", "INC002"],
            "state": ["New", "Resolved", "In Progress"],
            "priority": ["3 - Moderate", "1 - Critical", "4 - Low"],
            "category": ["network", "network", "?"],
            "contact_type": ["phone", "phone", "self-service"],
            "assigned_to": ["Ann", "Ann", "?"],
            "assignment_group": ["Network", "Network", "Service Desk"],
            "opened_at": ["05-03-2026 08:00", "05-03-2026 08:00", "14-03-2026 10:00"],
            "resolved_at": ["?", "06-03-2026 09:15", "?"],
            "reopen_count": ["0", "1", "0"],
            "sys_updated_on": ["05-03-2026 08:00", "06-03-2026 09:15", "14-03-2026 10:00"],
        }
    )
    con = view(df)
    s = suggest(list(df.columns), df, con, "raw", preset="servicenow")
    m = s.mapping
    assert m.keep_last is not None and m.keep_last.order_by == "sys_updated_on"
    assert m["tickets.created_at"].format == "%d-%m-%Y %H:%M"
    got = rows(con, m, cols=["ticket_id", "agent_id", "resolved_at", "priority", "reopened"])
    assert sorted(got) == [
        ("INC001", "Ann", T(2026, 3, 6, 9, 15), "urgent", True),
        ("INC002", None, None, "low", False),
    ]
    # List-view display labels map the same way.
    labels = frame({"Number": ["INC9"], "Assigned to": ["Bo"], "Opened": ["2026-03-01 08:00:00"]})
    lm = suggest(list(labels.columns), labels, preset="servicenow").mapping
    assert (lm["tickets.ticket_id"].column, lm["tickets.agent_id"].column) == (
        "Number",
        "Assigned to",
    )
    assert lm.keep_last is None  # no sys_updated_on column


def test_jira_preset_dates():
    df = frame(
        {
            "Issue key": ["SD-1", "SD-2"],
            "Assignee": ["kim", "lee"],
            "Created": ["12/Mar/26 9:41 AM", "13/Mar/26 2:05 PM"],
            "Resolved": ["12/Mar/26 11:00 AM", ""],
            "Custom field (Request Type)": ["Get IT help", "Report a bug"],
            "Priority": ["Highest", "Medium"],
            "Satisfaction rating": ["5", ""],
        }
    )
    con = view(df)
    m = suggest(list(df.columns), df, con, "raw", preset="jira").mapping
    assert rows(
        con, m, cols=["ticket_id", "created_at", "resolved_at", "category", "priority"]
    ) == [
        ("SD-1", T(2026, 3, 12, 9, 41), T(2026, 3, 12, 11), "Get IT help", "urgent"),
        ("SD-2", T(2026, 3, 13, 14, 5), None, "Report a bug", "medium"),
    ]
    assert m["tickets.channel"].kind == "none"  # Jira has no channel: a constant is needed


def test_generic_preset():
    m = suggest(list(HELPDESK.columns), HELPDESK, preset="generic").mapping
    assert m.preset == "generic" and m["tickets.resolved_at"].column == "Resolved_Date"
    assert presets.recognise(list(HELPDESK.columns)) == "generic"


# ---------------------------------------------------------------------------- derivations


def test_each_derivation():
    df = frame(
        {
            "id": ["1", "2", "3"],
            "start": ["2026-01-01 08:00:00"] * 3,
            "secs": ["90", "", "3600"],
            "mins": ["1.5", "2", ""],
            "hrs": ["0.5", "", "1"],
            "talk": ["0:02:23", "143", "1:00:00"],
            "done": ["是", "否", "Y"],
            "status": ["Closed", "Open", "已解决"],
            "count": ["0", "3", ""],
        }
    )
    con = view(df)
    base = {"tickets.created_at": column("start")}

    def one(target: str, src: Source):
        return [
            r[0] for r in rows(con, Mapping({**base, target: src}), cols=[target.split(".")[1]])
        ]

    def after(col: str, unit: str) -> Source:
        return Source(kind="derive", derive="after", column=col, unit=unit)

    t0 = T(2026, 1, 1, 8)
    assert one("tickets.first_response_at", after("secs", "seconds")) == [
        T(2026, 1, 1, 8, 1, 30),
        None,
        T(2026, 1, 1, 9),
    ]
    assert one("tickets.first_response_at", after("mins", "minutes")) == [
        T(2026, 1, 1, 8, 1, 30),
        T(2026, 1, 1, 8, 2),
        None,
    ]
    assert one("tickets.accepted_at", after("hrs", "hours")) == [
        T(2026, 1, 1, 8, 30),
        None,
        t0.replace(hour=9),
    ]
    assert one("tickets.resolved_at", after("talk", "duration")) == [
        T(2026, 1, 1, 8, 2, 23),
        T(2026, 1, 1, 8, 2, 23),
        T(2026, 1, 1, 9),
    ]
    flag_only = Source(kind="derive", derive="if_flag", flag="done")
    assert one("tickets.resolved_at", flag_only) == [t0, None, t0]
    flag_plus = Source(
        kind="derive", derive="if_flag", flag="status", column="talk", unit="duration"
    )
    assert one("tickets.resolved_at", flag_plus) == [
        T(2026, 1, 1, 8, 2, 23),
        None,
        T(2026, 1, 1, 9),
    ]
    assert one("tickets.reopened", Source(kind="derive", derive="positive", column="count")) == [
        False,
        True,
        None,
    ]
    assert one("tickets.channel", constant("web")) == ["web", "web", "web"]
    assert one("tickets.contacts", constant("2")) == [2, 2, 2]
    assert one("tickets.product", Source()) == [None, None, None]
    combined = Source(kind="combine", columns=("start", "talk"), time_format="%H:%M:%S")
    assert one("tickets.followed_up_at", combined) == [
        T(2026, 1, 1, 0, 2, 23),
        None,
        T(2026, 1, 1, 1),
    ]


def test_agents_team_from_group_column_most_frequent():
    df = frame(
        {
            "id": ["1", "2", "3", "4"],
            "agent": ["a", "a", "a", "b"],
            "grp": ["North", "South", "North", ""],
            "created": ["2026-01-01 00:00:00"] * 4,
        }
    )
    m = Mapping(
        {
            "tickets.ticket_id": column("id"),
            "tickets.agent_id": column("agent"),
            "tickets.created_at": column("created"),
            "agents.team": column("grp"),
        }
    )
    assert rows(view(df), m, "agents", ["agent_id", "name", "team"]) == [
        ("a", "a", "North"),
        ("b", "b", "Unassigned"),
    ]


# ---------------------------------------------------------------------------- value maps


def test_value_maps():
    assert value_map("surveys.csat", ["5 - Very satisfied", "1 - Very dissatisfied", "4"]) == {
        "5 - Very satisfied": "5",
        "1 - Very dissatisfied": "1",
    }
    assert value_map("surveys.csat", ["Good", "Bad", "Unoffered"]) == {
        "Good": "5",
        "Bad": "1",
        "Unoffered": "",
    }
    assert value_map("surveys.csat", ["103", "102", "-102"]) == {
        "103": "5",
        "102": "4",
        "-102": "2",
    }
    assert value_map("tickets.priority", ["1 - Critical", "Normal", "low"]) == {
        "1 - Critical": "urgent",
        "Normal": "medium",
    }
    df = frame(
        {"id": ["1", "2", "3", "4"], "flag": ["Y", "n", "是", "否"], "c": ["a", "b", "x", ""]}
    )
    m = Mapping(
        {
            "tickets.ticket_id": column("id"),
            "tickets.escalated": column("flag"),
            "tickets.category": column("c", values={"A": "repair", "B": ""}),
        }
    )
    assert rows(view(df), m, cols=["escalated", "category"]) == [
        (True, "repair"),
        (False, None),
        (True, "x"),
        (False, None),
    ]


# ---------------------------------------------------------------------------- date formats


def test_date_format_ambiguous_and_resolved():
    con = view(frame({"d": ["03-04-2026", "05-06-2026", ""]}))
    found = detect_format(con, "raw", "d")
    assert found.status == "ambiguous"
    assert found.options == ("%d-%m-%Y", "%m-%d-%Y")
    con = view(frame({"d": ["03-04-2026", "13-04-2026"]}))
    assert detect_format(con, "raw", "d").format == "%d-%m-%Y"
    con = view(frame({"d": ["03-04-2026", "04-13-2026"]}))
    assert detect_format(con, "raw", "d").format == "%m-%d-%Y"
    con = view(frame({"d": ["2026-03-04 09:00:00", "2026-03-05 10:00:00"]}))
    assert detect_format(con, "raw", "d").format == "%Y-%m-%d %H:%M:%S"
    assert detect_format(view(frame({"d": ["soon", "2026-01-01"]})), "raw", "d").status == "none"
    assert detect_format(view(frame({"d": ["", "?"]})), "raw", "d").status == "empty"


def test_ambiguous_dates_reported_by_suggest():
    df = frame({"Ticket ID": ["1", "2"], "Created": ["03-04-2026", "05-06-2026"]})
    s = suggest(list(df.columns), df)
    assert ("ambiguous_format", "tickets.created_at", ("%d-%m-%Y", "%m-%d-%Y")) in s.problems
    assert s.formats["tickets.created_at"].status == "ambiguous"


# ---------------------------------------------------------------------------- record, JSON


def test_json_round_trip_and_refusals():
    m = suggest(list(CALL_CENTRE.columns), CALL_CENTRE).mapping
    text = json.dumps(m.to_dict(), ensure_ascii=False)
    assert Mapping.from_dict(json.loads(text)) == m
    data = m.to_dict()
    data["colour"] = "blue"
    data["version"] = 7
    data["sources"]["tickets.channel"] = {"kind": "constant", "value": "phone", "colour": 1}
    with pytest.raises(MappingError) as err:
        Mapping.from_dict(data)
    assert err.value.problems == (
        "colour: unknown field",
        "version: expected 1, got 7",
        "sources.tickets.channel.colour: unknown field",
    )


def test_structure_problems_collected_at_once():
    with pytest.raises(MappingError) as err:
        Mapping(
            {
                "tickets.nothing": column("x"),
                "tickets.contacts": Source(kind="derive", derive="after", column="x"),
                "tickets.channel": Source(kind="magic"),
                "tickets.ticket_id": Source(kind="column", format="%Y"),
            }
        )
    problems = err.value.problems
    assert (
        problems[0] == "sources.tickets.nothing: not a contract column that comes from ticket rows"
    )
    assert "sources.tickets.ticket_id.column: a column source names its column" in problems
    assert "sources.tickets.ticket_id.format: only a timestamp has a date format" in problems
    assert (
        "sources.tickets.channel.kind: 'magic' is not one of "
        "column, combine, constant, derive, none" in problems
    )
    assert "sources.tickets.contacts.derive: after gives a timestamp, the target is int" in problems
    assert "sources.tickets.contacts.unit: the amount column needs its unit" in problems


def test_saved_mappings_keep_versions(tmp_path):
    store = presets.MappingStore(tmp_path)
    first = suggest(list(HELPDESK.columns), HELPDESK).mapping
    second = first.replace(**{"tickets.product": constant("Router")})
    assert store.save("monthly", first, T(2026, 4, 1)) == 1
    assert store.save("monthly", second, T(2026, 5, 1)) == 2
    assert store.names() == ["monthly"]
    assert store.listing() == [
        {"name": "monthly", "revision": 2, "saved_at": "2026-05-01T00:00:00"}
    ]
    assert store.revisions("monthly") == [2, 1]
    assert store.load("monthly") == second
    assert store.load("monthly", 1) == first
    assert [p.name for p in (tmp_path / "mappings").iterdir()] == ["monthly.json"]  # no temp left
    with pytest.raises(ValueError):
        store.path("../escape")


def test_a_format_is_checked_on_every_value_beyond_the_quick_first_rows():
    """The first rows only rule candidates out; a later value can still rule one out (here
    13-05, day first), and a column empty at first is not "empty"."""
    from scoring.ingest import mapping as m

    first = ["03-04-2026"] * (m.PREFILTER_ROWS + 5)
    con = view(frame({"d": [*first, "13-05-2026"], "late": [""] * len(first) + ["2026-05-13"]}))
    assert m.detect_format(con, "raw", "d") == m.DateFormat("d", "ok", "%d-%m-%Y")
    assert m.detect_format(con, "raw", "late").status == "ok"
