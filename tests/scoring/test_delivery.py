"""Scheduled delivery (scoring/reports/delivery.py) against a local SMTP server the test
starts (aiosmtpd on 127.0.0.1, STARTTLS with a self-signed certificate made here by
openssl, AUTH required): who receives what, the attachments, each recipient's filter
checked against their grant, the log, a second run sending nothing twice, a failed login
caught up later, and a schedule's every problem reported at once.
"""

from __future__ import annotations

import io
import json
import ssl
import subprocess
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pypdf
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bench.load_harness import free_port
from scoring.data.dataset import open_dataset
from scoring.reports import delivery
from scoring.reports.delivery import Delivery, ScheduleError
from tests.browser_support import _require_chromium

NORTH, SOUTH = "Team North", "Team South"
TODAY = date(2026, 6, 2)  # a monthly delivery on day 1 sends May
USER, PASSWORD = "reports@example.com", "s3cret-from-env"
SUPERVISOR, AGENT, BOSS = "li.na@example.com", "agent@example.com", "boss@example.com"


class Inbox:
    """What the server received: one (recipients, message) per mail."""

    def __init__(self):
        self.mails: list[tuple[list[str], object]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.mails.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)  # fmt: skip
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def server(certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), server_hostname="localhost",
        tls_context=context, require_starttls=True, auth_required=True,
        authenticator=authenticate,
    )  # fmt: skip
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def ds(small_dataset):
    return open_dataset(small_dataset)


@pytest.fixture(scope="module")
def me(small_dataset) -> str:
    """An agent of Team North (the agent recipient)."""
    import pandas as pd

    agents = pd.read_parquet(small_dataset / "agents.parquet")
    return sorted(agents.loc[agents["team"] == NORTH, "agent_id"])[0]


def write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def access_file(folder: Path, me: str) -> Path:
    return write(folder / "access.json", {"users": {
        SUPERVISOR: {"role": "supervisor", "teams": [NORTH]},
        AGENT: {"role": "agent", "agent_id": me},
        BOSS: {"role": "leadership"},
        "trainer@example.com": {"role": "trainer"},
    }})  # fmt: skip


def schedule_file(folder, small_dataset, port, me, deliveries, cafile) -> Path:
    return write(folder / "schedule.json", {
        "dataset": str(small_dataset),
        "access": "access.json",
        "smtp": {"host": "localhost", "port": port, "from": USER, "starttls": True,
                 "user_env": "SPD_TEST_SMTP_USER", "password_env": "SPD_TEST_SMTP_PASSWORD",
                 "cafile": str(cafile)},
        "deliveries": deliveries,
    })  # fmt: skip


def attachment(mail) -> tuple[str, str, bytes]:
    (part,) = list(mail.iter_attachments())
    return part.get_filename(), part.get_content_type(), part.get_content()


