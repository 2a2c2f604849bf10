"""Load harness: N Streamlit sessions over Streamlit's own websocket protocol, no browsers.

Each session is what a browser tab would send to `/_stcore/stream`: a `rerun_script` BackMsg
(ClientState: query string, page script hash or page name, the widget states it has set) per
action, and it reads ForwardMsgs until the run's `script_finished`. An action's latency is
from sending the BackMsg to that message (a run that ends early for a rerun — `st.rerun`,
`st.switch_page` — is waited past, as the browser does). Per session: open the Overview, pick
a team in the sidebar filter, open the Scorecard, Diagnostics and What-if pages, move a
What-if weight slider (a fragment rerun, as the browser sends it), for `--rounds` rounds.
With `--pages`, instead: open the Overview, then for each page of the list open it (its first
open in the first round), pick a team in the sidebar, change the period, clear the team (the
whole department) and change the period again (four filter changes), for `--rounds` rounds.

Reported: p50 / p95 / max latency per action, errors (exception elements, error alerts,
disconnects, timeouts), the server's CPU time and peak RSS (from /proc of its pid) and the
machine's load average. Loopback only, at most MAX_SESSIONS sessions, stopped after
`--max-seconds`.

    .venv/bin/python bench/load_harness.py --data /tmp/load_1m --sessions 1 5 10 20
    .venv/bin/python bench/load_harness.py --url http://127.0.0.1:8501 --pid 1234 --sessions 5

With `--data` the harness starts `streamlit run app.py` on a free loopback port (saved state
in a temporary folder, or `--state`: e.g. one whose `builds/` holds the dataset's build) and
stops it at the end:

    .venv/bin/python bench/load_harness.py --data DIR --state STATE --rounds 2 \
        --pages overview scorecard diagnostics kano
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
MAX_SESSIONS = 50
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TEAM_KEY = "w_teams"  # the sidebar's team multiselect (dashboard/app/shell.py)
PERIOD_KEY = "w_preset"  # the sidebar's period selectbox (dashboard/app/shell.py)
WEIGHT_KEY = "whatif_w_"  # a What-if weight slider (dashboard/whatif/lab.py slider_key)
PAGES = ("overview", "scorecard", "diagnostics", "whatif")
FINISHED_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN


class ActionFailed(Exception):
    """An action that did not end in a finished run: a disconnect or a timeout."""


@dataclass
class Widget:
    kind: str
    proto: object
    fragment_id: str


@dataclass
class RunResult:
    seconds: float
    exceptions: int
    error_alerts: int


@dataclass
class Session:
    """One simulated browser tab: the state a tab keeps between reruns."""

    number: int
    websocket: object
    timeout: float
    query: str = ""
    page_hash: str = ""
    pages: dict[str, str] = field(default_factory=dict)  # url path → page script hash
    widgets: dict[str, Widget] = field(default_factory=dict)  # drawn in the current run
    states: dict[str, WidgetState] = field(default_factory=dict)  # values the tab has set

    async def run(self, *, page_hash: str = "", page_name: str = "", fragment_id: str = ""):
        """Send one rerun and read until its run has finished; the RunResult."""
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query
        client.page_script_hash = page_hash
        client.page_name = page_name
        client.fragment_id = fragment_id
        client.widget_states.widgets.extend(
            state for wid, state in self.states.items() if wid in self.widgets
        )
        started = time.perf_counter()
        await self.websocket.send(message.SerializeToString())
        exceptions = alerts = 0
        while True:
            try:
                raw = await asyncio.wait_for(self.websocket.recv(), self.timeout)
            except TimeoutError as error:
                raise ActionFailed("timeout") from error
            except ConnectionClosed as error:
                raise ActionFailed("disconnect") from error
            reply = ForwardMsg()
            reply.ParseFromString(raw)
            kind = reply.WhichOneof("type")
            if kind == "new_session" and not fragment_id:
                self.widgets.clear()  # a full run draws every widget again
            elif kind == "delta":
                exception, alert = self.read_delta(reply.delta)
                exceptions += exception
                alerts += alert
            elif kind == "page_info_changed":
                self.query = reply.page_info_changed.query_string
            elif kind == "navigation":
                self.page_hash = reply.navigation.page_script_hash
                self.pages = {
                    p.url_pathname: p.page_script_hash for p in reply.navigation.app_pages
                }
            elif kind == "script_finished" and reply.script_finished != FINISHED_FOR_RERUN:
                return RunResult(time.perf_counter() - started, exceptions, alerts)

    def read_delta(self, delta) -> tuple[int, int]:
        if delta.WhichOneof("type") != "new_element":
            return 0, 0
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind in ("multiselect", "slider", "selectbox"):
            proto = getattr(element, kind)
            self.widgets[proto.id] = Widget(kind, proto, delta.fragment_id)
        return int(kind == "exception"), int(
            kind == "alert" and element.alert.format == Alert.ERROR
        )

    def widget(self, kind: str, key_part: str) -> tuple[str, Widget]:
        for wid, widget in self.widgets.items():
            if widget.kind == kind and key_part in wid and not widget.proto.disabled:
                return wid, widget
        raise ActionFailed(f"no {kind} {key_part!r} drawn")

    # --- the actions -----------------------------------------------------------------

    async def first_load(self) -> RunResult:
        return await self.run(page_name=PAGES[0])

    async def open_page(self, url_path: str) -> RunResult:
        """A click on a navigation link: the frontend's `sendRerunBackMsg` sends the page's
        script hash and, on a page change, keeps only the query parameters bound to widgets
        (`query_param_key`; this app binds none, its sidebar writes the URL back itself)."""
        if url_path not in self.pages:
            raise ActionFailed(f"no page {url_path!r} in the navigation")
        self.query = ""
        result = await self.run(page_hash=self.pages[url_path])
        if self.page_hash != self.pages[url_path]:
            raise ActionFailed(f"{url_path!r} not opened")
        return result

    async def pick_team(self, round_number: int) -> RunResult:
        wid, widget = self.widget("multiselect", f"-{TEAM_KEY}")
        options = list(widget.proto.options)
        state = WidgetState(id=wid)
        state.string_array_value.data.append(options[(self.number + round_number) % len(options)])
        self.states[wid] = state
        result = await self.run(page_hash=self.page_hash)
        if "team=" not in self.query:  # the sidebar writes its filter into the URL
            raise ActionFailed("the team filter did not apply")
        return result

    async def clear_team(self) -> RunResult:
        """The sidebar's team filter emptied: the whole department again."""
        wid, _ = self.widget("multiselect", f"-{TEAM_KEY}")
        state = WidgetState(id=wid)
        state.string_array_value.SetInParent()  # set, with no team
        self.states[wid] = state
        result = await self.run(page_hash=self.page_hash)
        if "team=" in self.query:
            raise ActionFailed("the team filter was not cleared")
        return result

    async def pick_period(self, turn: int) -> RunResult:
        """The sidebar's period: the last year on odd turns, the last month on even ones (the
        default is the last quarter, so each pick changes it). The browser sends a
        selectbox's shown label as its value."""
        wid, widget = self.widget("selectbox", f"-{PERIOD_KEY}")
        options = list(widget.proto.options)  # month, quarter, year, … as shown
        state = WidgetState(id=wid)
        state.string_value = options[2] if turn % 2 else options[0]
        self.states[wid] = state
        result = await self.run(page_hash=self.page_hash)
        if "preset=" not in self.query:  # the sidebar writes a period other than the default
            raise ActionFailed("the period did not apply")
        return result

    async def move_weight(self, round_number: int) -> RunResult:
        wid, widget = self.widget("slider", WEIGHT_KEY)
        current = widget.proto.value[0] if widget.proto.value else widget.proto.default[0]
        state = WidgetState(id=wid)
        state.double_array_value.data.append(round((current + 7.5 + round_number) % 60, 1))
        self.states[wid] = state
        return await self.run(page_hash=self.page_hash, fragment_id=widget.fragment_id)


