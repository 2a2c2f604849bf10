"""The leak checker itself (tests/leak_check.py): a small app hides one id in each place a
page can send one, and the checker must find each id where it is, and only there.

Each id appears exactly once in the app, so a finding names the place that was decoded.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.leak_check import Shown, UndecodableError, collect, download_file, leaks, recorded


def leaky_app():
    """Every id below appears once, in one kind of element."""
    import io

    import pandas as pd
    import plotly.graph_objects as go
    import streamlit as st

    # (a) a table: Arrow stores the column as one buffer "A100A101A102"
    st.dataframe(pd.DataFrame({"agent_id": ["A100", "A101", "A102"], "n": [1, 2, 3]}))
    # (b) a chart whose bars show numbers only; the id is in customdata
    figure = go.Figure(go.Bar(x=[1, 2], y=[3, 4], customdata=[["x"], ["A201"]]))
    st.plotly_chart(figure, key="chart")
    # (c) a picker's option (not chosen)
    st.selectbox("Agent", ["mine", "A301"], key="picker")
    # (d) a CSV download, written with the page
    csv = pd.DataFrame({"agent_id": ["A401"]}).to_csv(index=False).encode("utf-8-sig")
    st.download_button("CSV", csv, file_name="a.csv", mime="text/csv", key="csv")

    # (e) an Excel download, written only when clicked
    def excel() -> bytes:
        buffer = io.BytesIO()
        pd.DataFrame({"agent_id": ["A501"]}).to_excel(buffer, index=False, sheet_name="s")
        return buffer.getvalue()

    st.download_button("Excel", excel, file_name="a.xlsx", key="xlsx")
    # prefixes and Chinese neighbours
    st.caption("see A6012")
    st.markdown("坐席A701的客户王芳")
    st.caption("viewed: team=Team+South&name=%E6%9D%8E%E5%A8%9C")  # 李娜, URL-encoded
    # containers and other element kinds
    st.sidebar.caption("A801")
    with st.expander("details"):
        st.markdown("A802")
    (tab,) = st.tabs(["tab"])
    tab.json({"agent": "A803"})
    with st.form("form"):
        st.text_input("A804", key="box")
        st.form_submit_button("save")
    left, _right = st.columns(2)
    left.metric("calls", "12", help="A805")
    st.warning("A806")
    st.code("A807")


EXPECTED = {  # id: (element kind, a text the part where it is starts with)
    "A101": ("dataframe", "arrow_data.data arrow column 'agent_id'"),
    "A201": ("plotly_chart", "spec json.data[0].customdata"),
    "A301": ("selectbox", "options"),
    "A401": ("download_button", "file csv"),
    "A501": ("download_button", "file xlsx s!"),
    "A701": ("markdown", "body"),
    "A801": ("caption", "body"),
    "A802": ("markdown", "body"),
    "A803": ("json", "body json.agent"),
    "A804": ("text_input", "label"),
    "A805": ("metric", "help"),
    "A806": ("warning", "body"),
    "A807": ("code", "code_text"),
}


@pytest.fixture(scope="module")
def leaky() -> AppTest:
    at = recorded(AppTest.from_function(leaky_app, default_timeout=30)).run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def shown(leaky) -> list[Shown]:
    return collect(leaky)


def test_the_premise_a_search_of_the_raw_table_misses_the_middle_id(leaky):
    """Why values are decoded: the middle id of the Arrow column is no word on its own."""
    raw = str(leaky.dataframe[0].proto)
    assert "A100A101A102" in raw  # the ids are all there, end to end
    assert not re.search(r"\bA101\b", raw)


def test_the_excel_download_is_deferred_and_the_csv_is_not(leaky):
    assert leaky.download_button(key="xlsx").proto.deferred_file_id
    assert not leaky.download_button(key="csv").proto.deferred_file_id
    assert leaky.download_button(key="csv").proto.url


def test_a_deferred_download_is_read_as_a_click_would_get_it(leaky):
    excel = download_file(leaky, leaky.download_button(key="xlsx"))
    assert excel.name == "a.xlsx" and excel.content[:2] == b"PK"  # xlsx: a zip archive
    csv = download_file(leaky, leaky.download_button(key="csv"))
    assert (csv.name, csv.mime) == ("a.csv", "text/csv") and b"A401" in csv.content


@pytest.mark.parametrize("agent_id", sorted(EXPECTED))
def test_each_hidden_id_is_found_where_it_is(shown, agent_id):
    kind, part = EXPECTED[agent_id]
    found = leaks(shown, [agent_id], [])
    assert [(f.shown.kind, f.shown.part.startswith(part)) for f in found] == [(kind, True)]


def test_an_id_that_only_starts_another_value_is_not_reported(shown):
    # "A6012" is shown, "A10" starts three ids of the table and lies inside its buffer
    assert leaks(shown, ["A601", "A10", "A60"], []) == []
    assert [f.token for f in leaks(shown, ["A6012"], [])] == ["A6012"]


def test_a_name_is_found_inside_a_longer_text(shown):
    found = leaks(shown, [], ["王芳"])
    assert [(f.token, f.shown.kind) for f in found] == [("王芳", "markdown")]


def test_names_in_a_url_encoded_query_string_are_found(shown):
    found = leaks(shown, [], ["李娜", "Team South"])
    assert sorted((f.token, f.shown.kind, f.shown.part) for f in found) == [
        ("Team South", "caption", "body (url-decoded)"),
        ("李娜", "caption", "body (url-decoded)"),
    ]


def test_ids_are_matched_within_one_value_never_across_values():
    cells = [Shown("dataframe", "t", "column 'a'", text) for text in ("A10", "1")]
    assert leaks(cells, ["A101"], []) == []
    whole = Shown("text", "x", "body", "A101")
    assert [f.token for f in leaks([*cells, whole], ["A101"], [])] == ["A101"]


def test_every_leak_says_where_it_was(shown):
    (found,) = leaks(shown, ["A201"], [])
    assert found.shown.key == "chart" and "customdata" in str(found)


def binary_download_app():
    import streamlit as st

    st.download_button("raw", b"\x00\x01A999", file_name="a.bin", mime="application/octet-stream")


def test_a_download_that_cannot_be_decoded_fails_the_check_instead_of_passing():
    at = recorded(AppTest.from_function(binary_download_app, default_timeout=30)).run()
    with pytest.raises(UndecodableError, match="application/octet-stream"):
        collect(at)


def test_downloads_of_a_run_not_recorded_cannot_pass_unread():
    at = AppTest.from_function(leaky_app, default_timeout=30).run()
    with pytest.raises(UndecodableError, match="recorded"):
        collect(at)


def test_the_address_bar_is_checked():
    at = recorded(AppTest.from_function(leaky_app, default_timeout=30))
    at.query_params["agent"] = "A901"
    at.run()
    found = leaks(collect(at), ["A901"], [])
    assert [(f.shown.kind, f.shown.key) for f in found] == [("query_params", "agent")]
