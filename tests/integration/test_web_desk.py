"""The staff web desk over HTTP, as a browser meets it: a one-time link signs a staff member in,
the queue and the dossier show what the database holds, and nothing is shown or changed without a
live session and, for a form, its token."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import Session, col, select

from bot.channels.console.staff import run_staff_command
from bot.channels.web.server import COOKIE, FUNNEL, RUNNER_OPTIONS, desk_app
from conversations.application.engine import ConversationEngine
from conversations.staff import commands
from conversations.staff.desk import StaffDesk
from conversations.staff.web_access import WebAccess
from storage.models import Dossier
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION, PDF, SUBMIT, ManualClock, applicant_notices
from tests.conftest import Applicant as Talker

STAFF = "telegram:42 (@ana)"
NUMBER = "CMM-000001"
PAGES = ("/", f"/dossiers/{NUMBER}", f"/dossiers/{NUMBER}/pdf", "/funnel", "/funnel/stages.svg")
EVIDENCE = f"/dossiers/{NUMBER}/evidence/1"


@pytest.fixture
def access(sqlite_storage: Storage) -> WebAccess:
    return WebAccess(sqlite_storage, base_url="http://desk.example.org")


@pytest.fixture
def submitted(engine: ConversationEngine) -> Talker:
    talker = Talker(engine)
    talker.answer_all(FULL_APPLICATION + SUBMIT)
    return talker


@pytest.fixture
async def browser(desk: StaffDesk, access: WebAccess) -> AsyncIterator[TestClient]:
    client = await desk_client(desk, access)
    await client.start_server()
    yield client
    await client.close()


async def desk_client(desk: StaffDesk, access: WebAccess) -> TestClient:
    """A browser's client of the desk, served as ``python -m bot web`` serves it."""
    server = TestServer(desk_app(desk, access))
    await server.start_server(**RUNNER_OPTIONS)
    return TestClient(server)


def secret_of(link: str) -> str:
    path = urlparse(link).path
    assert path.startswith("/sign-in/")
    return path.removeprefix("/sign-in/")


async def follow_link(browser: TestClient, link: str) -> ClientResponse:
    """Open the link's page and press its button, as a staff member does."""
    page = await browser.get(urlparse(link).path)
    assert page.status == 200
    secret = re.search(r'name="secret" value="([^"]+)"', await page.text())
    assert secret is not None
    return await browser.post("/sign-in", data={"secret": secret.group(1)}, allow_redirects=False)


async def signed_in(browser: TestClient, access: WebAccess, staff: str = STAFF) -> str:
    """Sign in through a new link; the session's form token."""
    response = await follow_link(browser, access.link_for(staff))
    assert response.status == 303 and response.headers["Location"] == "/"
    queue = await browser.get("/")
    token = re.search(r'name="form_token" value="([^"]+)"', await queue.text())
    assert token is not None
    return token.group(1)


async def test_a_link_signs_in_and_the_queue_shows_the_dossier(submitted, browser: TestClient, access: WebAccess):
    await signed_in(browser, access)
    page = await browser.get("/")
    text = await page.text()
    assert page.status == 200
    assert NUMBER in text and "Maria Gonzalez" in text and "maria@example.org" in text
    assert f"Signed in as {STAFF}" in text


async def test_opening_the_link_uses_nothing_pressing_sign_in_does(browser: TestClient, access: WebAccess):
    link = access.link_for(STAFF)
    for _ in range(2):  # a chat's link preview, then the staff member
        assert (await browser.get(urlparse(link).path)).status == 200
    assert (await follow_link(browser, link)).status == 303


async def test_a_link_works_once(browser: TestClient, access: WebAccess):
    link = access.link_for(STAFF)
    assert (await follow_link(browser, link)).status == 303
    browser.session.cookie_jar.clear()
    again = await follow_link(browser, link)
    assert again.status == 403
    assert "can't be used" in await again.text()
    assert COOKIE not in again.cookies


