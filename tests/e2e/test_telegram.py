"""The Telegram channel end to end: ``python -m bot telegram`` runs as in production, with the
real python-telegram-bot, against a Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import aiohttp
import pytest
from playwright.async_api import expect
from sqlmodel import Session, select

from conversations.staff.web_access import WebAccess
from conversations.support.faq.knowledge import load
from storage.database import make_engine
from storage.files import FileStore
from storage.models import Applicant, Dossier
from storage.unit_of_work import Storage
from tests.conftest import JPEG, PDF, UNIQUE_EMAIL, UNIQUE_NAME, stored_draft
from tests.e2e.browser import accessibility_problems, browser_page, chromium, tab_to
from tests.e2e.processes import BotProcess, accepting, assert_log_hides, free_port, run_bot
from tests.e2e.recording import answered
from tests.e2e.telegram_standin import TelegramStandIn

TOKEN = "123456:TEST-token"
WEBHOOK_SECRET = "s3cret-Token_1"
CHAT = 5551001
# What no line of a bot's log may show, whatever the test had the bot do: its secrets, and what
# the tests' applicants write.
PRIVATE = [TOKEN, WEBHOOK_SECRET, "Gonzalez", "maria@example.org", "mentee1@example.com", "Harbour Road"]


@pytest.fixture
async def standin():
    api = TelegramStandIn(token=TOKEN)
    await api.start()
    yield api
    await api.stop()
    # No call of any test (applicants, staff, support) asks for formatting: text shows as written.
    assert [call.method for call in api.calls if "parse_mode" in call.params] == []


@pytest.fixture
def bot_env(tmp_path: Path, standin: TelegramStandIn) -> Iterator[dict[str, str]]:
    yield {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "FILES_DIR": str(tmp_path / "files"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": standin.url,
        "TELEGRAM_CHAT_MESSAGES_PER_SECOND": "50",  # keep the tests quick; production default is 1
        "LOG_LEVEL": "DEBUG",
    }
    for log in tmp_path.glob("*.log"):
        assert_log_hides(log, PRIVATE)


@pytest.fixture
def storage(bot_env: dict[str, str], tmp_path: Path) -> Storage:
    return Storage(make_engine(bot_env["DATABASE_URL"]), FileStore(tmp_path / "files"))


async def started(standin: TelegramStandIn, env: dict[str, str], log: Path) -> BotProcess:
    process = BotProcess("telegram", env, log)
    await process.start()
    polls = len(standin.calls_to("getUpdates"))
    await standin.wait_until(lambda: len(standin.calls_to("getUpdates")) > polls)
    return process


@pytest.fixture
async def bot(standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path):
    process = await started(standin, bot_env, tmp_path / "bot.log")
    yield process
    await process.stop()


class Chat:
    """The applicant's side of a private chat with the bot."""

    def __init__(self, standin: TelegramStandIn, chat_id: int = CHAT) -> None:
        self.api = standin
        self.chat_id = chat_id

    async def _reply_to(self, action) -> str:
        before = len(self.api.replies(self.chat_id))
        await action
        await self.api.wait_until(lambda: len(self.api.replies(self.chat_id)) > before)
        return self.api.replies(self.chat_id)[before]

    async def say(self, text: str) -> str:
        return await self._reply_to(self.api.text(self.chat_id, text))

    async def press(self, label: str) -> str:
        return await self._reply_to(self.api.press(self.chat_id, label))

    async def document(self, content: bytes, name: str, mime: str = "application/pdf", **kwargs) -> str:
        return await self._reply_to(self.api.document(self.chat_id, content, name, mime, **kwargs))

    async def photo(self, content: bytes) -> str:
        return await self._reply_to(self.api.photo(self.chat_id, content))

    async def answer(self, answers: list) -> None:
        for answer in answers:
            if isinstance(answer, tuple):  # ("press", label)
                await self.press(answer[1])
            else:
                await self.say(answer)


def press(label: str) -> tuple[str, str]:
    return ("press", label)


ABOUT_YOU = [press("Yes"), "Maria Gonzalez", "maria@example.org", press("No")]
TRAINING_BEFORE_EVIDENCE = [
    "Global Mentoring Academy",
    press("Accredited Training Center"),
    "Foundations of Professional Mentoring",
    "52.5",
    "hybrid",
    "10 January 2024",
    "2024-03-20",
    "Dr. Amal Haddad",
    "amal@academy.example",
]
SUPERVISION = [
    "Sam Okafor",
    "sam.okafor@example.net",
    "12 Harbour Road, Dublin D02 X285, Ireland",
    press("Both"),
    press("Yes"),
    press("Yes"),
    press("Yes"),
]


def reference(number: int) -> list:
    return [
        f"Mentee {number}",
        f"mentee{number}@example.com",
        "2023-01-01",
        "2023-06-30",
        press("Internal (mentoring at work)"),
        "/skip",
    ]