def script(session: Session, rounds: int, pages: tuple[str, ...] | None = None):
    """The actions of one session, in order: (name, coroutine factory). With `pages`, after
    the first load each round opens every page of the list, picks a team on it (another
    team on each page, so that no page finds the team's results cached by the one before)
    and changes the period (a year and a month by turns), then clears the team (the whole
    department) and changes the period again (to the other of the two)."""
    yield "first_load", session.first_load
    if pages:
        for r in range(rounds):
            for i, page in enumerate(pages):
                yield f"open_{page}", lambda page=page: session.open_page(page)
                turn = r * len(pages) + i + 1
                yield f"team_{page}", lambda turn=turn: session.pick_team(turn)
                yield f"period_{page}", lambda turn=turn: session.pick_period(turn)
                yield f"department_{page}", session.clear_team
                yield f"deptperiod_{page}", lambda turn=turn: session.pick_period(turn + 1)
        return
    for r in range(rounds):
        if r:
            yield "open_overview", lambda: session.open_page("overview")
        yield "filter_team", lambda r=r: session.pick_team(r)
        for page in PAGES[1:]:
            yield f"open_{page}", lambda page=page: session.open_page(page)
        yield "move_weight", lambda r=r: session.move_weight(r)


@dataclass
class Outcome:
    action: str
    seconds: float | None
    error: str = ""