async def test_a_link_expires_after_10_minutes(browser: TestClient, access: WebAccess, clock: ManualClock):
    link = access.link_for(STAFF)
    clock.advance(minutes=10, seconds=1)
    assert (await follow_link(browser, link)).status == 403


async def test_a_forged_or_altered_link_is_refused(browser: TestClient, access: WebAccess):
    real = secret_of(access.link_for(STAFF))
    for secret in ("A" * len(real), real[:-1] + ("A" if real[-1] != "A" else "B"), ""):
        response = await browser.post("/sign-in", data={"secret": secret}, allow_redirects=False)
        assert response.status == 403
    assert (await browser.get("/")).status == 401


@pytest.mark.parametrize("path", [*PAGES, EVIDENCE, f"{EVIDENCE}?download"])
async def test_no_page_or_file_without_a_session(submitted, browser: TestClient, path: str):
    response = await browser.get(path)
    text = await response.text()
    assert response.status == 401
    assert "Maria" not in text and "%PDF" not in text and response.content_type == "text/html"
    assert "/web" in text  # how to get a link


@pytest.mark.parametrize("path", PAGES)
async def test_a_made_up_session_cookie_is_no_session(submitted, browser: TestClient, path: str):
    browser.session.cookie_jar.update_cookies({COOKIE: "x" * 43})
    assert (await browser.get(path)).status == 401


async def test_a_session_ends_after_8_hours(browser: TestClient, access: WebAccess, clock: ManualClock):
    await signed_in(browser, access)
    clock.advance(hours=7, minutes=59)
    assert (await browser.get("/")).status == 200
    clock.advance(minutes=1)
    assert (await browser.get("/")).status == 401


async def test_signing_out_ends_the_session(browser: TestClient, access: WebAccess):
    token = await signed_in(browser, access)
    cookie = browser.session.cookie_jar.filter_cookies(browser.make_url("/"))[COOKIE].value
    response = await browser.post("/sign-out", data={"form_token": token}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/signed-out"
    assert (await browser.get("/signed-out")).status == 200
    browser.session.cookie_jar.update_cookies({COOKIE: cookie})  # the old cookie, kept
    assert (await browser.get("/")).status == 401


@pytest.mark.parametrize("token", [None, "", "not-this-session's"])
async def test_a_form_without_the_session_token_changes_nothing(browser: TestClient, access: WebAccess, token):
    await signed_in(browser, access)
    response = await browser.post("/sign-out", data={} if token is None else {"form_token": token})
    assert response.status == 403
    assert "nothing was changed" in await response.text()
    assert (await browser.get("/")).status == 200  # still signed in


async def test_another_sessions_token_is_refused(browser: TestClient, access: WebAccess, desk: StaffDesk):
    theirs = await signed_in(browser, access, "telegram:7 (@bo)")
    other = await desk_client(desk, access)
    await other.start_server()
    try:
        await signed_in(other, access)
        assert (await other.post("/sign-out", data={"form_token": theirs})).status == 403
    finally:
        await other.close()


async def test_the_cookie_is_http_only_same_site_strict_for_8_hours(browser: TestClient, access: WebAccess):
    response = await follow_link(browser, access.link_for(STAFF))
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] is True and cookie["samesite"] == "Strict" and cookie["path"] == "/"
    assert cookie["max-age"] == str(8 * 3600)
    assert not cookie["secure"]  # the desk is reached over http here


async def test_the_cookie_is_secure_when_the_desk_is_reached_over_https(desk: StaffDesk, sqlite_storage: Storage):
    access = WebAccess(sqlite_storage, base_url="https://desk.example.org")
    client = await desk_client(desk, access)
    await client.start_server()
    try:
        response = await follow_link(client, access.link_for(STAFF))
        assert response.cookies[COOKIE]["secure"] is True
    finally:
        await client.close()