async def test_a_complete_application_in_telegram(standin: TelegramStandIn, bot: BotProcess, storage: Storage):
    chat = Chat(standin)
    reply = await chat.say("/start")
    assert "Do you consent" in reply
    commands = standin.calls_to("setMyCommands")[0].params["commands"]
    assert {"command": "edit", "description": "change any answer"} in commands
    await chat.answer(ABOUT_YOU + TRAINING_BEFORE_EVIDENCE[:1])
    reply = await chat.press("Accredited Training Center")
    assert "✓ Center type: Accredited Training Center" in reply  # the reply says what was chosen
    await chat.answer(TRAINING_BEFORE_EVIDENCE[2:])
    assert len(standin.calls_to("answerCallbackQuery")) == 3  # every press is answered
    # and no message is edited to take its buttons away: Telegram would count each edit
    assert not standin.calls_to("editMessageText") and not standin.calls_to("editMessageReplyMarkup")
    before = stored_draft(storage, str(CHAT), "telegram").answers
    stale = await chat.press("Accredited Training Center")  # the keyboard of an earlier question
    assert stale.startswith("That button belongs to an earlier question or list, so I didn't use it.")
    assert stored_draft(storage, str(CHAT), "telegram").answers == before
    assert "✓ Evidence: certificate.pdf" in await chat.document(PDF, "certificate.pdf")

    reply = await chat.say("/back")
    assert "Saved answer: certificate.pdf" in reply
    await chat.press("Keep the saved answer")
    await chat.answer([press("Yes"), "/skip", "1 March 2023", "12"])
    await chat.answer(["Mentee 1", "mentee1@example.com", "2023-01-01", "2023-06-30", press("External")])
    assert "✓ Reference letter: photo.jpg" in await chat.photo(JPEG)
    await chat.answer([press("The mentee"), press("No")])
    for number in range(2, 6):
        await chat.answer(reference(number))
    await chat.answer(SUPERVISION)
    assert "Please review your application" in standin.replies(CHAT)[-1]

    await chat.say("/edit")
    await chat.press("Training")
    await chat.press("Training hours: 52.5")
    reply = await chat.say("60")
    assert "✓ Training hours: 60" in reply and "Please review your application" in reply
    assert "Submit your application now?" in await chat.press("Submit the application")
    reply = await chat.press("Submit now")
    assert "✓ Submitted. Your dossier CMM-000001" in reply

    with Session(storage.engine) as session:
        dossier = session.exec(select(Dossier)).one()
    assert dossier.content["training"]["training_hours"] == 60
    letter = dossier.content["experience"]["ref"][0]["letter"]
    assert (letter["name"], letter["mime"]) == ("photo.jpg", "image/jpeg")
    assert storage.files.read(letter["sha256"]) == JPEG


async def test_bad_input_unsafe_text_and_what_cannot_be_read(
    standin: TelegramStandIn, bot: BotProcess, storage: Storage
):
    chat = Chat(standin)
    await chat.say("hello")
    assert "please answer the question below with yes or no" in await chat.say("maybe")
    await chat.press("Yes")
    tricky = "Maria *_[`\\ <b>Gonzalez</b>"
    assert f"✓ Full name: {tricky}" in await chat.say(tricky)
    assert "doesn't look like an email address" in await chat.say("maria at example")
    await chat.say("maria@example.org")
    await chat.press("No")
    reply = await chat.say("x" * 4000)
    assert "That is 4000 characters; please keep it to 500." in reply
    await chat.answer(TRAINING_BEFORE_EVIDENCE)

    downloads = len(standin.calls_to("getFile"))
    reply = await chat.document(PDF, "huge.pdf", declared_size=25_000_000)
    assert "That file is 25 MB; the limit is 20 MB" in reply
    assert len(standin.calls_to("getFile")) == downloads  # too large for Telegram to hand over: not asked
    assert "not a PDF, JPEG or PNG" in await chat.document(b"plain text, not a certificate", "certificate.pdf")

    assert "I can't use stickers" in await chat._reply_to(
        standin.push(
            message=standin.message(
                CHAT,
                sticker={
                    "file_id": "s1",
                    "file_unique_id": "s1",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                },
            )
        )
    )
    assert "I can't use edits of earlier messages" in await chat._reply_to(
        standin.push(edited_message={**standin.message(CHAT, text="Maria"), "edit_date": 1})
    )
    assert stored_draft(storage, str(CHAT), "telegram").state == "training_evidence"

    group = Chat(standin, chat_id=-100777)
    assert "private chat only" in await group._reply_to(standin.text(-100777, "/start", chat_type="group"))
    with Session(storage.engine) as session:
        assert [a.channel_user_id for a in session.exec(select(Applicant))] == [str(CHAT)]
    assert all(len(text) <= 4096 for text in standin.replies(CHAT))


