"""The URL state: allow-listed keys only, defaults left out, bad values fall back."""

from datetime import date

from dashboard.app.state import DEFAULT_PRESET, ViewState, from_query, page_keys, to_query
from scoring.measures.periods import preset_populations

LAST_DAY = date(2026, 11, 30)


def test_round_trip_of_every_key():
    state = ViewState(
        lang="en",
        preset="custom",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        teams=("Team North", "Team South"),
        channels=("phone",),
        categories=("repair",),
        segments=("enterprise",),
        scheme="sla_first",
        agent="A007",
    )
    query = to_query(state)
    params = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    assert from_query(params, LAST_DAY) == state


def test_defaults_are_left_out_of_the_link():
    assert to_query(ViewState()) == {}
    assert to_query(ViewState(scheme="balanced")) == {}


def test_presets_end_on_the_last_day_with_data():
    state = from_query({"preset": ["month"]}, LAST_DAY)
    # 30 days ending 2026-11-30 inclusive start on 2026-11-01.
    assert (state.start, state.end) == (date(2026, 11, 1), LAST_DAY)


def test_each_preset_s_population_is_the_one_the_build_keeps():
    """The build keeps each preset period's reliability under its population's filter
    (scoring.measures.periods): the pages must ask for exactly that filter."""
    kept = preset_populations(LAST_DAY)
    for preset, population in kept.items():
        view = from_query({"preset": [preset], "team": ["Team North"]}, LAST_DAY)
        assert view.filters().population() == population
    assert kept[DEFAULT_PRESET] == from_query({}, LAST_DAY).filters().population()


def test_unknown_keys_and_bad_values_fall_back():
    state = from_query(
        {"preset": ["fortnight"], "lang": ["fr"], "evil": ["__import__('os')"]}, LAST_DAY
    )
    assert state.preset == DEFAULT_PRESET and state.lang == "zh"
    custom = from_query(
        {"preset": ["custom"], "from": ["yesterday"], "to": ["2026-02-30"]}, LAST_DAY
    )
    assert (custom.start, custom.end) == (None, None)


def test_page_keys_pass_through_only_when_allow_listed():
    params = {"drill": ["team:Team North"], "evil": ["x"], "team": ["Team North"]}
    assert page_keys(params) == {"drill": "team:Team North"}