@pytest.mark.parametrize("signed", [False, True])
@pytest.mark.parametrize("path", [*PAGES, "/dossiers/CMM-000099", "/static/desk.css", "/sign-in/whatever"])
async def test_every_response_forbids_scripts_framing_sniffing_and_referrers(
    submitted, browser: TestClient, access: WebAccess, path: str, signed: bool
):
    if signed:
        await signed_in(browser, access)
    headers = (await browser.get(path)).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script-src" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


async def test_the_dossier_page_shows_the_verdict_history_answers_and_references(
    submitted, browser: TestClient, access: WebAccess
):
    await signed_in(browser, access)
    response = await browser.get(f"/dossiers/{NUMBER}")
    text = await response.text()
    assert response.status == 200
    for heading in ("Eligibility", "Status history", "About you", "Training", "Experience", "Supervision"):
        assert f">{heading}</h2>" in text
    assert "All rules pass" in text and "Training hours" in text
    assert "<td>submitted</td>" in text  # the history
    assert "Consent to store and process the data: given" in text
    assert text.count('<th scope="row">') >= 5  # a row per reference, and one per rule
    assert "mentee1@example.com" in text


async def test_the_pdf_opens_in_the_browser(submitted, browser: TestClient, access: WebAccess):
    await signed_in(browser, access)
    response = await browser.get(f"/dossiers/{NUMBER}/pdf")
    assert response.status == 200 and response.content_type == "application/pdf"
    assert (await response.read()).startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("inline; filename*=UTF-8''CMM-000001")


async def test_an_unknown_dossier_is_not_found(browser: TestClient, access: WebAccess):
    await signed_in(browser, access)
    response = await browser.get("/dossiers/CMM-000099")
    assert response.status == 404
    assert "CMM-000099" in await response.text()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("", True),
        ("?q=gonz", True),
        ("?q=MARIA@example", True),
        ("?q=000001", True),
        ("?q=nobody", False),
        ("?fee=due", True),
        ("?fee=paid", False),
        ("?status=approved", False),
        ("?status=all", True),
        ("?status=nonsense", True),  # an unknown filter is no filter
    ],
)
async def test_the_queue_filters(submitted, browser: TestClient, access: WebAccess, query: str, found: bool):
    await signed_in(browser, access)
    text = await (await browser.get(f"/{query}")).text()
    assert (NUMBER in text) is found
    if not found:
        assert "No application matches." in text


async def test_a_search_finds_an_application_whatever_its_status(
    submitted, browser: TestClient, access: WebAccess, desk: StaffDesk
):
    desk.start_review(NUMBER, actor=STAFF)
    desk.approve(NUMBER, actor=STAFF)
    await signed_in(browser, access)
    assert NUMBER not in await (await browser.get("/?status=")).text()  # no longer open
    found = await (await browser.get("/?status=&fee=&center=&q=maria")).text()  # as the form sends it
    assert NUMBER in found and '<option value="all" selected>' in found
    assert NUMBER not in await (await browser.get("/?status=in_review&q=maria")).text()  # a status chosen holds


async def test_an_application_not_approved_has_no_fee_to_chase(
    submitted, browser: TestClient, access: WebAccess, desk: StaffDesk
):
    desk.start_review(NUMBER, actor=STAFF)
    desk.reject(NUMBER, actor=STAFF, note="No CPM cycle")
    await signed_in(browser, access)
    assert NUMBER not in await (await browser.get("/?status=all&fee=due")).text()
    assert NUMBER in await (await browser.get("/?status=all&fee=nothing+to+pay")).text()
    assert "<dt>Fee</dt><dd>nothing to pay</dd>" in await (await browser.get(f"/dossiers/{NUMBER}")).text()


@pytest.mark.parametrize("short", ["CMM-1", "cmm-01", "1"])
async def test_a_number_as_staff_shorten_it_finds_the_application(
    submitted, browser: TestClient, access: WebAccess, short: str
):
    await signed_in(browser, access)
    assert NUMBER in await (await browser.get(f"/?q={short}")).text()