async def test_long_replies_are_split_at_line_boundaries(standin: TelegramStandIn, bot: BotProcess):
    chat = Chat(standin)
    await chat.say("/start")
    long = "Mentoring " * 49  # 490 characters, under the 500 allowed
    name = "Maria " * 19  # 114 characters, under the 120 allowed for a name
    await chat.answer(
        [
            press("Yes"),
            name,
            "maria@example.org",
            press("Yes"),
            long,
            long,
            press("Endorsed Training Provider"),
            long,
            "52",
            "hybrid",
            "2024-01-10",
            "2024-03-20",
            name,
            "amal@academy.example",
        ]
    )
    await chat.document(PDF, "certificate.pdf")
    await chat.answer([press("Yes"), long, "2020-01-01", "12"])
    for number in range(1, 6):
        await chat.answer(
            [f"{name}{number}", f"mentee{number}@example.com", "2023-01-01", "2023-06-30", press("External"), "/skip"]
        )
    address = "Mentoring " * 46 + "Road, Dublin, Ireland"  # 481 characters, in its parts
    await chat.answer([name, "sam.okafor@example.net", address] + SUPERVISION[3:-1])
    await standin.press(CHAT, "Yes")
    await standin.wait_until(lambda: standin.replies(CHAT)[-1].endswith("Submit, or edit an answer first."))
    before = len([call for call in standin.calls_to("sendMessage") if int(call.params["chat_id"]) == CHAT])
    await standin.text(CHAT, "/summary")  # every answer: longer than a Telegram message
    await standin.wait_until(lambda: standin.replies(CHAT)[-1].endswith("(/start shows the review again)."))
    parts = [call for call in standin.calls_to("sendMessage") if int(call.params["chat_id"]) == CHAT][before:]
    assert len(parts) >= 2
    assert all(len(call.params["text"]) <= 4096 for call in parts)
    assert all("reply_markup" not in call.params for call in parts[:-1])
    assert parts[-1].params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Submit the application"
    joined = "\n".join(call.params["text"] for call in parts)
    assert "Continuous learning: Yes" in joined and joined.startswith("About you")


async def test_killed_mid_application_resumes_with_nothing_lost(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path, storage: Storage
):
    first = await started(standin, bot_env, tmp_path / "first.log")
    chat = Chat(standin)
    await chat.say("/start")
    await chat.answer(ABOUT_YOU + TRAINING_BEFORE_EVIDENCE)
    await chat.document(PDF, "certificate.pdf")
    await standin.wait_until(lambda: not standin.unconfirmed())  # handled and confirmed: not sent again
    await first.kill()

    second = await started(standin, bot_env, tmp_path / "second.log")
    try:
        reply = await chat.say("/start")
        assert "Welcome back" in reply
        assert "Do you hold the Certified Professional Mentor (CPM) credential?" in reply
        draft = stored_draft(storage, str(CHAT), "telegram")
        assert draft.answers["training_evidence"]["name"] == "certificate.pdf"
        assert draft.answers["training_hours"] == 52.5
        assert "✓ Holds the CPM: Yes" in await chat.press("Yes")
    finally:
        await second.stop()


async def test_killed_before_its_reply_went_out_an_answer_is_applied_once_and_answered_after_restart(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path, storage: Storage
):
    first = await started(standin, bot_env, tmp_path / "first.log")
    chat = Chat(standin)
    await chat.say("/start")
    await chat.press("Yes")
    standin.failures["sendMessage"] += [(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})] * 2
    await standin.text(CHAT, "Maria Gonzalez")
    await standin.wait_until(lambda: [call for call in standin.calls if call.status == 502])
    assert stored_draft(storage, str(CHAT), "telegram").answers["full_name"] == "Maria Gonzalez"  # committed
    await first.kill()  # while the reply is being retried

    second = await started(standin, bot_env, tmp_path / "second.log")
    try:
        await standin.wait_until(lambda: "✓ Full name: Maria Gonzalez" in standin.replies(CHAT)[-1])
        assert "✓ Email: maria@example.org" in await chat.say("maria@example.org")
        assert stored_draft(storage, str(CHAT), "telegram").state == "is_member"
    finally:
        await second.stop()


async def test_killed_while_a_file_downloads_the_update_is_handled_after_restart(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path, storage: Storage
):
    first = await started(standin, bot_env, tmp_path / "first.log")
    chat = Chat(standin)
    await chat.say("/start")
    await chat.answer(ABOUT_YOU + TRAINING_BEFORE_EVIDENCE)
    standin.download_delay = 5.0
    await standin.document(CHAT, PDF, "certificate.pdf", "application/pdf")
    await standin.wait_until(lambda: standin.calls_to("getFile"))
    await first.kill()  # fetched from Telegram, not applied yet

    standin.download_delay = 0.0
    second = await started(standin, bot_env, tmp_path / "second.log")
    try:
        await standin.wait_until(lambda: "✓ Evidence: certificate.pdf" in standin.replies(CHAT)[-1])
        draft = stored_draft(storage, str(CHAT), "telegram")
        assert draft.answers["training_evidence"]["name"] == "certificate.pdf"
    finally:
        await second.stop()


async def test_rate_limit_and_network_errors(standin: TelegramStandIn, bot: BotProcess, storage: Storage):
    chat = Chat(standin)
    await chat.say("/start")
    await chat.press("Yes")
    await chat.say("Maria Gonzalez")
    assert "✓ Email" in await chat.say("maria@example.org")
    assert stored_draft(storage, str(CHAT), "telegram").state == "is_member"

    standin.failures["sendMessage"].append(
        (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            },
        )
    )
    standin.failures["sendMessage"].append((502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}))
    reply = await chat.press("No")
    assert "✓ IMC member: No" in reply
    refused = [call.status for call in standin.calls if call.method == "sendMessage" and call.status != 200]
    assert refused == [429, 502]
    assert stored_draft(storage, str(CHAT), "telegram").answers["is_member"] == "no"


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
async def test_the_log_shows_neither_the_token_nor_what_the_applicant_wrote(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path, level: str
):
    log = tmp_path / "bot.log"
    process = await started(standin, {**bot_env, "LOG_LEVEL": level}, log)
    try:
        chat = Chat(standin)
        await chat.say("/start")
        await chat.answer([press("Yes"), UNIQUE_NAME, UNIQUE_EMAIL, press("No")])
        await standin.wait_until(lambda: any("✓ IMC member: No" in reply for reply in standin.replies(CHAT)))
    finally:
        await process.stop()
    assert f" {level} " in log.read_text()  # it logged at that level
    assert_log_hides(log, [TOKEN, UNIQUE_NAME, UNIQUE_EMAIL])