@dataclass(frozen=True)
class Bounds:
    """How much one level may do: rounds and actions per session, seconds per action and
    per level (a level past its seconds starts no further action)."""

    rounds: int = 1
    max_actions: int | None = None
    timeout: float = 180
    max_seconds: float = 900
    pages: tuple[str, ...] | None = None  # the pages' script (`script`); None: the default


async def one_session(number: int, url: str, bounds: Bounds, deadline: float) -> list[Outcome]:
    outcomes: list[Outcome] = []
    stream = url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
    try:
        async with connect(stream, subprotocols=["streamlit"], max_size=None) as websocket:
            session = Session(number, websocket, bounds.timeout)
            actions = itertools.islice(
                script(session, bounds.rounds, bounds.pages), bounds.max_actions
            )
            for name, action in actions:
                if time.monotonic() > deadline:
                    break
                try:
                    result = await action()
                except ActionFailed as failure:
                    outcomes.append(Outcome(name, None, str(failure)))
                    if str(failure) == "disconnect":
                        break
                    continue
                problems = []
                if result.exceptions:
                    problems.append(f"{result.exceptions} exception(s)")
                if result.error_alerts:
                    problems.append(f"{result.error_alerts} error alert(s)")
                outcomes.append(Outcome(name, result.seconds, "; ".join(problems)))
    except (OSError, ConnectionClosed) as error:
        outcomes.append(Outcome("connect", None, f"disconnect: {error}"))
    return outcomes


# --- the server's side ---------------------------------------------------------------