async def test_what_applicants_typed_is_shown_as_text_never_as_markup(
    submitted, browser: TestClient, access: WebAccess, sqlite_storage: Storage
):
    with Session(sqlite_storage.engine) as session:
        dossier = session.exec(select(Dossier)).one()
        dossier.content = {**dossier.content, "applicant": {**dossier.content["applicant"], "full_name": "<b>Bo</b>"}}
        session.add(dossier)
        session.commit()
    await signed_in(browser, access)
    for path in ("/", f"/dossiers/{NUMBER}"):
        text = await (await browser.get(path)).text()
        assert "&lt;b&gt;Bo&lt;/b&gt;" in text and "<b>Bo</b>" not in text


async def test_the_funnel_shows_the_counts_as_charts_with_their_tables(
    submitted, engine: ConversationEngine, browser: TestClient, access: WebAccess
):
    Talker(engine, "stopper").answer_all(["yes", "Ana Lopez", "ana at example"])
    await signed_in(browser, access)
    text = await (await browser.get("/funnel")).text()
    assert '<th scope="row">Consented</th><td class="number">2</td>' in text
    assert '<th scope="row">Submitted</th><td class="number">1</td>' in text
    assert "That doesn&#39;t look like an email address (1 of 1)" in text and "ana at" not in text
    assert "The median time from consent to the first submission is" in text
    for name in ("stages", "parts", "refusals"):
        assert f'<img src="/funnel/{name}.svg?of=' in text
        chart = await browser.get(f"/funnel/{name}.svg")
        body = await chart.text()
        assert chart.status == 200 and chart.content_type == "image/svg+xml"
        assert body.startswith("<?xml") and "<script" not in body
        assert "script" not in chart.headers["Content-Security-Policy"]
    assert "Consented" in await (await browser.get("/funnel/stages.svg")).text()
    assert "Email" in await (await browser.get("/funnel/refusals.svg")).text()
    assert (await browser.get("/funnel/nothing.svg")).status == 404


async def test_the_funnels_charts_draw_what_the_page_counted_without_counting_again(
    submitted, browser: TestClient, access: WebAccess, monkeypatch: pytest.MonkeyPatch
):
    funnel = browser.server.app[FUNNEL]
    counted = []
    monkeypatch.setattr(funnel, "report", lambda report=funnel.report: counted.append(1) or report())
    await signed_in(browser, access)
    page = await (await browser.get("/funnel")).text()
    charts = re.findall(r'<img src="(/funnel/\w+\.svg\?of=[\w-]+)"', page)
    assert [chart.split("?")[0] for chart in charts] == ["/funnel/stages.svg", "/funnel/parts.svg"]  # none refused
    for chart in charts:
        assert (await browser.get(chart)).status == 200
    assert len(counted) == 1
    assert (await browser.get("/funnel/stages.svg?of=unknown")).status == 200  # counted anew
    assert len(counted) == 2