def log_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.browser
@pytest.mark.xdist_group("browser")  # prints one PDF with Chromium
def test_each_recipient_gets_their_report_over_starttls(
    tmp_path, small_dataset, ds, me, server, certificate, monkeypatch
):
    _require_chromium()
    inbox, port = server
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SPD_TEST_SMTP_USER", USER)
    monkeypatch.setenv("SPD_TEST_SMTP_PASSWORD", PASSWORD)
    access_file(tmp_path, me)
    deliveries = [
        {"name": "north", "to": [SUPERVISOR], "report": "department", "teams": [NORTH],
         "cadence": "monthly", "lang": "en", "format": "html"},
        {"name": "mine", "to": [AGENT], "report": "agent", "agent": me, "cadence": "monthly",
         "lang": "zh"},
        {"name": "all", "to": [BOSS], "report": "department", "cadence": "monthly",
         "lang": "en", "format": "html"},
        {"name": "weekly", "to": [BOSS], "report": "department", "cadence": "weekly",
         "weekday": "friday", "format": "html"},  # 2 June 2026 is a Tuesday: not due
    ]  # fmt: skip
    path = schedule_file(tmp_path, small_dataset, port, me, deliveries, certificate[0])
    schedule = delivery.load_schedule(path)

    result = delivery.deliver(schedule, TODAY, ds)
    assert not result.failed and len(result.sent) == 3
    by_recipient = {tuple(to): mail for to, mail in inbox.mails}
    assert set(by_recipient) == {(SUPERVISOR,), (AGENT,), (BOSS,)}

    name, kind, data = attachment(by_recipient[(SUPERVISOR,)])
    assert (name, kind) == ("department-report_Team_North_2026-05-01_2026-05-31.html", "text/html")
    north = data if isinstance(data, str) else data.decode("utf-8")
    assert NORTH in north and SOUTH not in north and "Team East" not in north
    assert (
        by_recipient[(SUPERVISOR,)]["Subject"]
        == "Monthly report 2026-05-01 – 2026-05-31: Team North"
    )

    name, kind, data = attachment(by_recipient[(AGENT,)])
    assert (name, kind) == (f"agent-report_{me}_2026-05-01_2026-05-31.pdf", "application/pdf")
    words = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert me in words and NORTH in words and SOUTH not in words

    _, _, data = attachment(by_recipient[(BOSS,)])
    everything = data if isinstance(data, str) else data.decode("utf-8")
    assert SOUTH in everything and NORTH in everything

    entries = log_lines(schedule.log)
    assert [(e["delivery"], e["to"], e["status"]) for e in entries] == [
        ("north", SUPERVISOR, "sent"), ("mine", AGENT, "sent"), ("all", BOSS, "sent")]  # fmt: skip
    assert {(e["start"], e["end"]) for e in entries} == {("2026-05-01", "2026-05-31")}

    again = delivery.deliver(schedule, TODAY, ds)  # cron ran twice: nothing twice
    assert (len(again.sent), again.skipped, len(inbox.mails)) == (0, 3, 3)


def test_a_failed_login_is_logged_and_caught_up(
    tmp_path, small_dataset, ds, me, server, certificate, monkeypatch
):
    inbox, port = server
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SPD_TEST_SMTP_USER", USER)
    monkeypatch.setenv("SPD_TEST_SMTP_PASSWORD", "wrong")
    access_file(tmp_path, me)
    deliveries = [{"name": "north", "to": [SUPERVISOR], "report": "department",
                   "teams": [NORTH], "cadence": "monthly", "format": "html"}]  # fmt: skip
    schedule = delivery.load_schedule(
        schedule_file(tmp_path, small_dataset, port, me, deliveries, certificate[0])
    )
    failed = delivery.deliver(schedule, TODAY, ds)
    assert len(failed.failed) == 1 and not inbox.mails
    assert "535" in failed.failed[0][1] or "Authentication" in failed.failed[0][1]
    monkeypatch.setenv("SPD_TEST_SMTP_PASSWORD", PASSWORD)
    later = delivery.deliver(schedule, date(2026, 6, 3), ds)  # the next day's run
    assert len(later.sent) == 1 and len(inbox.mails) == 1
    assert [e["status"] for e in log_lines(schedule.log)] == ["failed", "sent"]


def test_an_untrusted_certificate_is_refused(tmp_path, small_dataset, ds, me, server, monkeypatch):
    inbox, port = server
    monkeypatch.setenv("SPD_TEST_SMTP_USER", USER)
    monkeypatch.setenv("SPD_TEST_SMTP_PASSWORD", PASSWORD)
    settings = delivery.Smtp("localhost", port, USER, True, "SPD_TEST_SMTP_USER",
                             "SPD_TEST_SMTP_PASSWORD", cafile=None)  # fmt: skip
    with pytest.raises(ssl.SSLCertVerificationError):
        delivery.smtp_connection(settings)


