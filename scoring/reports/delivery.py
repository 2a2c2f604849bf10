"""Scheduled delivery of the reports (定时发送): a schedule file says who receives which report
for whom and how often; `python -m scoring deliver --schedule FILE` (from cron or a systemd
timer, daily) sends what is due by e-mail or writes it to a folder, and logs every send.

The schedule is JSON::

    {
      "dataset": "data/sample",
      "access": "access.json",
      "smtp": {"host": "mail.example.com", "port": 587, "from": "reports@example.com",
               "starttls": true, "user_env": "SPD_SMTP_USER", "password_env": "SPD_SMTP_PASSWORD"},
      "deliveries": [
        {"to": ["li.na@example.com"], "report": "department", "teams": ["Team North"],
         "cadence": "monthly", "lang": "zh"},
        {"to": ["zhao.lei@example.com"], "report": "agent", "agent": "A017",
         "cadence": "weekly", "weekday": "monday", "lang": "en", "format": "html"}
      ]
    }

- `folder` instead of `smtp` writes each report to `<folder>/<recipient>/<file>`;
- credentials never stand in the file: `user_env` and `password_env` name environment
  variables (a `user` or `password` key is refused);
- cadence `monthly` (on `day`, default 1: the last whole month) or `weekly` (on `weekday`,
  default monday: the last whole week, Monday to Sunday). A run on or after that day sends
  what the log does not show as sent for that period, so a missed run is caught up and a run
  twice the same day sends nothing twice;
- the per-recipient filter: a department report of `teams` (none: the whole department), an
  agent report of `agent`. With an access file (`access`; relative paths are the schedule
  file's), every recipient must be a user there, and the report must lie inside their grant:
  an agent only their own report, a supervisor only their teams, no department report for a
  role without the Scorecard. Without one the schedule itself is the grant.

Every problem of the file is collected and reported at once (`ScheduleError`); nothing is
sent from a schedule with a problem. The log (`log`, default `delivery-log.jsonl` beside the
schedule) holds one JSON line per recipient and report: when, to whom, what, the period,
the file, and `sent` or `failed` with the error.
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from scoring.access import ROLES_BY_ID, AccessFileError, AccessPolicy, Grant, load_policy
from scoring.analyses.diagnostics import agent_names
from scoring.data.dataset import Dataset
from scoring.measures.metrics import distinct_values
from scoring.registry.values import word
from scoring.reports import content, make, pdf
from scoring.reports.texts import text
from scoring.scope import Visible

CADENCES = ("monthly", "weekly")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LANGS = ("zh", "en")
FORMATS = ("pdf", "html")
LOG_NAME = "delivery-log.jsonl"
_TOP_KEYS = {"dataset", "access", "smtp", "folder", "log", "scheme", "deliveries"}
_SMTP_KEYS = {"host", "port", "from", "starttls", "user_env", "password_env", "cafile"}
_SECRET_KEYS = {"user", "username", "password", "pass", "secret", "token"}
_DELIVERY_KEYS = {
    "to",
    "report",
    "teams",
    "agent",
    "cadence",
    "day",
    "weekday",
    "lang",
    "format",
    "name",
}
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SMTP_TIMEOUT_S = 60


class ScheduleError(Exception):
    """The schedule cannot be used. `problems` lists every problem found."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    sender: str
    starttls: bool = True
    user_env: str | None = None
    password_env: str | None = None
    cafile: Path | None = None  # a CA bundle to trust besides the system's (a private CA)


@dataclass(frozen=True)
class Delivery:
    name: str
    to: tuple[str, ...]
    report: str  # make.KINDS
    teams: tuple[str, ...] = ()
    agent: str | None = None
    cadence: str = "monthly"
    day: int = 1
    weekday: str = "monday"
    lang: str = "zh"
    format: str = "pdf"

    def period(self, today: date) -> tuple[date, date] | None:
        """The period due on `today`: the last whole month (week) when today is on or after
        the cadence's day in this month (week); None before it."""
        if self.cadence == "monthly":
            if today.day < self.day:
                return None
            end = today.replace(day=1) - timedelta(days=1)
            return end.replace(day=1), end
        if today.weekday() < WEEKDAYS.index(self.weekday):
            return None
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(days=7), monday - timedelta(days=1)

    def visible(self, ds: Dataset) -> Visible:
        if self.report == "agent":
            return make.agent_scope(ds, self.agent)
        return Visible(teams=self.teams or None)