async def test_a_failure_is_a_page_of_the_desk_without_a_traceback(
    browser: TestClient, access: WebAccess, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    def broken() -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(browser.server.app[FUNNEL], "report", broken)
    await signed_in(browser, access)
    response = await browser.get("/funnel")
    text = await response.text()
    assert response.status == 500 and "Reload the page" in text
    assert "Traceback" not in text and "database went away" not in text
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "the desk failed to answer GET /funnel" in caplog.text


async def test_the_funnel_says_when_no_one_has_written(browser: TestClient, access: WebAccess):
    await signed_in(browser, access)
    assert "No one has written to the assistant yet" in await (await browser.get("/funnel")).text()


def test_the_web_command_gives_a_private_link_that_signs_in(desk: StaffDesk, access: WebAccess):
    reply = commands.run(desk, "/web", actor=STAFF, web=access)
    assert reply.private and not reply.refused
    link = re.search(r"http://desk\.example\.org/sign-in/\S+", reply.text)
    assert link is not None
    opened = access.sign_in(secret_of(link.group(0)))
    assert opened is not None and opened.signed_in.staff == STAFF


def test_without_a_web_desk_the_web_command_says_so(desk: StaffDesk):
    reply = commands.run(desk, "web", actor=STAFF)
    assert reply.refused and not reply.private
    assert "not set up" in reply.text


def test_the_terminal_gives_a_link_for_a_name(desk: StaffDesk, access: WebAccess, tmp_path: Path, capsys):
    assert run_staff_command(desk, "web-link ana", out=tmp_path, web=access) == 0
    link = re.search(r"http://desk\.example\.org/sign-in/\S+", capsys.readouterr().out)
    assert link is not None
    opened = access.sign_in(secret_of(link.group(0)))
    assert opened is not None and opened.signed_in.staff == "terminal:ana"
    for wrong in ("web-link", "web-link <b>Bo</b>", "web-link " + "a" * 65, "web"):
        assert run_staff_command(desk, wrong, out=tmp_path, web=access) == 1
        assert "web-link NAME" in capsys.readouterr().err


async def test_the_access_log_shows_no_link_secret_and_no_search(
    browser: TestClient, access: WebAccess, caplog: pytest.LogCaptureFixture
):
    link = access.link_for(STAFF)
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        await follow_link(browser, link)
        await browser.get("/?q=maria@example.org")
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "aiohttp.access")
    assert "GET /sign-in/… 200" in logged and "POST /sign-in 303" in logged and "GET / 200" in logged
    assert secret_of(link) not in logged and "maria" not in logged


async def test_an_unknown_address_is_a_page_of_the_desk(browser: TestClient):
    for method, path, status in (("GET", "/nope", 404), ("GET", "/sign-in", 405), ("DELETE", "/", 405)):
        response = await browser.request(method, path)
        assert response.status == status and "Start again from the queue" in await response.text()
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def status_and_fee(storage: Storage) -> tuple[str, str]:
    with Session(storage.engine) as session:
        dossier = session.exec(select(Dossier).order_by(col(Dossier.version).desc())).first()
    assert dossier is not None
    return dossier.status, dossier.fee_status


async def post_action(browser: TestClient, token: str, action: str, *, version: int = 1, note: str = ""):
    data = {"form_token": token, "version": str(version), "action": action, "note": note}
    return await browser.post(f"/dossiers/{NUMBER}/actions", data=data, allow_redirects=False)


async def test_a_review_in_the_browser_tells_the_applicant_each_step(
    submitted, browser: TestClient, access: WebAccess, sqlite_storage: Storage
):
    token = await signed_in(browser, access)
    response = await post_action(browser, token, "start_review")
    assert response.status == 303 and response.headers["Location"] == f"/dossiers/{NUMBER}?done=start_review"
    page = await (await browser.get(response.headers["Location"])).text()
    assert "The review has started; the applicant is told." in page
    assert f"<td>in review</td><td>{STAFF}</td>" in page  # the history names who did it
    assert "Start review</button>" not in page  # started already
    assert (await post_action(browser, token, "paid")).status == 303
    assert (await post_action(browser, token, "approve", note="Well done")).status == 303
    assert status_and_fee(sqlite_storage) == ("approved", "paid")
    told = applicant_notices(sqlite_storage)
    assert any("IMC has started reviewing your application CMM-000001" in text for text in told)
    assert any("Congratulations" in text and "Well done" in text for text in told)
    page = await (await browser.get(f"/dossiers/{NUMBER}")).text()
    assert "nothing more to decide" in page and "Approve</button>" not in page and "Mark the fee paid" not in page
    assert f"<td>fee marked paid</td><td>{STAFF}</td><td></td>" in page  # no status row: the fee