class ProcessSampler:
    """CPU seconds and peak RSS of one process, from /proc, sampled while the load runs."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.peak_rss = 0
        self._cpu_start = self._cpu()

    def _cpu(self) -> float:
        if self.pid is None:
            return 0.0
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss(self) -> int:
        if self.pid is None:
            return 0
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def sample(self) -> None:
        self.peak_rss = max(self.peak_rss, self.rss())

    async def sample_until(self, done: asyncio.Event) -> None:
        while not done.is_set():
            self.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), 0.25)

    def cpu_seconds(self) -> float:
        return self._cpu() - self._cpu_start


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of them at or
    below it (no interpolation between the few samples a short run has)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(outcomes: list[Outcome]) -> dict[str, dict]:
    actions: dict[str, dict] = {}
    for outcome in outcomes:
        entry = actions.setdefault(outcome.action, {"times": [], "errors": []})
        if outcome.seconds is not None:
            entry["times"].append(outcome.seconds)
        if outcome.error:
            entry["errors"].append(outcome.error)
    return {
        name: {
            "count": len(entry["times"]),
            "p50_s": round(percentile(entry["times"], 0.50), 3) if entry["times"] else None,
            "p95_s": round(percentile(entry["times"], 0.95), 3) if entry["times"] else None,
            "max_s": round(max(entry["times"]), 3) if entry["times"] else None,
            "errors": len(entry["errors"]),
            "error_examples": sorted(set(entry["errors"]))[:3],
        }
        for name, entry in actions.items()
    }


async def measure(url: str, sessions: int, bounds: Bounds, pid: int | None = None) -> dict:
    """Run `sessions` sessions at once; the report as a dict."""
    check_bounds(url, sessions)
    sampler = ProcessSampler(pid)
    rss_before = sampler.rss()
    load_before = os.getloadavg()
    started = time.monotonic()
    done = asyncio.Event()
    sampling = asyncio.create_task(sampler.sample_until(done))
    results = await asyncio.gather(
        *(one_session(n, url, bounds, started + bounds.max_seconds) for n in range(sessions))
    )
    done.set()
    await sampling
    wall = time.monotonic() - started
    cpu = sampler.cpu_seconds()
    outcomes = [outcome for result in results for outcome in result]
    return {
        "sessions": sessions,
        "rounds": bounds.rounds,
        "wall_s": round(wall, 2),
        "actions": summarise(outcomes),
        "errors": sum(1 for outcome in outcomes if outcome.error),
        "server_cpu_s": round(cpu, 2),
        "server_cores_used": round(cpu / wall, 2) if wall else 0.0,
        "server_rss_before_mib": round(rss_before / 2**20),
        "server_rss_peak_mib": round(sampler.peak_rss / 2**20),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpu_count": os.cpu_count(),
    }


def measure_level(url: str, sessions: int, bounds: Bounds, pid: int | None = None) -> dict:
    """`measure` on an event loop of its own, in a thread of its own: callable from a thread
    whose loop is already running (Playwright's sync API in the same test worker)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, measure(url, sessions, bounds, pid)).result()


def check_bounds(url: str, sessions: int) -> None:
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"loopback only: {host!r} is not one of {sorted(LOOPBACK)}")
    if not 1 <= sessions <= MAX_SESSIONS:
        raise SystemExit(f"sessions must be 1..{MAX_SESSIONS}, not {sessions}")


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    """Whether the Streamlit server at `url` answers its health check."""
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def running_server(data: Path, state: Path, start_timeout: float = 120) -> Iterator[tuple]:
    """`streamlit run app.py --data DATA` on a free loopback port; yields (url, pid) once
    healthy, stops it afterwards. Its log is `state/server.log`."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true",
        "--", "--data", str(data), "--state", str(state),
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPD_")}
    log = state / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, env=env
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.25)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_levels(url: str, pid: int | None, args: argparse.Namespace) -> list[dict]:
    pages = tuple(args.pages) if args.pages else None
    bounds = Bounds(args.rounds, args.actions, args.timeout, args.max_seconds, pages)
    if args.warmup:  # one session through every action: the caches are warm, as in use
        warm = measure_level(url, 1, Bounds(1, None, args.timeout, args.max_seconds, pages), pid)
        print(json.dumps({"warmup": warm}), flush=True)
    reports = []
    for sessions in args.sessions:
        report = measure_level(url, sessions, bounds, pid)
        print(json.dumps(report), flush=True)
        reports.append(report)
    return reports


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--data", type=Path, help="start a server on this dataset folder")
    where.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8501")
    parser.add_argument("--pid", type=int, help="the running server's pid (CPU, RSS)")
    parser.add_argument("--state", type=Path, help="with --data: the server's state folder")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1])
    parser.add_argument("--rounds", type=int, default=1, help="rounds of actions per session")
    parser.add_argument("--actions", type=int, help="at most this many actions per session")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per action")
    parser.add_argument("--max-seconds", type=float, default=900, help="per level")
    parser.add_argument("--warmup", action="store_true", help="one session first, unmeasured")
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="PAGE",
        help="open each of these pages (url paths: overview, kano, ...), pick a team and "
        "change the period on it, every round, instead of the default script",
    )
    args = parser.parse_args(argv)
    for sessions in args.sessions:
        check_bounds(args.url or "http://127.0.0.1", sessions)
    if args.url:
        run_levels(args.url, args.pid, args)
        return
    with contextlib.ExitStack() as stack:
        state = args.state or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url, pid = stack.enter_context(running_server(args.data, state))
        run_levels(url, pid, args)


if __name__ == "__main__":
    main()
