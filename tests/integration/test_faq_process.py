"""The FAQ process (``python -m bot faq``): the workers ask it over HTTP instead of holding the
index; its answers are the index's own, entries support added included, and a worker that cannot
reach it offers a person instead of failing, and stops asking it for a while."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterator
from types import SimpleNamespace

import httpx
import pytest
from aiohttp import web

from bot import faq_client
from bot.channels.faq.server import faq_app
from bot.faq_client import RemoteMatcher
from conversations.application.asking import Asking
from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.support import relay as support
from conversations.support.faq.index import FaqIndex
from conversations.support.faq.knowledge import Result, load
from conversations.support.faq.matcher import LocalMatcher
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, stored_draft
from tests.conftest import Applicant as Talker
from tests.e2e.processes import free_port

ANSWERS = {entry.id: entry.answer for entry in load()}


@contextlib.contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """``app`` on loopback, on an event loop and a thread of its own."""
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.run_until_complete(runner.cleanup())
        loop.close()


@pytest.fixture
def faq_url(faq_index: FaqIndex, sqlite_storage: Storage) -> Iterator[str]:
    with serving(faq_app(LocalMatcher(load(), index=faq_index), sqlite_storage)) as url:
        yield url


def test_a_worker_asking_the_faq_process_gets_the_index_s_own_answers(
    faq_url: str, faq_index: FaqIndex, sqlite_storage: Storage
):
    remote = RemoteMatcher(faq_url)
    for question in ("how much is the fee?", "can I pay by card", "what is the weather tomorrow"):
        result = remote.ask(question, sqlite_storage, wait=False)
        assert result is not None and result.to_dict() == faq_index.ask(question).to_dict()
    engine = ConversationEngine(sqlite_storage, policy=Policy(), asking=Asking(matcher=remote))
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS)
    replies = engine.handle(talker.inbound("how much is the fee?"))
    assert replies[0].text.startswith(ANSWERS["fee-amount"])
    assert stored_draft(sqlite_storage).state == "center_name"


def test_an_entry_support_added_comes_whole_from_the_faq_process(faq_url: str, sqlite_storage: Storage):
    """Whole, not by its id: a worker on another database would give the id another entry."""
    with sqlite_storage.transaction() as tx:
        support.add_entry(
            tx, "Can my supervisor live in another country? -- Yes, the page sets no country rule.", by="s"
        )
    result = RemoteMatcher(faq_url).ask("can my supervisor live abroad?", sqlite_storage, wait=True)
    assert result is not None and result.answer is not None
    assert (result.answer.id, result.answer.question, result.answer.answer) == (
        "added-1",
        "Can my supervisor live in another country?",
        "Yes, the page sets no country rule.",
    )


def test_a_request_that_is_no_question_is_refused_with_what_is_expected(faq_url: str):
    for body in ({"wait": True}, {"question": "  "}, {"question": "x" * 5000}, [1, 2]):
        response = httpx.post(f"{faq_url}/ask", json=body)
        assert response.status_code == 400
        assert response.text.startswith('Expected JSON like {"question": "How much is the fee?", "wait": true}')
        assert "a question of 1 to 4096 characters" in response.text
    response = httpx.post(f"{faq_url}/ask", json={"question": "how much is the fee?", "wait": "yes"})
    assert response.status_code == 400 and "wait, if given, true" in response.text
    assert httpx.post(f"{faq_url}/ask", content=b"not json").status_code == 400
    ready = httpx.get(f"{faq_url}/ready")
    assert (ready.status_code, ready.text) == (200, "ready")


def test_a_worker_that_cannot_reach_the_faq_process_offers_a_person_and_warns_once(
    sqlite_storage: Storage, caplog: pytest.LogCaptureFixture
):
    remote = RemoteMatcher(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="bot.faq_client"):
        assert remote.ask("how much is the fee?", sqlite_storage, wait=False) == Result(None)
        talker = Talker(ConversationEngine(sqlite_storage, policy=Policy(), asking=Asking(matcher=remote)))
        talker.answer_all(APPLICANT_ANSWERS)
        reply = talker.say("how much is the fee?")
    assert "I'm not sure I have the answer to that" in reply and "/human" in reply
    assert "One moment" not in reply  # nothing is being got ready: it is away
    assert stored_draft(sqlite_storage).state == "center_name"
    assert len([record for record in caplog.records if "did not answer" in record.getMessage()]) == 1


def test_a_faq_process_that_hangs_is_not_asked_again_for_a_while(
    sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
):
    asked: list[str] = []
    released = threading.Event()

    async def hang(request: web.Request) -> web.Response:
        asked.append((await request.json())["question"])
        await asyncio.to_thread(released.wait, 10)
        return web.json_response({"result": None})

    app = web.Application()
    app.router.add_post("/ask", hang)
    now = [1000.0]
    monkeypatch.setattr(faq_client, "time", SimpleNamespace(monotonic=lambda: now[0]))
    monkeypatch.setattr(faq_client, "QUICK_SECONDS", 0.2)
    with serving(app) as url:
        remote = RemoteMatcher(url)
        for _ in range(3):
            assert remote.ask("how much is the fee?", sqlite_storage, wait=False) == Result(None)
        assert asked == ["how much is the fee?"]  # the second and third did not wait for it
        now[0] += faq_client.AWAY_SECONDS
        remote.ask("is there a deadline?", sqlite_storage, wait=False)
        assert asked[-1] == "is there a deadline?"  # the while is over: asked again
        released.set()