async def test_a_rejected_token_stops_the_bot_without_showing_the_token(bot_env: dict[str, str]):
    wrong = "999999:WRONG-token"
    stopped = await asyncio.to_thread(run_bot, "telegram", env={**bot_env, "TELEGRAM_BOT_TOKEN": wrong})
    assert stopped.returncode != 0
    assert "The token `[TELEGRAM_BOT_TOKEN]` was rejected by the server." in stopped.stderr
    assert "WRONG-token" not in stopped.stderr + stopped.stdout


async def test_a_press_counts_though_telegram_refuses_its_answer(
    standin: TelegramStandIn, bot: BotProcess, storage: Storage
):
    chat = Chat(standin)
    await chat.say("/start")
    # A press handed out again after a restart is too old to answer.
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    standin.failures["answerCallbackQuery"].append((400, {"ok": False, "error_code": 400, "description": too_old}))
    assert "Thank you. Let's begin." in await chat.press("Yes")
    assert stored_draft(storage, str(CHAT), "telegram").answers == {"consent": "yes"}


async def test_a_reply_telegram_would_not_take_goes_out_once_it_does(
    standin: TelegramStandIn, bot: BotProcess, storage: Storage
):
    chat = Chat(standin)
    await chat.say("/start")
    await chat.press("Yes")
    bad_gateway = (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    standin.failures["sendMessage"] += [bad_gateway] * 4  # more than the sender's own retries
    update = await standin.text(CHAT, "Maria Gonzalez")
    await standin.wait_until(lambda: len(standin.failures["sendMessage"]) == 0)
    assert update in standin.unconfirmed()  # not answered: not confirmed either
    await standin.wait_until(lambda: "✓ Full name: Maria Gonzalez" in standin.replies(CHAT)[-1])
    await standin.wait_until(lambda: update not in standin.unconfirmed())
    assert stored_draft(storage, str(CHAT), "telegram").answers["full_name"] == "Maria Gonzalez"
    assert "✓ Email: maria@example.org" in await chat.say("maria@example.org")


async def test_webhook_mode_checks_the_secret_and_applies_an_update_once(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path, storage: Storage
):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    env = {
        **bot_env,
        "TELEGRAM_WEBHOOK_URL": url,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PORT": str(port),
        "LISTEN_HOST": "127.0.0.1",
    }
    process = BotProcess("telegram", env, tmp_path / "webhook.log")
    await process.start()
    try:
        await standin.wait_until(lambda: standin.calls_to("setWebhook"))
        await accepting(port)  # the library registers the webhook, then starts listening
        registered = standin.calls_to("setWebhook")[0].params
        assert (registered["url"], registered["secret_token"]) == (url, WEBHOOK_SECRET)
        update = {"update_id": 77, "message": standin.message(CHAT, text="yes")}
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 403
            assert standin.replies(CHAT) == []
            good = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
            for _ in range(2):  # Telegram sends again a webhook call it thinks failed
                async with http.post(url, json=update, headers=good) as response:
                    assert response.status == 200
                    # Answered once handled: the reply has gone out before Telegram hears 200.
                    assert "Thank you. Let's begin." in standin.replies(CHAT)[-1]
            second = {"update_id": 78, "message": standin.message(CHAT, text="Maria Gonzalez")}
            async with http.post(url, json=second, headers=good) as response:
                assert response.status == 200
            for body in (b"{not json", b"[1, 2]", b'{"update_id": "x", "message": 5}'):
                async with http.post(url, data=body, headers=good) as response:
                    assert response.status == 400
            async with http.post(url, data=b"{" + b" " * 10_000_000 + b"}", headers=good) as response:
                assert response.status == 413
        assert standin.replies(CHAT)[0] == standin.replies(CHAT)[1]  # the same update: the same reply
        assert "✓ Full name: Maria Gonzalez" in standin.replies(CHAT)[2]
        assert len(standin.replies(CHAT)) == 3
        assert stored_draft(storage, str(CHAT), "telegram").state == "email"
        assert process.process.returncode is None  # none of it stopped the bot
    finally:
        await process.stop()


async def test_one_chats_updates_in_order_while_chats_run_side_by_side(
    standin: TelegramStandIn, bot: BotProcess, storage: Storage
):
    chat_ids = [5551001, 5551002]
    for chat_id in chat_ids:
        chat = Chat(standin, chat_id)
        await chat.say("/start")
        await chat.answer(ABOUT_YOU + TRAINING_BEFORE_EVIDENCE)
    standin.download_delay = 0.5  # a slow download, so a later text could overtake the document
    for chat_id in chat_ids:  # sent at once, without waiting for replies
        await standin.document(chat_id, PDF, "certificate.pdf", "application/pdf")
        await standin.text(chat_id, "yes")
    counts = {chat_id: len(standin.replies(chat_id)) for chat_id in chat_ids}
    await standin.wait_until(lambda: all(len(standin.replies(c)) >= counts[c] + 2 for c in chat_ids))
    for chat_id in chat_ids:
        assert "✓ Evidence: certificate.pdf" in standin.replies(chat_id)[-2]
        assert "✓ Holds the CPM: Yes" in standin.replies(chat_id)[-1]
        assert stored_draft(storage, str(chat_id), "telegram").state == "cpm_number"


STAFF_CHAT = -100500
STAFF = 777
NO_PRIVATE_CHAT = "Forbidden: bot can't initiate conversation with a user"
OUTSIDER = 888


# Telegram's HTML and Markdown, which must reach staff and applicants as written.
MARKUP = "<b>Maria</b> *Gonzalez* [x](https://evil.example)"


async def complete_application(chat: Chat) -> None:
    await chat.say("/start")
    await chat.answer([press("Yes"), MARKUP, "maria@example.org", press("No"), *TRAINING_BEFORE_EVIDENCE])
    await chat.document(PDF, "certificate.pdf")
    await chat.answer([press("Yes"), "/skip", "1 March 2023", "12"])
    for number in range(1, 6):
        await chat.answer(reference(number))
    await chat.answer(SUPERVISION)
    await chat.press("Submit the application")
    await chat.press("Submit now")


async def test_staff_take_a_dossier_to_approval_in_the_staff_group(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path, storage: Storage
):
    env = {
        **bot_env,
        "TELEGRAM_STAFF_CHAT_ID": str(STAFF_CHAT),
        "STAFF_TELEGRAM_USER_IDS": f"{STAFF}, 779",
        "OUTBOX_POLL_SECONDS": "0.2",
        "OUTBOX_FIRST_RETRY_SECONDS": "0.3",
    }
    process = await started(standin, env, tmp_path / "staff.log")
    applicant = Chat(standin)

    def staff_said(text: str) -> bool:
        return any(text in reply for reply in standin.replies(STAFF_CHAT))

    def applicant_told(text: str) -> bool:
        return any(text in reply for reply in standin.replies(CHAT))

    try:
        standin.down_chats.add(STAFF_CHAT)  # the staff group can't be reached when the dossier comes in
        await complete_application(applicant)
        await standin.wait_until(lambda: any(call.status == 500 for call in standin.calls))
        standin.down_chats.clear()
        await standin.wait_until(lambda: len(standin.documents(STAFF_CHAT)) == 2)  # the PDF, then the evidence
        [notification] = standin.replies(STAFF_CHAT)  # delivered once, though the first try failed
        assert "New application CMM-000001 (version 1)" in notification
        assert f"Applicant: {MARKUP} <maria@example.org>" in notification
        assert "Not a member · fee 598 USD (due)" in notification and "review about 4–6 weeks" in notification
        assert "No reference letter for references 1, 2, 3, 4 and 5" in notification
        dossier_pdf, evidence = standin.documents(STAFF_CHAT)
        assert dossier_pdf["filename"] == "CMM-000001-v1.pdf" and dossier_pdf["content"].startswith(b"%PDF")
        assert evidence["filename"] == "01-certificate.pdf" and evidence["content"] == PDF
        await standin.wait_until(lambda: len(standin.documents(CHAT)) == 1)  # the applicant's copy
        assert standin.documents(CHAT) == [dossier_pdf]
        assert applicant_told("Your copy of application CMM-000001 (version 1), as submitted: CMM-000001-v1.pdf")

        await standin.press(STAFF_CHAT, "Approve", user_id=OUTSIDER)
        await standin.wait_until(
            lambda: any(call.params.get("show_alert") for call in standin.calls_to("answerCallbackQuery"))
        )
        refused = [call.params for call in standin.calls_to("answerCallbackQuery") if call.params.get("show_alert")]
        assert refused[0]["text"] == "Only IMC credentialing staff can do that."
        await standin.text(STAFF_CHAT, "/approve CMM-000001", chat_type="supergroup", user_id=OUTSIDER)
        await standin.wait_until(lambda: staff_said("Only IMC credentialing staff can do that."))
        with Session(storage.engine) as session:
            assert session.exec(select(Dossier)).one().status == "submitted"

        await standin.press(STAFF_CHAT, "Start review", user_id=STAFF)
        await standin.wait_until(lambda: applicant_told("IMC has started reviewing your application CMM-000001"))
        assert staff_said("CMM-000001 (version 1) is now in review")

        await standin.text(
            STAFF_CHAT,
            f"/request CMM-000001 training hours, Reference 2 mentee email -- Please confirm {MARKUP}",
            chat_type="supergroup",
            user_id=STAFF,
        )
        await standin.wait_until(lambda: applicant_told("IMC needs more information"))
        asked = standin.replies(CHAT)[-1]
        assert f"Note from IMC: Please confirm {MARKUP}" in asked and asked.endswith("(send keep to keep it)")
        assert "Reference 2 of 5\nWhat is the mentee's email address?" in await applicant.say("60")
        assert "Resubmit" in await applicant.say("jordan@example.com")
        assert "Resubmit now?" in await applicant.press("Resubmit the application")
        assert "✓ Resubmitted. Version 2" in await applicant.press("Submit now")

        await standin.wait_until(lambda: staff_said("Resubmitted application CMM-000001 (version 2)"))
        assert staff_said("Training · Training hours: 52.5 → 60")
        await standin.wait_until(lambda: len(standin.documents(STAFF_CHAT)) == 4)
        await standin.wait_until(lambda: len(standin.documents(CHAT)) == 2)
        assert standin.documents(CHAT)[1] == standin.documents(STAFF_CHAT)[2]  # version 2, as staff got it
        await standin.press(STAFF_CHAT, "Approve", user_id=STAFF)  # on the version 2 message
        await standin.wait_until(lambda: applicant_told("Congratulations! Your application CMM-000001 is approved"))
        await standin.text(STAFF_CHAT, "/queue", chat_type="supergroup", user_id=STAFF)
        await standin.wait_until(lambda: staff_said("Nothing waiting."))
        with Session(storage.engine) as session:
            versions = session.exec(select(Dossier).order_by(Dossier.version)).all()
        assert [(d.version, d.status) for d in versions] == [(1, "info_requested"), (2, "approved")]

        # A sign-in link to the web desk comes in the staff member's private chat, never the group.
        await standin.text(STAFF_CHAT, "/web", chat_type="supergroup", user_id=STAFF)
        await standin.wait_until(lambda: staff_said("I sent it to you in our private chat."))
        [link] = [reply for reply in standin.replies(STAFF) if "/sign-in/" in reply]
        assert not any("/sign-in/" in reply for reply in standin.replies(STAFF_CHAT))
        secret = link.rsplit("/sign-in/", 1)[1].strip()
        opened = WebAccess(storage, base_url="http://127.0.0.1").sign_in(secret)
        assert opened is not None and opened.signed_in.staff.startswith(f"telegram:{STAFF}")
        # Asked for in the private chat, it comes there; that is no applicant's message.
        await standin.text(STAFF, "/web", user_id=STAFF)
        await standin.wait_until(lambda: len([r for r in standin.replies(STAFF) if "/sign-in/" in r]) == 2)
        await asyncio.sleep(0.5)  # time for a welcome, had the engine taken it as an applicant's
        assert all("/sign-in/" in reply for reply in standin.replies(STAFF))
        # One who never opened a private chat with the bot is told to, in the group.
        standin.chat_failures[779] = [(403, {"ok": False, "error_code": 403, "description": NO_PRIVATE_CHAT})]
        await standin.text(STAFF_CHAT, "/web", chat_type="supergroup", user_id=779)
        await standin.wait_until(lambda: staff_said("I can't write to you privately yet."))
        await standin.text(STAFF_CHAT, "/web", chat_type="supergroup", user_id=OUTSIDER)
        await standin.wait_until(lambda: len([r for r in standin.replies(STAFF_CHAT) if "Only IMC" in r]) == 2)
        assert not standin.replies(OUTSIDER)
    finally:
        await process.stop()


SUPPORT_CHAT = -100600


async def test_a_question_goes_to_a_person_whose_reply_comes_back_and_can_join_the_faq(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path, storage: Storage
):
    env = {
        **bot_env,
        "TELEGRAM_SUPPORT_CHAT_ID": str(SUPPORT_CHAT),
        "OUTBOX_POLL_SECONDS": "0.2",
        "SUPPORT_TELEGRAM_USER_IDS": "555",
    }
    process = await started(standin, env, tmp_path / "support.log")
    applicant = Chat(standin)
    try:
        await applicant.say("/start")
        await applicant.answer([press("Yes"), "Maria Gonzalez"])
        question = "is there a dress code for the award ceremony?"
        before = len(answered(standin.replies(CHAT)))
        await standin.text(CHAT, question)
        await standin.wait_until(lambda: len(answered(standin.replies(CHAT))) >= before + 1)
        [unsure] = answered(standin.replies(CHAT))[before:]
        assert "I'm not sure I have the answer to that" in unsure
        assert unsure.endswith(
            "You can also just answer the question: What is your email address? IMC sends its decision there. "
            "(nothing is lost)."
        )  # not asked again under the list
        assert "passed your question to IMC's credentialing support" in await applicant.press("Ask a person")
        # The press is answered in two messages; the second asks the current question again.
        await standin.wait_until(lambda: standin.replies(CHAT)[-1].endswith("IMC sends its decision there."))
        await standin.wait_until(lambda: standin.replies(SUPPORT_CHAT))
        forwarded = next(m for m in standin.sent.values() if m["chat"]["id"] == SUPPORT_CHAT)
        assert question in forwarded["text"] and "(telegram, at About you · Email)" in forwarded["text"]

        told = len(standin.replies(CHAT))
        await standin.text(SUPPORT_CHAT, "anything goes!", chat_type="supergroup", user_id=556, reply_to=forwarded)
        await standin.wait_until(lambda: any("Only IMC's support team" in r for r in standin.replies(SUPPORT_CHAT)))
        assert len(standin.replies(CHAT)) == told  # nothing reached the applicant
        await standin.text(  # without the question in support's words: refused, nothing sent
            SUPPORT_CHAT, "/faq_add No dress code.", chat_type="supergroup", user_id=555, reply_to=forwarded
        )
        await standin.wait_until(lambda: any("Nothing was sent" in r for r in standin.replies(SUPPORT_CHAT)))
        await standin.text(
            SUPPORT_CHAT,
            "/faq_add@CmmBot Is there a dress code for the award ceremony?\n"
            "-- The page sets no dress code; IMC announces decisions by email.",
            chat_type="supergroup",
            user_id=555,
            reply_to=forwarded,
        )
        await standin.wait_until(lambda: len(standin.replies(CHAT)) > told)
        assert len(standin.replies(CHAT)) == told + 1
        relayed = standin.replies(CHAT)[-1]
        assert relayed.startswith(f"Answer from IMC's credentialing support to “{question}”:")
        assert relayed.endswith("\nThe page sets no dress code; IMC announces decisions by email.")
        await standin.wait_until(lambda: "added to the FAQ" in standin.replies(SUPPORT_CHAT)[-1])
        assert standin.replies(SUPPORT_CHAT)[-1].endswith("“Is there a dress code for the award ceremony?”")
        assert stored_draft(storage, str(CHAT), "telegram").state == "email"  # the application untouched

        now_answered = await applicant.say(question)
        assert now_answered.startswith("The page sets no dress code")
    finally:
        await process.stop()


def mapped_files(pid: int) -> str:
    """The files a process has mapped: its libraries' compiled modules among them."""
    return Path(f"/proc/{pid}/maps").read_text()


async def test_a_worker_asks_the_faq_process_and_never_loads_the_index(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path
):
    port = free_port()
    env = {**bot_env, "FAQ_URL": f"http://127.0.0.1:{port}"}
    faq = BotProcess("faq", {**env, "LISTEN_HOST": "127.0.0.1", "PORT": str(port)}, tmp_path / "faq.log")
    await faq.start()
    await accepting(port)
    worker = await started(standin, env, tmp_path / "worker.log")
    try:
        applicant = Chat(standin)
        await applicant.say("/start")
        await applicant.answer([press("Yes"), "Maria Gonzalez"])
        fee = next(entry.answer for entry in load() if entry.id == "fee-amount")
        before = len(answered(standin.replies(CHAT)))
        await standin.text(CHAT, "how much is the fee?")
        await standin.wait_until(lambda: len(answered(standin.replies(CHAT))) > before, 60)
        assert answered(standin.replies(CHAT))[before].startswith(fee)
        assert worker.process is not None and faq.process is not None
        # The index (scikit-learn, the sentence encoder's weights) is the FAQ process's alone.
        assert "sklearn" not in mapped_files(worker.process.pid)
        assert "sklearn" in mapped_files(faq.process.pid)
    finally:
        await worker.stop()
        await faq.stop()


async def test_a_bot_started_while_telegram_is_unreachable_waits_for_it(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path
):
    port = int(standin.url.rpartition(":")[2])
    await standin.stop()  # Telegram is away as the bot starts (say, restarted during an outage)
    process = BotProcess("telegram", bot_env, tmp_path / "bot.log")
    await process.start()
    try:
        # Longer than one call's own retries (about 4 s), after which the bot used to stop.
        await asyncio.sleep(6)
        assert process.process is not None and process.process.returncode is None  # still there, waiting
        await standin.start(port)
        await standin.wait_until(lambda: standin.calls_to("getUpdates"), 60)
        assert "Do you consent" in await Chat(standin).say("/start")
    finally:
        await process.stop()


async def test_a_bot_stopped_while_telegram_is_unreachable_stops_cleanly(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path
):
    await standin.stop()  # Telegram never comes back before the bot is stopped
    tries: list[int] = []
    tried_twice = asyncio.Event()

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        tries.append(1)
        if len(tries) >= 2:
            tried_twice.set()
        writer.close()

    # At Telegram's address, something that takes each connection and closes it, counting them:
    # Telegram unreachable, and the bot's tries seen without a timed wait.
    unreachable = await asyncio.start_server(hang_up, "127.0.0.1", urlparse(standin.url).port)
    log = tmp_path / "bot.log"
    process = BotProcess("telegram", bot_env, log)
    try:
        await process.start()
        await asyncio.wait_for(tried_twice.wait(), 30)  # a few tries at getMe, each opening a connection
        await process.stop()
    finally:
        unreachable.close()
    assert process.process is not None and process.process.returncode == 0
    assert " ERROR " not in log.read_text()  # e.g. "Unclosed client session"


async def test_a_review_in_the_web_desk_from_a_link_in_the_staff_chat(
    standin: TelegramStandIn, bot_env: dict[str, str], tmp_path: Path, storage: Storage
):
    """In a real Chromium: sign in by the link the staff chat gives, find the dossier, open its
    evidence, ask for information on two answers, see the applicant's version 2 with its changes,
    approve it and mark the fee paid; the applicant hears of each step in Telegram, and the staff
    chat agrees."""
    browser = chromium()  # before anything starts: skipped (or failed, in CI) without it
    port = free_port()
    desk = f"http://127.0.0.1:{port}"
    env = {
        **bot_env,
        "TELEGRAM_STAFF_CHAT_ID": str(STAFF_CHAT),
        "STAFF_TELEGRAM_USER_IDS": str(STAFF),
        "OUTBOX_POLL_SECONDS": "0.2",
        "WEB_BASE_URL": desk,
        "WEB_PORT": str(port),
        "LISTEN_HOST": "127.0.0.1",
    }
    bot = await started(standin, env, tmp_path / "bot.log")
    web = BotProcess("web", env, tmp_path / "web.log")
    await web.start()
    applicant = Chat(standin)

    def applicant_told(text: str) -> bool:
        return any(text in reply for reply in standin.replies(CHAT))

    try:
        await accepting(port)
        await complete_application(applicant)
        await standin.wait_until(lambda: len(standin.documents(STAFF_CHAT)) == 2)
        await standin.text(STAFF_CHAT, "/web", chat_type="supergroup", user_id=STAFF)
        await standin.wait_until(lambda: any("/sign-in/" in reply for reply in standin.replies(STAFF)))
        [link] = [word for reply in standin.replies(STAFF) for word in reply.split() if "/sign-in/" in word]
        assert link.startswith(f"{desk}/sign-in/")

        async with browser_page(browser, "web-desk-review") as page:
            await page.goto(link)
            await tab_to(page, "Sign in")  # the keyboard alone signs in
            await page.keyboard.press("Enter")
            await expect(page.get_by_text(f"Signed in as telegram:{STAFF}")).to_be_visible()
            assert await accessibility_problems(page) == []
            await page.get_by_label("Name, email or number").fill("maria@example")
            await page.get_by_role("button", name="Show").click()
            await page.get_by_role("link", name="CMM-000001").click()
            await expect(page.get_by_role("heading", name="CMM-000001 version 1")).to_be_visible()

            await expect(page.locator('iframe[title="01-certificate.pdf"]')).to_be_visible()
            # From here on the keyboard works the dossier's controls, as a staff member without a
            # mouse would (headless Chromium's PDF viewer, once loaded in the evidence frame, also
            # swallows the page's mouse clicks).
            async with page.expect_download() as downloading:
                await page.get_by_role("link", name="download").press("Enter")
            download = await downloading.value
            assert download.suggested_filename == "01-certificate.pdf"
            assert await asyncio.to_thread(Path(await download.path()).read_bytes) == PDF

            await page.get_by_role("button", name="Start review").press("Enter")
            await expect(page.get_by_role("status")).to_contain_text("The review has started")
            await page.get_by_label("Training · Training hours").press("Space")
            await page.get_by_label("Reference 2 · Mentee email").press("Space")
            await expect(page.get_by_label("Training · Training hours")).to_be_checked()
            await page.get_by_label("Note for the applicant", exact=True).fill("Please confirm these two.")
            await page.get_by_role("button", name="Request information").press("Enter")
            await expect(page.get_by_role("status")).to_contain_text("Information is requested")

            await standin.wait_until(lambda: applicant_told("IMC needs more information"))
            assert "Please confirm these two." in standin.replies(CHAT)[-1]
            assert "Reference 2 of 5\nWhat is the mentee's email address?" in await applicant.say("60")
            assert "Resubmit" in await applicant.say("jordan@example.com")
            await applicant.press("Resubmit the application")
            assert "✓ Resubmitted. Version 2" in await applicant.press("Submit now")

            await page.reload()
            await expect(page.get_by_role("heading", name="CMM-000001 version 2")).to_be_visible()
            assert await accessibility_problems(page) == []
            versions = page.get_by_role("table", name="Versions")
            await expect(versions).to_contain_text("Training · Training hours: 52.5 → 60")
            await expect(versions).to_contain_text("jordan@example.com")
            await page.get_by_role("button", name="Approve").press("Enter")
            await expect(page.get_by_role("status")).to_contain_text("Approved")
            await page.get_by_role("button", name="Mark the fee paid").press("Enter")
            await expect(page.get_by_role("status")).to_contain_text("The fee is marked paid")
            await expect(page.get_by_text("nothing more to decide")).to_be_visible()

            await standin.wait_until(lambda: applicant_told("Congratulations! Your application CMM-000001 is approved"))
            await standin.wait_until(lambda: applicant_told("IMC has received your application fee for CMM-000001"))
            await standin.text(STAFF_CHAT, "/queue", chat_type="supergroup", user_id=STAFF)
            await standin.wait_until(lambda: any("Nothing waiting." in r for r in standin.replies(STAFF_CHAT)))
            await page.get_by_role("link", name="Applications", exact=True).press("Enter")
            await expect(page.get_by_role("heading", name="Applications")).to_be_visible()
            await expect(page.get_by_text("CMM-000001")).to_have_count(0)

            await page.get_by_role("link", name="Funnel", exact=True).click()
            stages = page.get_by_role("table", name="People at each stage")
            await expect(stages.get_by_role("row", name="Approved 1", exact=True)).to_be_visible()
            await expect(stages.get_by_role("row", name="Not approved 0", exact=True)).to_be_visible()
            chart = page.get_by_role("img", name="Bar chart of the people at each stage", exact=False)
            await expect(chart).to_be_visible()
            drawn = await chart.element_handle()
            await page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=drawn)
            assert await accessibility_problems(page) == []
        with Session(storage.engine) as session:
            versions_kept = session.exec(select(Dossier).order_by(Dossier.version)).all()
        assert [(d.version, d.status, d.fee_status) for d in versions_kept] == [
            (1, "info_requested", "due"),
            (2, "approved", "paid"),
        ]
    finally:
        await web.stop()
        await bot.stop()
