"""Repeat issues (issue 14, item 6): a repeat is a new ticket of the same customer and contact
about the same category and product within the window after a resolution, counted against the
resolving agent; `repeat_rate` compares it within the customer segment, `repeat_rate_raw` does
not. Every expected value is worked out by hand from the rows below.

T0 is Monday 2026-03-02 09:00 (tests/builders.py); every ticket is a repair resolved an hour
after it was created; the window is 30 days.

id  agent created customer contact product segment
e1  A1    0       E1       P       X       enterprise
e2  A2    1 d     E1       Q       X       enterprise   another contact: not e1's repeat
e3  A1    2 d     E1       P       Y       enterprise   another product: not e1's repeat
e4  A2    3 d     E1       P       X       enterprise   e1's repeat (counted against A1)
i1  A2    0       I1       -       X       individual
i2  A1    5 d     I1       -       X       individual   i1's repeat (counted against A2)
i3  A2    6 d     I2       -       X       individual
i4  A1    7 d     I3       -       X       individual
i5  A2    8 d     I4       -       X       individual
i6  A2    9 d     I5       -       X       individual
z   A1    60 d    I9       -       X       individual   open; sets the as-of time (every window
                                                        above has passed: 60 − 9 > 30 days)

Eligible resolutions: enterprise e1 (repeat), e2, e3, e4 → 1/4; individual i1 (repeat), i2..i6
→ 1/6 (the lowest segment rate). Within the segment every repeat is restated at the individual
rate: an enterprise repeat weighs (1/6)/(1/4) = 2/3, an individual one (1/6)/(1/6) = 1:
- A1: e1 (repeat), e3, i2, i4 → raw 1/4; within the segment (2/3)/4 = 1/6;
- A2: e2, e4, i1 (repeat), i3, i5, i6 → raw 1/6; within the segment 1/6;
- the department: raw 2/10; within the segment (2/3 + 1)/10 = 1/6, the individual rate.
"""

from __future__ import annotations

import pytest

from scoring.data.dataset import open_dataset
from scoring.measures.metrics import attach_cube, kpi_table
from tests.builders import agent, ticket, write_dataset

DAY = 1440
ROWS = [
    ("e1", "A1", 0, "E1", "P", "X", "enterprise"),
    ("e2", "A2", 1 * DAY, "E1", "Q", "X", "enterprise"),
    ("e3", "A1", 2 * DAY, "E1", "P", "Y", "enterprise"),
    ("e4", "A2", 3 * DAY, "E1", "P", "X", "enterprise"),
    ("i1", "A2", 0, "I1", None, "X", "individual"),
    ("i2", "A1", 5 * DAY, "I1", None, "X", "individual"),
    ("i3", "A2", 6 * DAY, "I2", None, "X", "individual"),
    ("i4", "A1", 7 * DAY, "I3", None, "X", "individual"),
    ("i5", "A2", 8 * DAY, "I4", None, "X", "individual"),
    ("i6", "A2", 9 * DAY, "I5", None, "X", "individual"),
]


def _tickets(drop: tuple[str, ...] = ()) -> list[dict]:
    rows = [
        ticket(i, a, at, customer_id=c, contact_id=p, product=x, customer_segment=s, resolved_at=60)
        for i, a, at, c, p, x, s in ROWS
    ]
    rows.append(ticket("z", "A1", 60 * DAY, customer_id="I9", product="X"))
    return [{k: v for k, v in row.items() if k not in drop} for row in rows]


@pytest.fixture(params=["files", "build", "cube"])
def reading(request) -> str:
    """Each test three times: the dataset read from its files, from its build (where each
    ticket's next same issue was found once, `scoring.data.build`), and from the build's
    pre-aggregated tables (`scoring.measures.cube`, segment rates restated from cells)."""
    return request.param


def _table(tmp_path, reading, drop: tuple[str, ...] = (), by=("agent_id",)):
    root = write_dataset(tmp_path, agents=[agent("A1"), agent("A2")], tickets=_tickets(drop))
    ds = open_dataset(root, builds=tmp_path / "builds" if reading != "files" else None)
    assert (ds.built is not None) == (reading != "files")
    assert all(r.count == 0 for r in ds.report.rules)
    if reading == "cube":
        assert attach_cube(ds, 30) is not None
    return kpi_table(ds, by=by)


def _by_agent(table, column: str) -> dict:
    return dict(zip(table["agent_id"], table[column], strict=True))


def test_same_customer_contact_category_and_product_against_the_resolving_agent(tmp_path, reading):
    table = _table(tmp_path, reading)
    assert _by_agent(table, "repeat_rate_raw") == pytest.approx({"A1": 1 / 4, "A2": 1 / 6})
    assert _by_agent(table, "repeat_rate_raw__num") == {"A1": 1, "A2": 1}
    assert _by_agent(table, "repeat_rate_raw__den") == {"A1": 4, "A2": 6}


def test_compared_within_the_segment_the_mix_no_longer_decides(tmp_path, reading):
    table = _table(tmp_path, reading)
    assert _by_agent(table, "repeat_rate") == pytest.approx({"A1": 1 / 6, "A2": 1 / 6})
    assert _by_agent(table, "repeat_rate__num") == pytest.approx({"A1": 2 / 3, "A2": 1.0})


def test_the_department_is_restated_at_the_segment_that_repeats_least(tmp_path, reading):
    department = _table(tmp_path, reading, by=()).iloc[0]
    assert department["repeat_rate"] == pytest.approx(1 / 6)
    assert department["repeat_rate_raw"] == pytest.approx(0.2)


def test_without_contact_ids_any_contact_of_the_customer_counts(tmp_path, reading):
    # e2 (contact Q) is now e1's next same issue (still a repeat), and e4 is e2's → A2 2/6
    table = _table(tmp_path, reading, drop=("contact_id",))
    assert _by_agent(table, "repeat_rate_raw") == pytest.approx({"A1": 1 / 4, "A2": 2 / 6})


def test_without_products_any_product_counts(tmp_path, reading):
    # e3 (product Y, contact P) is now e1's repeat, and e4 is e3's → A1 e1, e3 of 4 = 1/2
    table = _table(tmp_path, reading, drop=("product",))
    assert _by_agent(table, "repeat_rate_raw") == pytest.approx({"A1": 1 / 2, "A2": 1 / 6})


def test_without_segments_both_kpis_agree(tmp_path, reading):
    table = _table(tmp_path, reading, drop=("customer_segment",))
    assert _by_agent(table, "repeat_rate") == pytest.approx({"A1": 1 / 4, "A2": 1 / 6})