async def test_request_information_reopens_the_questions_ticked(
    submitted, browser: TestClient, access: WebAccess, sqlite_storage: Storage
):
    token = await signed_in(browser, access)
    page = await (await browser.get(f"/dossiers/{NUMBER}")).text()
    assert 'name="question" value="training_hours"' in page and 'name="question" value="ref2_mentee_email"' in page
    data = [
        ("form_token", token),
        ("version", "1"),
        ("question", "training_hours"),
        ("question", "ref2_mentee_email"),
        ("note", "Please confirm"),
    ]
    response = await browser.post(f"/dossiers/{NUMBER}/request", data=data, allow_redirects=False)
    assert response.status == 303
    with Session(sqlite_storage.engine) as session:
        dossier = session.exec(select(Dossier)).one()
    assert (dossier.status, dossier.requested) == ("info_requested", ["training_hours", "ref2_mentee_email"])
    assert any("Please confirm" in text for text in applicant_notices(sqlite_storage))
    assert "until the applicant resubmits" in await (await browser.get(f"/dossiers/{NUMBER}")).text()

    submitted.answer_all(["60", "jordan@example.com", "Resubmit"])
    assert "✓ Resubmitted. Version 2" in submitted.say("submit now")
    page = await (await browser.get(f"/dossiers/{NUMBER}")).text()
    assert f'{NUMBER} <span class="muted">version 2</span>' in page
    versions = page[page.index(">Versions</h2>") : page.index(">Status history</h2>")]
    assert "<li>Training · Training hours: 52.5 → 60</li>" in versions
    assert "<li>Reference 2 · Mentee email: mentee2@example.com → jordan@example.com</li>" in versions
    assert "the first version" in versions
    assert 'name="version" value="2"' in page  # the actions now act on version 2


async def test_request_information_without_a_question_changes_nothing(
    submitted, browser: TestClient, access: WebAccess, sqlite_storage: Storage
):
    token = await signed_in(browser, access)
    data = {"form_token": token, "version": "1", "note": "Please confirm"}
    response = await browser.post(f"/dossiers/{NUMBER}/request", data=data)
    assert response.status == 400 and "Tick at least one question" in await response.text()
    assert status_and_fee(sqlite_storage) == ("submitted", "due")


@pytest.mark.parametrize(
    ("action", "version", "status", "said"),
    [
        ("approve", 2, 409, "That was for version 2 of CMM-000001; version 1 is the current one."),
        ("paid", 2, 409, "version 1 is the current one"),
        ("resubmit", 1, 400, "The desk does not know this form"),
        ("approve", 0, 409, "version 1 is the current one"),
    ],
)
async def test_an_action_on_another_version_or_unknown_changes_nothing(
    submitted, browser: TestClient, access: WebAccess, sqlite_storage: Storage, action, version, status, said
):
    token = await signed_in(browser, access)
    told = applicant_notices(sqlite_storage)
    response = await post_action(browser, token, action, version=version)
    assert response.status == status and said in await response.text()
    assert status_and_fee(sqlite_storage) == ("submitted", "due")
    assert applicant_notices(sqlite_storage) == told


async def test_an_action_its_status_does_not_allow_says_why(
    submitted, browser: TestClient, access: WebAccess, sqlite_storage: Storage
):
    token = await signed_in(browser, access)
    assert (await post_action(browser, token, "reject", note="Not eligible")).status == 303
    again = await post_action(browser, token, "approve")
    assert again.status == 409
    assert status_and_fee(sqlite_storage) == ("rejected", "due")


@pytest.mark.parametrize("token", [None, "forged"])
async def test_an_action_without_the_session_token_changes_nothing(
    submitted, browser: TestClient, access: WebAccess, sqlite_storage: Storage, token
):
    await signed_in(browser, access)
    data = {"version": "1", "action": "approve"} | ({"form_token": token} if token else {})
    response = await browser.post(f"/dossiers/{NUMBER}/actions", data=data)
    assert response.status == 403
    assert status_and_fee(sqlite_storage) == ("submitted", "due")