@dataclass(frozen=True)
class Schedule:
    path: Path
    dataset: Path
    deliveries: tuple[Delivery, ...]
    log: Path
    scheme: str = "balanced"
    smtp: Smtp | None = None
    folder: Path | None = None
    access: AccessPolicy | None = None


# ---------------------------------------------------------------------------------------
# Reading and checking the file


def _relative(base: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def load_schedule(path: str | Path) -> Schedule:
    """Read and check a schedule; raises ScheduleError listing every problem."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScheduleError(path, ["file not found"]) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScheduleError(path, [f"not readable as JSON ({exc})"]) from None
    if not isinstance(document, dict):
        raise ScheduleError(path, ['expected {"dataset": ..., "deliveries": [...]}'])
    problems: list[str] = []
    base = path.parent
    for key in sorted(set(document) - _TOP_KEYS):
        problems.append(f"unknown key '{key}' (known: {', '.join(sorted(_TOP_KEYS))})")
    dataset = document.get("dataset")
    if not (isinstance(dataset, str) and dataset.strip()):
        problems.append("dataset: the folder of the dataset is needed")
    smtp = _smtp(document.get("smtp"), base, problems) if "smtp" in document else None
    folder = document.get("folder")
    if ("smtp" in document) == (folder is not None):
        problems.append("give either smtp (send e-mail) or folder (write files), not both or none")
    if folder is not None and not (isinstance(folder, str) and folder.strip()):
        problems.append("folder: must be a folder's path")
    access = None
    if document.get("access") is not None:
        try:
            access = load_policy(_relative(base, str(document["access"])))
        except AccessFileError as exc:
            problems.extend(f"access file {exc.path}: {p}" for p in exc.problems)
    scheme = document.get("scheme", "balanced")
    if not isinstance(scheme, str):
        problems.append("scheme: must be a weight scheme's name")
    entries = document.get("deliveries")
    deliveries: list[Delivery] = []
    if not isinstance(entries, list) or not entries:
        problems.append("deliveries: a list of at least one delivery is needed")
    else:
        for i, entry in enumerate(entries, start=1):
            found = _delivery(i, entry, problems)
            if found is not None:
                deliveries.append(found)
    names = [d.name for d in deliveries]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(
            f"delivery name '{name}' is used twice (the log tells deliveries apart by it)"
        )
    if access is not None:
        for d in deliveries:
            problems.extend(grant_problems(d, access))
    if problems:
        raise ScheduleError(path, problems)
    log = (
        _relative(base, document["log"])
        if isinstance(document.get("log"), str)
        else base / LOG_NAME
    )
    return Schedule(
        path=path,
        dataset=_relative(base, dataset),
        deliveries=tuple(deliveries),
        log=log,
        scheme=scheme,
        smtp=smtp,
        folder=_relative(base, folder) if folder else None,
        access=access,
    )


def _smtp(entry, base: Path, problems: list[str]) -> Smtp | None:
    if not isinstance(entry, dict):
        problems.append('smtp: expected {"host": ..., "port": ..., "from": ...}')
        return None
    found = len(problems)
    for key in sorted(set(entry) & _SECRET_KEYS):
        problems.append(
            f"smtp: '{key}' must not stand in the file: name the environment "
            "variable that holds it (user_env, password_env)"
        )
    for key in sorted(set(entry) - _SMTP_KEYS - _SECRET_KEYS):
        problems.append(f"smtp: unknown key '{key}' (known: {', '.join(sorted(_SMTP_KEYS))})")
    if not (isinstance(entry.get("host"), str) and entry["host"].strip()):
        problems.append("smtp: host is needed")
    port = entry.get("port", 587)
    if not (isinstance(port, int) and not isinstance(port, bool) and 0 < port < 65536):
        problems.append(f"smtp: port must be a port number, got {port!r}")
    sender = entry.get("from")
    if not (isinstance(sender, str) and _ADDRESS.match(sender)):
        problems.append("smtp: from must be an e-mail address")
    starttls = entry.get("starttls", True)
    if not isinstance(starttls, bool):
        problems.append("smtp: starttls must be true or false")
    for key in ("user_env", "password_env", "cafile"):
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            problems.append(f"smtp: {key} must be a name")
    if ("user_env" in entry) != ("password_env" in entry):
        problems.append("smtp: give both user_env and password_env, or neither")
    if len(problems) > found:
        return None
    return Smtp(
        host=entry["host"].strip(),
        port=port,
        sender=sender,
        starttls=starttls,
        user_env=entry.get("user_env"),
        password_env=entry.get("password_env"),
        cafile=_relative(base, entry["cafile"]) if entry.get("cafile") else None,
    )


def _delivery(i: int, entry, problems: list[str]) -> Delivery | None:
    where = f"delivery {i}"
    if not isinstance(entry, dict):
        problems.append(f'{where}: expected {{"to": [...], "report": ..., "cadence": ...}}')
        return None
    found = len(problems)
    name = entry.get("name", f"delivery-{i}")
    if isinstance(name, str) and name.strip():
        where = f"delivery {i} ('{name}')"
    else:
        problems.append(f"{where}: name must be a text")
    for key in sorted(set(entry) - _DELIVERY_KEYS):
        problems.append(
            f"{where}: unknown key '{key}' (known: {', '.join(sorted(_DELIVERY_KEYS))})"
        )
    to = entry.get("to")
    if isinstance(to, str):
        to = [to]
    if not (isinstance(to, list) and to and all(isinstance(a, str) for a in to)):
        problems.append(f"{where}: to must list the recipients' e-mail addresses")
        to = []
    for address in to:
        if not _ADDRESS.match(address.strip()):
            problems.append(f"{where}: '{address}' is not an e-mail address")
    report = entry.get("report")
    if report not in make.KINDS:
        problems.append(f"{where}: report must be one of {', '.join(make.KINDS)}, got {report!r}")
    teams = entry.get("teams", [])
    if not (isinstance(teams, list) and all(isinstance(t, str) and t for t in teams)):
        problems.append(f"{where}: teams must be a list of team names")
        teams = []
    agent = entry.get("agent")
    if report == "agent":
        if not (isinstance(agent, str) and agent.strip()):
            problems.append(f"{where}: an agent report needs the agent")
        if teams:
            problems.append(f"{where}: an agent report is of the agent's own team; leave teams out")
    elif agent is not None:
        problems.append(f"{where}: agent is only for an agent report")
    cadence = entry.get("cadence")
    if cadence not in CADENCES:
        problems.append(f"{where}: cadence must be one of {', '.join(CADENCES)}, got {cadence!r}")
    day = entry.get("day", 1)
    if not (isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 28):
        problems.append(f"{where}: day must be a day of the month from 1 to 28, got {day!r}")
    weekday = entry.get("weekday", "monday")
    if weekday not in WEEKDAYS:
        problems.append(f"{where}: weekday must be one of {', '.join(WEEKDAYS)}, got {weekday!r}")
    if cadence == "monthly" and "weekday" in entry or cadence == "weekly" and "day" in entry:
        problems.append(
            f"{where}: a {cadence} delivery takes {'day' if cadence == 'monthly' else 'weekday'}"
        )
    lang = entry.get("lang", "zh")
    if lang not in LANGS:
        problems.append(f"{where}: lang must be one of {', '.join(LANGS)}, got {lang!r}")
    fmt = entry.get("format", "pdf")
    if fmt not in FORMATS:
        problems.append(f"{where}: format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if len(problems) > found:
        return None
    return Delivery(
        name=name.strip(),
        to=tuple(a.strip() for a in to),
        report=report,
        teams=tuple(teams),
        agent=agent.strip() if isinstance(agent, str) else None,
        cadence=cadence,
        day=day,
        weekday=weekday,
        lang=lang,
        format=fmt,
    )


def grant_problems(d: Delivery, access: AccessPolicy) -> list[str]:
    """Each recipient of `d` whose grant does not cover the report (no team or agent
    outside it); agent reports of an agent whose team is known only at run time are checked
    again then (`check_team`)."""
    problems = []
    for address in d.to:
        grant = access.grant_for(address)
        where = f"delivery '{d.name}': {address}"
        if grant is None:
            problems.append(f"{where} is not a user of the access file")
            continue
        if d.report not in make.kinds_for(grant):
            problems.append(f"{where} ({grant.role}) may not receive a {d.report} report")
        elif d.report == "agent":
            if ROLES_BY_ID[grant.role].is_agent and grant.agent_id != d.agent:
                problems.append(
                    f"{where} is agent {grant.agent_id} and may receive only their own report"
                )
        else:
            if grant.teams is not None:
                outside = (
                    [t for t in d.teams if t not in grant.teams] if d.teams else ["every team"]
                )
                if outside:
                    problems.append(
                        f"{where} may see only {', '.join(grant.teams)}, not {', '.join(outside)}"
                    )
    return problems


def check_team(d: Delivery, team: str, access: AccessPolicy | None) -> list[str]:
    """An agent report's recipients who may not see the agent's team (run time)."""
    if access is None or d.report != "agent":
        return []
    problems = []
    for address in d.to:
        grant: Grant | None = access.grant_for(address)
        if (
            grant is not None
            and not ROLES_BY_ID[grant.role].is_agent
            and not grant.allows_team(team)
        ):
            problems.append(
                f"delivery '{d.name}': {address} may not see {team} (agent {d.agent}'s team)"
            )
    return problems


def data_problems(schedule: Schedule, ds: Dataset) -> list[str]:
    """Teams and agents of the deliveries the dataset does not know."""
    teams = set(distinct_values(ds, "team"))
    problems = []
    for d in schedule.deliveries:
        for team in d.teams:
            if team not in teams:
                problems.append(f"delivery '{d.name}': team '{team}' is not in the dataset")
        if d.report == "agent":
            try:
                team = make.agent_scope(ds, d.agent).teams[0]
            except KeyError:
                problems.append(f"delivery '{d.name}': agent '{d.agent}' is not in the dataset")
                continue
            problems.extend(check_team(d, team, schedule.access))
    return problems


# ---------------------------------------------------------------------------------------
# The log


def sent_before(log: Path) -> set[tuple[str, str, str, str]]:
    """(delivery, recipient, start, end) of every send the log records as sent."""
    if not log.exists():
        return set()
    found = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash: not a send
        if isinstance(entry, dict) and entry.get("status") == "sent":
            found.add(
                (entry.get("delivery"), entry.get("to"), entry.get("start"), entry.get("end"))
            )
    return found


def _log(log: Path, entry: dict) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as file:  # one write per line: appends do not mix
        file.write(json.dumps(entry, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------
# Sending


@dataclass(frozen=True)
class Outgoing:
    delivery: Delivery
    to: str
    start: date
    end: date
    file_name: str
    data: bytes
    subject: str
    body: str


@dataclass
class Result:
    sent: list[Outgoing] = field(default_factory=list)
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)
    skipped: int = 0  # recipients whose report for the period was sent before


def file_name(d: Delivery, start: date, end: date) -> str:
    who = d.agent if d.report == "agent" else ("-".join(d.teams) or "department")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", who).strip("_") or "report"
    return f"{d.report}-report_{safe}_{start:%Y-%m-%d}_{end:%Y-%m-%d}.{d.format}"


def _subject(d: Delivery, report_name: str, start: date, end: date) -> str:
    key = "report_mail_subject_agent" if d.report == "agent" else "report_mail_subject_department"
    return text(key, d.lang, start=start, end=end, name=report_name, scope=report_name)


def message(out: Outgoing, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = out.to
    mail["Subject"] = out.subject
    mail.set_content(out.body)
    kind = ("application", "pdf") if out.file_name.endswith(".pdf") else ("text", "html")
    mail.add_attachment(out.data, maintype=kind[0], subtype=kind[1], filename=out.file_name)
    return mail


def smtp_connection(settings: Smtp, environ=os.environ) -> smtplib.SMTP:
    """A connection to the SMTP server, upgraded with STARTTLS (certificate and host name
    checked) and logged in with the credentials from the environment where named."""
    connection = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S)
    try:
        connection.ehlo()
        if settings.starttls:
            context = ssl.create_default_context(cafile=settings.cafile and str(settings.cafile))
            connection.starttls(context=context)
            connection.ehlo()
        if settings.user_env:
            user, password = environ.get(settings.user_env), environ.get(settings.password_env)
            if not user or not password:
                raise smtplib.SMTPAuthenticationError(
                    535, f"set {settings.user_env} and {settings.password_env} in the environment"
                )
            connection.login(user, password)
    except BaseException:
        connection.close()
        raise
    return connection


def _report_name(d: Delivery, ds: Dataset, visible: Visible) -> str:
    if d.report == "agent":
        names = agent_names(ds, visible)
        row = names[names["agent_id"] == d.agent]
        return str(row["name"].iloc[0]) if not row.empty else d.agent
    if not d.teams:
        return text("report_whole_department", d.lang)
    return word("list_separator", d.lang).join(d.teams)


def due(schedule: Schedule, today: date) -> list[tuple[Delivery, str, date, date]]:
    """(delivery, recipient, start, end) due today and not yet sent."""
    done = sent_before(schedule.log)
    found = []
    for d in schedule.deliveries:
        period = d.period(today)
        if period is None:
            continue
        start, end = period
        for address in d.to:
            if (d.name, address, start.isoformat(), end.isoformat()) not in done:
                found.append((d, address, start, end))
    return found


def deliver(
    schedule: Schedule,
    today: date,
    ds: Dataset,
    feedback: content.FeedbackSource | None = None,
    connect: Callable[[Smtp], smtplib.SMTP] = smtp_connection,
) -> Result:
    """Send (or write) every report due today, one file per delivery and period (made
    once for all its recipients), and log each recipient's send."""
    problems = data_problems(schedule, ds)
    if problems:
        raise ScheduleError(schedule.path, problems)
    result = Result()
    pending = due(schedule, today)
    result.skipped = sum(len(d.to) for d in schedule.deliveries if d.period(today)) - len(pending)
    files: dict[tuple[str, date, date], Outgoing] = {}
    pages: dict[tuple[str, date, date], tuple[Delivery, str, str]] = {}
    for d, _, start, end in pending:
        key = (d.name, start, end)
        if key in pages:
            continue
        source = make.source_for(schedule.dataset, start, end, schedule.scheme, ds=ds)
        visible = d.visible(ds)
        html = make.render_report(d.report, source, visible, d.lang, today, d.agent, feedback)
        pages[key] = (d, html, _report_name(d, ds, visible))
    pdf_keys = [k for k, (d, _, _) in pages.items() if d.format == "pdf"]
    printed = (
        dict(zip(pdf_keys, pdf.many_to_pdf([pages[k][1] for k in pdf_keys]), strict=True))
        if pdf_keys
        else {}
    )
    for key, (d, html, name) in pages.items():
        _, start, end = key
        data = printed[key] if d.format == "pdf" else html.encode("utf-8")
        files[key] = Outgoing(
            d,
            "",
            start,
            end,
            file_name(d, start, end),
            data,
            _subject(d, name, start, end),
            text("report_mail_body", d.lang, start=start, end=end),
        )
    connection = None
    try:
        for d, address, start, end in pending:
            made = files[(d.name, start, end)]
            out = Outgoing(
                d, address, start, end, made.file_name, made.data, made.subject, made.body
            )
            try:
                if schedule.smtp is not None:
                    if connection is None:
                        connection = connect(schedule.smtp)
                    connection.send_message(message(out, schedule.smtp.sender))
                    where = f"smtp://{schedule.smtp.host}:{schedule.smtp.port}"
                else:
                    target = schedule.folder / _safe_folder(address) / out.file_name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    temporary = target.with_suffix(target.suffix + ".part")
                    temporary.write_bytes(out.data)
                    temporary.replace(target)
                    where = str(target)
            except (OSError, smtplib.SMTPException) as exc:
                result.failed.append((out, str(exc)))
                _log(schedule.log, _entry(out, "failed", error=str(exc)))
                if connection is not None and isinstance(exc, smtplib.SMTPServerDisconnected):
                    connection = None
                continue
            result.sent.append(out)
            _log(schedule.log, _entry(out, "sent", where=where))
    finally:
        if connection is not None:
            try:
                connection.quit()
            except smtplib.SMTPException:
                connection.close()
    return result


def _safe_folder(address: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._-]+", "_", address)


def _entry(out: Outgoing, status: str, **extra) -> dict:
    d = out.delivery
    return {
        "at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "delivery": d.name,
        "to": out.to,
        "report": d.report,
        "teams": list(d.teams),
        "agent": d.agent,
        "start": out.start.isoformat(),
        "end": out.end.isoformat(),
        "file": out.file_name,
        "bytes": len(out.data),
        "status": status,
        **extra,
    }


def summary(result: Result) -> Iterable[str]:
    """What a run did, one line each (the command prints them)."""
    for out in result.sent:
        yield f"sent {out.file_name} to {out.to}"
    for out, error in result.failed:
        yield f"FAILED {out.file_name} to {out.to}: {error}"
    yield f"{len(result.sent)} sent, {len(result.failed)} failed, {result.skipped} sent before"
