"""The Slack channel end to end: ``python -m bot slack`` runs as in production, with the real
slack-bolt ``AsyncApp``, against a Slack stand-in on 127.0.0.1, sent signed requests as Slack
sends them."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import Session, select

from conversations.staff.web_access import WebAccess
from storage.database import make_engine
from storage.files import FileStore
from storage.models import Applicant, Dossier
from storage.unit_of_work import Storage
from tests.conftest import JPEG, PDF, UNIQUE_EMAIL, UNIQUE_NAME, stored_draft
from tests.e2e.processes import BotProcess, accepting, assert_log_hides, free_port
from tests.e2e.recording import answered
from tests.e2e.slack_standin import SlackStandIn, SlackUser, buttons_of, text_of

TOKEN = "xoxb-test-token"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_TOKEN = "xapp-1-test"
USER = "U0MARIA"
# What an applicant, support or staff may write that Slack's mrkdwn would take for a channel-wide
# ping, a mention and a disguised link; and the same as Slack's top-level text must carry it.
MARKUP = "<!channel> & <@U123> <https://evil|click>"
MARKUP_ESCAPED = "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil|click&gt;"
# What no line of the app's log may show, whatever the test had it do: its secrets, and what the
# tests' applicants, support and staff write.
PRIVATE = [TOKEN, SECRET, APP_TOKEN, "Gonzalez", "maria@example.org", "mentee1@example.com", "Harbour Road", "evil"]


@pytest.fixture
async def standin():
    api = SlackStandIn(token=TOKEN)
    await api.start()
    yield api
    await api.stop()
    # Every top-level text (read as mrkdwn) is escaped: no <, no >, and & only in an entity.
    for call in api.calls:
        text = call.params.get("text") or ""
        assert not re.search(r"[<>]|&(?!amp;|lt;|gt;)", text), (call.method, text)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def bot_env(tmp_path: Path, standin: SlackStandIn, port: int) -> Iterator[dict[str, str]]:
    yield {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "FILES_DIR": str(tmp_path / "files"),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": standin.url,
        "PORT": str(port),
        "LISTEN_HOST": "127.0.0.1",
        "LOG_LEVEL": "DEBUG",
    }
    for log in tmp_path.glob("*.log"):
        assert_log_hides(log, PRIVATE)


@pytest.fixture
def storage(bot_env: dict[str, str], tmp_path: Path) -> Storage:
    return Storage(make_engine(bot_env["DATABASE_URL"]), FileStore(tmp_path / "files"))


async def started(env: dict[str, str], log: Path, port: int) -> BotProcess:
    process = BotProcess("slack", env, log)
    await process.start()
    await accepting(port)
    return process


@pytest.fixture
async def bot(bot_env: dict[str, str], tmp_path: Path, port: int):
    process = await started(bot_env, tmp_path / "bot.log", port)
    yield process
    await process.stop()


@pytest.fixture
def user(standin: SlackStandIn, port: int) -> SlackUser:
    return SlackUser(standin, f"http://127.0.0.1:{port}/slack/events", SECRET, USER)


def draft(storage: Storage):
    return stored_draft(storage, USER, "slack")


ABOUT_YOU = ["Yes", "Maria Gonzalez", "maria@example.org", "No"]
TRAINING = [
    "Global Mentoring Academy",
    "Accredited Training Center",
    "Foundations of Professional Mentoring",
    "52.5",
    "hybrid",
    "10 January 2024",
    "2024-03-20",
    "Dr. Amal Haddad",
    "amal@academy.example",
]
BUTTONS = {
    "Yes",
    "No",
    "Accredited Training Center",
    "External",
    "Internal (mentoring at work)",
    "Both",
    "The mentee",
    "Submit the application",
    "Submit now",
}


async def answer(user: SlackUser, answers: list[str]) -> None:
    for text in answers:
        if text in BUTTONS:
            await user.press(text)
        else:
            await user.say(text)


def reference_values(number: int) -> dict[str, str]:
    return {
        f"ref{number}_mentee_name": f"Mentee {number}",
        f"ref{number}_mentee_email": f"mentee{number}@example.com",
        f"ref{number}_start_date": "2023-01-01",
        f"ref{number}_end_date": "2023-06-30",
        f"ref{number}_setting": "external",
    }


async def test_a_complete_application_in_a_direct_message(
    standin: SlackStandIn, bot: BotProcess, user: SlackUser, storage: Storage
):
    assert "Do you consent" in await user.say("hello")
    consent = standin.posts(user.channel)[-1]
    assert [button["text"]["text"] for button in buttons_of(consent)] == ["Yes", "No"]
    await answer(user, ABOUT_YOU + TRAINING)
    updated = standin.calls_to("chat.update")[0].params
    assert updated["blocks"][-1] == {"type": "context", "elements": [{"type": "plain_text", "text": "→ Yes"}]}
    assert all(block["type"] != "actions" for block in updated["blocks"])
    assert "✓ Evidence: certificate.pdf" in await user.share_file(PDF, "certificate.pdf", "application/pdf")
    await answer(user, ["Yes", "CPM-2019-0457", "1 March 2023", "12"])

    view = await user.open_form("Fill in Reference 1 in one form")
    assert view["title"]["text"] == "Reference 1"
    assert [block["block_id"] for block in view["blocks"]] == list(reference_values(1))
    assert view["blocks"][2]["element"]["type"] == "datepicker"
    status, body = await user.submit_form(view, reference_values(1))
    assert (status, body) == (200, "")
    await standin.wait_until(lambda: "✓ Reference 1 saved." in text_of(standin.posts(user.channel)[-1]))
    assert "✓ Reference letter: letter.jpg" in await user.share_file(JPEG, "letter.jpg", "image/jpeg")
    await answer(user, ["The mentee", "No"])
    for number in range(2, 6):
        values = reference_values(number)
        await answer(
            user,
            [
                values[f"ref{number}_mentee_name"],
                values[f"ref{number}_mentee_email"],
                "2023-01-01",
                "2023-06-30",
                "External",
            ],
        )
        await user.say("skip")  # the bare word works like /skip
    await answer(
        user,
        ["Sam Okafor", "sam.okafor@example.net", "12 Harbour Road, Dublin D02 X285, Ireland", "Both", "Yes", "Yes"],
    )
    assert "Please review your application" in await user.press("Yes")

    assert "Status: draft, not submitted yet, all questions answered." in await user.command("status")
    summary = await user.command("summary")
    assert "Reference 1\n  Mentee: Mentee 1" in summary
    assert "Submit your application now?" in await user.press("Submit the application")
    assert "✓ Submitted. Your dossier CMM-000001" in await user.press("Submit now")
    with Session(storage.engine) as session:
        dossier = session.exec(select(Dossier)).one()
    assert dossier.content["experience"]["ref"][0]["mentee_email"] == "mentee1@example.com"
    assert storage.files.read(dossier.content["experience"]["ref"][0]["letter"]["sha256"]) == JPEG

    assert await user.send_event(user.event({"type": "app_home_opened", "user": USER, "tab": "home"})) == 200
    await standin.wait_until(lambda: standin.calls_to("views.publish"))
    home = standin.calls_to("views.publish")[-1].params
    assert home["user_id"] == USER
    home_text = json.dumps(home["view"])
    assert "CMM-000001 is submitted" in home_text and "Supervision: 100% done" in home_text


async def test_bad_input_in_chat_and_in_the_modal(
    standin: SlackStandIn, bot: BotProcess, user: SlackUser, storage: Storage
):
    await user.say("hi")
    await answer(user, ABOUT_YOU)
    await answer(user, TRAINING[:5])
    assert "couldn't read that as a date" in await user.say("someday")
    await answer(user, TRAINING[5:])
    reply = await user.share_file(b"<html>not a file</html>", "certificate.pdf", "text/html")
    assert "I couldn't fetch that file" in reply
    reply = await user.share_file(b"plain text, not a certificate", "certificate.pdf", "text/plain")
    assert "not a PDF, JPEG or PNG" in reply
    await user.share_file(PDF, "certificate.pdf", "application/pdf")
    await answer(user, ["Yes", "CPM-2019-0457", "1 March 2023", "12"])
    before = draft(storage)

    view = await user.open_form("Fill in Reference 1 in one form")
    bad = {
        **reference_values(1),
        "ref1_mentee_email": "maria@example.org",
        "ref1_end_date": "2022-12-31",
        "ref1_mentee_name": "",
    }
    status, body = await user.submit_form(view, bad)
    assert status == 200
    response = json.loads(body)
    assert response["response_action"] == "errors"
    assert set(response["errors"]) == {"ref1_mentee_name"}  # unreadable answers first
    status, body = await user.submit_form(view, {**bad, "ref1_mentee_name": "Mentee 1"})
    errors = json.loads(body)["errors"]
    assert "your own email address" in errors["ref1_mentee_email"]
    assert "can't be before the start date" in errors["ref1_end_date"]
    after = draft(storage)
    assert (after.state, after.answers) == (before.state, before.answers)
    status, body = await user.submit_form(view, reference_values(1))  # the same modal, corrected
    assert (status, body) == (200, "")
    await standin.wait_until(lambda: draft(storage).state == "ref1_letter")


async def test_requests_not_from_slack_are_refused_and_retries_apply_once(
    standin: SlackStandIn, bot: BotProcess, user: SlackUser, storage: Storage
):
    body = user.event(user.message_event("yes"))
    assert (await user.post(body, "application/json"))[0] == 401
    assert (await user.post(body, "application/json", user.signed(body, secret="not-the-secret")))[0] == 401
    stale = int(time.time()) - 10 * 60
    assert (await user.post(body, "application/json", user.signed(body, timestamp=stale)))[0] == 401
    assert standin.calls_to("chat.postMessage") == []
    assert draft(storage) is None

    await user.say("hello")
    first = user.event(user.message_event("yes"), event_id="EvRETRIED")
    assert await user.send_event(first) == 200
    assert len(standin.posts(user.channel)) == 2  # acknowledged once handled and answered
    # Slack sends an event again when it did not hear back: the same reply again, nothing applied again.
    assert await user.send_event(first, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}) == 200
    texts = [text_of(post) for post in standin.posts(user.channel)]
    assert texts[-1] == texts[-2] and "Thank you. Let's begin." in texts[-1]
    assert "✓ Full name: Maria" in await user.say("Maria")
    assert len(standin.posts(user.channel)) == 4
    assert draft(storage).answers == {"consent": "yes", "full_name": "Maria"}

    own = user.message_event("I am the bot", user="UBOT001", bot_id="B0001")
    assert await user.send_event(user.event(own)) == 200
    assert await user.send_event(user.event({"type": "reaction_added", "user": USER, "reaction": "tada"})) == 200
    assert await user.say("maria@example.org")  # the next reply is to this, nothing came in between
    assert draft(storage).state == "is_member"
    with Session(storage.engine) as session:  # the profile's time zone, for reminders at sensible hours
        assert session.exec(select(Applicant)).one().time_zone == "Europe/Dublin"


async def test_a_retry_of_an_event_in_hand_is_answered_as_that_event_turns_out(
    standin: SlackStandIn, bot: BotProcess, user: SlackUser, storage: Storage
):
    await user.say("hello")
    standin.files["F0001"] = ("certificate.pdf", PDF, "application/pdf")
    body = user.event(user.message_event("", subtype="file_share", files=[{"id": "F0001"}]), event_id="EvSLOW")
    standin.download_delay = 1.5  # the event is still in hand when Slack, tired of waiting, sends it again
    standin.failures["chat.postMessage"].append((500, {}, {"ok": False, "error": "internal_error"}))
    first = asyncio.create_task(user.send_event(body))
    await standin.wait_until(lambda: standin.calls_to("files.info"))
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    # Its reply could not be posted: the retry is not acknowledged either, or Slack would not send it again.
    assert await user.send_event(body, retry) != 200
    assert await first != 200
    standin.download_delay = 0
    posts = len(standin.posts(user.channel))
    assert await user.send_event(body, {**retry, "X-Slack-Retry-Num": "2"}) == 200
    assert len(standin.posts(user.channel)) == posts + 1  # the reply it got, posted now
    assert "Do you consent" in text_of(standin.posts(user.channel)[-1])


async def test_rate_limited_post_is_retried_and_a_restart_resumes(
    standin: SlackStandIn, bot_env: dict[str, str], user: SlackUser, storage: Storage, tmp_path: Path, port: int
):
    first = await started(bot_env, tmp_path / "first.log", port)
    await user.say("hello")
    standin.failures["chat.postMessage"].append((429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}))
    assert "Thank you. Let's begin." in await user.press("Yes")
    assert [call.status for call in standin.calls if call.method == "chat.postMessage"][-2:] == [429, 200]
    await answer(user, ["Maria Gonzalez", "maria@example.org"])
    await first.kill()

    second = await started(bot_env, tmp_path / "second.log", port)
    try:
        reply = await user.say("status")
        assert "Status: draft" in reply and "Are you an IMC member?" in reply
        assert draft(storage).answers["email"] == "maria@example.org"
        assert "✓ IMC member: No" in await user.press("No")
    finally:
        await second.stop()


async def test_killed_before_its_reply_went_out_an_event_is_answered_when_slack_sends_it_again(
    standin: SlackStandIn, bot_env: dict[str, str], user: SlackUser, storage: Storage, tmp_path: Path, port: int
):
    first = await started(bot_env, tmp_path / "first.log", port)
    await user.say("hello")
    await user.press("Yes")
    standin.failures["chat.postMessage"].append((429, {"Retry-After": "30"}, {"ok": False, "error": "ratelimited"}))
    event = user.event(user.message_event("Maria Gonzalez"), event_id="EvKILLED")
    sending = asyncio.create_task(user.send_event(event))
    await standin.wait_until(lambda: [call for call in standin.calls if call.status == 429])
    assert draft(storage).answers["full_name"] == "Maria Gonzalez"  # committed, its reply not sent
    await first.kill()
    with pytest.raises(aiohttp.ClientError):  # Slack heard nothing back, so it will send the event again
        await sending

    second = await started(bot_env, tmp_path / "second.log", port)
    try:
        retried = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
        assert await user.send_event(event, retried) == 200
        assert "✓ Full name: Maria Gonzalez" in text_of(standin.posts(user.channel)[-1])
        assert "✓ Email" in await user.say("maria@example.org")
        assert draft(storage).state == "is_member"
    finally:
        await second.stop()


async def test_socket_mode(standin: SlackStandIn, bot_env: dict[str, str], tmp_path: Path, storage: Storage):
    env = {**bot_env, "SLACK_APP_TOKEN": APP_TOKEN}
    env.pop("SLACK_SIGNING_SECRET")
    process = BotProcess("slack", env, tmp_path / "socket.log")
    await process.start()
    try:
        await standin.wait_until(lambda: standin.calls_to("apps.connections.open"))
        user = SlackUser(standin, "unused", SECRET, USER)
        payload = json.loads(user.event(user.message_event("hello"), event_id="EvSOCKET1"))
        await standin.send_over_socket(
            {"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False, "payload": payload}
        )
        await standin.wait_until(lambda: any(ack.get("envelope_id") == "env-1" for ack in standin.socket_acks))
        await standin.wait_until(lambda: standin.posts(user.channel))
        assert "Do you consent" in text_of(standin.posts(user.channel)[0])
    finally:
        await process.stop()


@pytest.mark.parametrize(("mode", "level"), [("http", "DEBUG"), ("http", "INFO"), ("socket", "DEBUG")])
async def test_the_log_shows_no_token_no_secret_and_nothing_the_applicant_wrote(
    standin: SlackStandIn, bot_env: dict[str, str], tmp_path: Path, port: int, mode: str, level: str
):
    log = tmp_path / "bot.log"
    user = SlackUser(standin, f"http://127.0.0.1:{port}/slack/events", SECRET, USER)
    env = {**bot_env, "LOG_LEVEL": level}
    if mode == "socket":
        env["SLACK_APP_TOKEN"] = APP_TOKEN
        process = BotProcess("slack", env, log)
        await process.start()
    else:
        process = await started(env, log, port)
    try:
        for number, text in enumerate(["hello", "yes", UNIQUE_NAME, UNIQUE_EMAIL, "no"]):
            before = len(standin.posts(user.channel))
            if mode == "socket":
                payload = json.loads(user.event(user.message_event(text)))
                envelope = {"envelope_id": f"env-{number}", "type": "events_api", "payload": payload}
                await standin.send_over_socket({**envelope, "accepts_response_payload": False})
            else:
                assert await user.send_event(user.event(user.message_event(text))) == 200
            await standin.wait_until(lambda: len(standin.posts(user.channel)) > before)  # noqa: B023
        await standin.wait_until(
            lambda: any("✓ IMC member: No" in text_of(call) for call in standin.posts(user.channel))
        )
    finally:
        await process.stop()
    assert f" {level} " in log.read_text()  # it logged at that level
    assert_log_hides(log, [TOKEN, SECRET, APP_TOKEN, UNIQUE_NAME, UNIQUE_EMAIL])


async def test_one_users_events_apply_in_order(
    standin: SlackStandIn, bot: BotProcess, user: SlackUser, storage: Storage
):
    await user.say("hello")
    await answer(user, ABOUT_YOU + TRAINING)
    standin.download_delay = 0.5  # a slow download, so the next message could overtake the file
    standin.files["F9001"] = ("certificate.pdf", PDF, "application/pdf")
    before = len(standin.posts(user.channel))
    file_event = user.message_event("", subtype="file_share", files=[{"id": "F9001"}])
    assert await user.send_event(user.event(file_event)) == 200
    assert await user.send_event(user.event(user.message_event("yes"))) == 200  # without waiting
    await standin.wait_until(lambda: len(standin.posts(user.channel)) >= before + 2)
    replies = [text_of(call) for call in standin.posts(user.channel)[before:]]
    assert "✓ Evidence: certificate.pdf" in replies[0]
    assert "✓ Holds the CPM: Yes" in replies[1]
    assert draft(storage).state == "cpm_number"


STAFF_CHANNEL = "C0STAFF"


async def test_staff_take_a_dossier_to_approval_in_the_staff_channel(
    standin: SlackStandIn, bot_env: dict[str, str], tmp_path: Path, port: int, storage: Storage
):
    env = {
        **bot_env,
        "SLACK_STAFF_CHANNEL": STAFF_CHANNEL,
        "STAFF_SLACK_USER_IDS": "U0ANA",
        "OUTBOX_POLL_SECONDS": "0.2",
        "OUTBOX_FIRST_RETRY_SECONDS": "0.3",
    }
    process = await started(env, tmp_path / "staff.log", port)
    url = f"http://127.0.0.1:{port}/slack/events"
    applicant = SlackUser(standin, url, SECRET, USER)
    ana, bob = SlackUser(standin, url, SECRET, "U0ANA"), SlackUser(standin, url, SECRET, "U0BOB")
    ana.channel = bob.channel = STAFF_CHANNEL

    def staff_said(text: str) -> bool:
        return any(
            text in text_of(call) or text in call.params.get("text", "") for call in standin.posts(STAFF_CHANNEL)
        )

    def applicant_told(text: str) -> bool:
        return any(text in text_of(call) for call in standin.posts(applicant.channel))

    try:
        standin.down_channels.add(STAFF_CHANNEL)  # the staff channel can't be reached at submission
        await applicant.say("hello")
        await answer(applicant, ["Yes", f"Maria {MARKUP}", "maria@example.org", "No", *TRAINING])
        await applicant.share_file(PDF, "certificate.pdf", "application/pdf")
        await answer(applicant, ["Yes", "CPM-2019-0457", "1 March 2023", "12"])
        for number in range(1, 6):
            values = reference_values(number)
            await answer(
                applicant,
                [
                    values[f"ref{number}_mentee_name"],
                    values[f"ref{number}_mentee_email"],
                    "2023-01-01",
                    "2023-06-30",
                    "External",
                    "skip",
                ],
            )
        await answer(
            applicant,
            [
                "Sam Okafor",
                "sam.okafor@example.net",
                "12 Harbour Road, Dublin D02 X285, Ireland",
                "Both",
                "Yes",
                "Yes",
                "Yes",
                "Submit the application",
                "Submit now",
            ],
        )
        await standin.wait_until(lambda: any(call.status == 500 for call in standin.calls))
        standin.down_channels.clear()
        await standin.wait_until(lambda: len(standin.uploaded(STAFF_CHANNEL)) == 2)
        [notification] = standin.posts(STAFF_CHANNEL)  # once, though the first try failed
        assert "New application CMM-000001 (version 1)" in text_of(notification)
        assert f"Applicant: Maria {MARKUP} <maria@example.org>" in text_of(notification)
        assert f"Applicant: Maria {MARKUP_ESCAPED} &lt;maria@example.org&gt;" in notification.params["text"]
        assert [button["text"]["text"] for button in buttons_of(notification)] == [
            "Start review",
            "Request information",
            "Approve",
            "Reject",
        ]
        (pdf_title, pdf), (evidence_title, evidence) = standin.uploaded(STAFF_CHANNEL)
        assert pdf_title == "CMM-000001-v1.pdf" and pdf.startswith(b"%PDF")
        assert (evidence_title, evidence) == ("01-certificate.pdf", PDF)
        await standin.wait_until(lambda: len(standin.uploaded(applicant.channel)) == 1)  # the applicant's copy
        assert standin.uploaded(applicant.channel) == [(pdf_title, pdf)]
        assert applicant_told("Your copy of application CMM-000001 (version 1), as submitted: CMM-000001-v1.pdf")

        status, _ = await bob.interact(await bob._press_payload("Approve"))
        assert status == 200
        await standin.wait_until(lambda: standin.calls_to("chat.postEphemeral"))
        assert standin.calls_to("chat.postEphemeral")[0].params["text"] == "Only IMC credentialing staff can do that."
        with Session(storage.engine) as session:
            assert session.exec(select(Dossier)).one().status == "submitted"

        await ana.press("Start review")
        await standin.wait_until(lambda: applicant_told("IMC has started reviewing your application CMM-000001"))
        modal = await ana.open_form("Request information")
        status, body = await ana.submit_form(
            modal, {"questions": ["training_hours", "ref2_mentee_email"], "note": f"Please confirm {MARKUP}"}
        )
        assert (status, body) == (200, "")
        await standin.wait_until(lambda: applicant_told("IMC needs more information"))
        asked = standin.posts(applicant.channel)[-1]
        assert f"Note from IMC: Please confirm {MARKUP}" in text_of(asked)
        assert f"Note from IMC: Please confirm {MARKUP_ESCAPED}" in asked.params["text"]
        assert f"Full name: Maria {MARKUP}" in await ana.command("show CMM-000001")
        assert "Reference 2 of 5" in await applicant.say("60")
        assert "Resubmit" in await applicant.say("jordan@example.com")
        assert "Resubmit now?" in await applicant.press("Submit the application")  # value "submit"
        assert "✓ Resubmitted. Version 2" in await applicant.press("Submit now")

        await standin.wait_until(lambda: staff_said("Resubmitted application CMM-000001 (version 2)"))
        assert staff_said("Training · Training hours: 52.5 → 60")
        await standin.wait_until(lambda: len(standin.uploaded(applicant.channel)) == 2)
        await standin.wait_until(lambda: len(standin.uploaded(STAFF_CHANNEL)) == 4)
        # Version 2, as staff got it.
        assert standin.uploaded(applicant.channel)[1] == standin.uploaded(STAFF_CHANNEL)[2]
        await ana.press("Approve")  # on the version 2 message
        await standin.wait_until(lambda: applicant_told("Congratulations! Your application CMM-000001 is approved"))
        assert "Nothing waiting." in await ana.command("queue")

        # A sign-in link to the web desk is shown to the one who asked alone.
        posts = len(standin.posts(STAFF_CHANNEL))
        assert await ana.send_command("web") == 200
        await standin.wait_until(lambda: len(standin.calls_to("chat.postEphemeral")) == 2)
        private = standin.calls_to("chat.postEphemeral")[-1].params
        assert private["user"] == ana.user_id and "/sign-in/" in private["text"]
        assert len(standin.posts(STAFF_CHANNEL)) == posts
        opened = WebAccess(storage, base_url="http://127.0.0.1").sign_in(private["text"].rsplit("/sign-in/", 1)[1])
        assert opened is not None and opened.signed_in.staff == f"slack:{ana.user_id}"
    finally:
        await process.stop()


async def test_a_question_goes_to_a_person_in_the_support_channel_and_the_thread_reply_comes_back(
    standin: SlackStandIn, bot_env: dict[str, str], tmp_path: Path, port: int, storage: Storage
):
    env = {
        **bot_env,
        "SLACK_SUPPORT_CHANNEL": "C0SUPPORT",
        "OUTBOX_POLL_SECONDS": "0.2",
        "SUPPORT_SLACK_USER_IDS": "U0SAM",
    }
    process = await started(env, tmp_path / "support.log", port)
    applicant = SlackUser(standin, f"http://127.0.0.1:{port}/slack/events", SECRET, USER)
    try:
        await applicant.say("hello")
        await answer(applicant, ["Yes"])
        question = f"is there a dress code for the award ceremony {MARKUP}?"

        def texts() -> list[str]:
            return answered([text_of(call) for call in standin.posts(applicant.channel)])

        before = len(texts())
        assert await applicant.send_event(applicant.event(applicant.message_event(question))) == 200
        await standin.wait_until(lambda: len(texts()) >= before + 1)
        [unsure] = texts()[before:]
        assert "I'm not sure I have the answer to that" in unsure
        assert unsure.endswith(
            "You can also just answer the question: What is your full name, as it should appear on the "
            "credential? (nothing is lost)."
        )  # not asked again under the list
        assert "passed your question" in await applicant.press("Ask a person")
        # The press is answered in two messages; the second asks the current question again.
        await standin.wait_until(lambda: texts()[-1].endswith("as it should appear on the credential?"))
        await standin.wait_until(lambda: standin.posts("C0SUPPORT"))
        forwarded = standin.posts("C0SUPPORT")[0]
        assert question in text_of(forwarded) and "(slack, at About you · Full name)" in text_of(forwarded)
        assert MARKUP_ESCAPED in forwarded.params["text"]
        before = len(standin.posts(applicant.channel))
        stranger = {
            "type": "message",
            "channel": "C0SUPPORT",
            "channel_type": "channel",
            "user": "U0EVE",
            "text": "anything goes",
            "ts": f"{time.time():.6f}",
            "thread_ts": forwarded.params["ts"],
        }
        assert await applicant.send_event(applicant.event(stranger)) == 200  # not support: relayed to nobody
        reply = {
            "type": "message",
            "channel": "C0SUPPORT",
            "channel_type": "channel",
            "user": "U0SAM",
            "text": f"No dress code: IMC announces its decision by email. {MARKUP}",
            "ts": f"{time.time():.6f}",
            "thread_ts": forwarded.params["ts"],
        }
        assert await applicant.send_event(applicant.event(reply)) == 200
        await standin.wait_until(lambda: len(standin.posts(applicant.channel)) > before)
        assert len(standin.posts(applicant.channel)) == before + 1  # only the support member's answer
        relayed = text_of(standin.posts(applicant.channel)[-1])
        assert relayed.startswith(f"Answer from IMC's credentialing support to “{question}”:")
        assert f"No dress code: IMC announces its decision by email. {MARKUP}" in relayed
        assert MARKUP_ESCAPED in standin.posts(applicant.channel)[-1].params["text"]
        await standin.wait_until(
            lambda: any("Sent to the applicant." in text_of(call) for call in standin.posts("C0SUPPORT"))
        )
        assert draft(storage).state == "full_name"
    finally:
        await process.stop()