def test_a_folder_delivery_writes_each_recipients_file(
    tmp_path, small_dataset, ds, me, monkeypatch
):
    monkeypatch.setenv("SPD_STATE_DIR", str(tmp_path / "state"))
    write(tmp_path / "schedule.json", {
        "dataset": str(small_dataset), "folder": "outbox",
        "deliveries": [{"to": [SUPERVISOR, BOSS], "report": "department", "teams": [NORTH],
                        "cadence": "weekly", "format": "html", "lang": "zh"}],
    })  # fmt: skip
    schedule = delivery.load_schedule(tmp_path / "schedule.json")
    result = delivery.deliver(schedule, TODAY, ds)  # Tuesday: the week of 25–31 May
    name = "department-report_Team_North_2026-05-25_2026-05-31.html"
    for address in (SUPERVISOR, BOSS):
        html = (tmp_path / "outbox" / address / name).read_text(encoding="utf-8")
        assert "月度部门报告" in html and NORTH in html
    assert len(result.sent) == 2


def test_every_problem_of_a_schedule_is_reported_at_once(tmp_path, me):
    access_file(tmp_path, me)
    path = write(tmp_path / "schedule.json", {
        "dataset": "data", "access": "access.json", "folder": "out",
        "smtp": {"host": "mail", "from": USER, "password": "hunter2"},
        "deliveries": [
            {"to": ["not-an-address"], "report": "agent", "cadence": "daily"},
            {"to": [SUPERVISOR], "report": "department", "teams": [SOUTH], "cadence": "monthly"},
            {"to": [AGENT], "report": "agent", "agent": "A999", "cadence": "monthly"},
            {"to": ["trainer@example.com"], "report": "department", "cadence": "monthly"},
            {"to": ["stranger@example.com"], "report": "department", "cadence": "weekly"},
            {"to": [BOSS], "report": "department", "cadence": "weekly", "day": 3},
        ],
    })  # fmt: skip
    with pytest.raises(ScheduleError) as error:
        delivery.load_schedule(path)
    problems = "\n".join(error.value.problems)
    for expected in (
        "smtp: 'password' must not stand in the file",
        "give either smtp (send e-mail) or folder (write files), not both or none",
        "'not-an-address' is not an e-mail address",
        "an agent report needs the agent",
        "cadence must be one of monthly, weekly, got 'daily'",
        f"{SUPERVISOR} may see only {NORTH}, not {SOUTH}",
        f"{AGENT} is agent {me} and may receive only their own report",
        "trainer@example.com (trainer) may not receive a department report",
        "stranger@example.com is not a user of the access file",
        "a weekly delivery takes weekday",
    ):
        assert expected in problems, expected
    assert len(error.value.problems) == 10


def test_the_period_due_is_the_last_whole_month_or_week():
    monthly = Delivery("m", ("a@example.com",), "department", cadence="monthly", day=3)
    assert monthly.period(date(2026, 6, 2)) is None  # before the 3rd
    assert monthly.period(date(2026, 6, 3)) == (date(2026, 5, 1), date(2026, 5, 31))
    assert monthly.period(date(2026, 1, 9)) == (date(2025, 12, 1), date(2025, 12, 31))
    weekly = Delivery("w", ("a@example.com",), "department", cadence="weekly", weekday="wednesday")
    assert weekly.period(date(2026, 6, 2)) is None  # a Tuesday
    assert weekly.period(date(2026, 6, 4)) == (date(2026, 5, 25), date(2026, 5, 31))


def test_a_team_the_dataset_lacks_stops_the_run_before_anything_is_sent(
    tmp_path, small_dataset, ds
):
    write(tmp_path / "schedule.json", {
        "dataset": str(small_dataset), "folder": "outbox",
        "deliveries": [{"to": [BOSS], "report": "department", "teams": ["Team Nowhere"],
                        "cadence": "monthly"}],
    })  # fmt: skip
    with pytest.raises(ScheduleError, match="team 'Team Nowhere' is not in the dataset"):
        delivery.deliver(delivery.load_schedule(tmp_path / "schedule.json"), TODAY, ds)
    assert not (tmp_path / "outbox").exists()