async def test_an_action_without_a_session_changes_nothing(
    submitted, browser: TestClient, access: WebAccess, sqlite_storage: Storage
):
    response = await browser.post(f"/dossiers/{NUMBER}/actions", data={"version": "1", "action": "approve"})
    assert response.status == 401
    assert status_and_fee(sqlite_storage) == ("submitted", "due")


async def test_evidence_is_shown_in_the_dossier_page_and_downloadable(
    submitted, browser: TestClient, access: WebAccess
):
    await signed_in(browser, access)
    page = await (await browser.get(f"/dossiers/{NUMBER}")).text()
    assert f'<iframe src="{EVIDENCE}" title="01-' in page
    # The same file sent for the training and as reference 1's letter is kept once, named for both.
    assert "(Training · Evidence; Reference 1 · Reference letter)" in page
    assert "/dossiers/CMM-000001/evidence/2" not in page
    shown = await browser.get(EVIDENCE)
    assert shown.status == 200 and shown.content_type == "application/pdf" and await shown.read() == PDF
    assert shown.headers["Content-Disposition"].startswith("inline; filename*=UTF-8''01-")
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    policy = shown.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    downloaded = await browser.get(f"{EVIDENCE}?download")
    assert downloaded.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''01-")
    for missing in (
        "/dossiers/CMM-000001/evidence/9",
        "/dossiers/CMM-000001/evidence/0",
        "/dossiers/CMM-000001/evidence/x",
    ):
        assert (await browser.get(missing)).status == 404


async def test_a_claim_shows_who_reviews_it_in_the_queue_and_the_dossier(
    submitted, browser: TestClient, access: WebAccess, desk: StaffDesk
):
    token = await signed_in(browser, access)
    assert "No one has claimed it." in await (await browser.get(f"/dossiers/{NUMBER}")).text()
    response = await browser.post(f"/dossiers/{NUMBER}/claim", data={"form_token": token}, allow_redirects=False)
    assert response.status == 303
    page = await (await browser.get(response.headers["Location"])).text()
    assert "It is yours to review." in page and "Release it</button>" in page
    assert f"<td>{STAFF}</td>" in await (await browser.get("/")).text()
    other = await desk_client(desk, access)
    await other.start_server()
    try:
        await signed_in(other, access, "slack:U0BO")
        assert f"Claimed by {STAFF}." in await (await other.get(f"/dossiers/{NUMBER}")).text()
    finally:
        await other.close()
    await browser.post(f"/dossiers/{NUMBER}/claim", data={"form_token": token, "release": "yes"})
    assert "No one has claimed it." in await (await browser.get(f"/dossiers/{NUMBER}")).text()


async def test_notes_between_staff_are_kept_and_never_reach_the_applicant(
    submitted, browser: TestClient, access: WebAccess, sqlite_storage: Storage
):
    token = await signed_in(browser, access)
    told = applicant_notices(sqlite_storage)
    response = await browser.post(
        f"/dossiers/{NUMBER}/notes", data={"form_token": token, "text": "Call the <b>center</b>"}, allow_redirects=False
    )
    assert response.status == 303
    page = await (await browser.get(response.headers["Location"])).text()
    assert "The note is saved." in page and f"UTC · {STAFF}" in page
    assert "Call the &lt;b&gt;center&lt;/b&gt;" in page
    assert applicant_notices(sqlite_storage) == told
    empty = await browser.post(f"/dossiers/{NUMBER}/notes", data={"form_token": token, "text": "  "})
    assert empty.status == 400 and "The note is empty" in await empty.text()
    forged = await browser.post(f"/dossiers/{NUMBER}/notes", data={"form_token": "x", "text": "Sneaky"})
    assert forged.status == 403
    assert "Sneaky" not in await (await browser.get(f"/dossiers/{NUMBER}")).text()
