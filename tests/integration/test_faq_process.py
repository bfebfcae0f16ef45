"""The FAQ process (``python -m bot faq``): the workers ask it over HTTP instead of holding the
index; its answers are the index's own, entries support added included, and a worker that cannot
reach it offers a person instead of failing."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator

import httpx
import pytest
from aiohttp import web

from bot.channels.faq.server import faq_app
from bot.faq_client import RemoteMatcher
from conversations.application.asking import Asking
from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.support import relay as support
from conversations.support.faq.index import FaqIndex
from conversations.support.faq.knowledge import load
from conversations.support.faq.matcher import LocalMatcher
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, stored_draft
from tests.conftest import Applicant as Talker
from tests.e2e.processes import free_port

ANSWERS = {entry.id: entry.answer for entry in load()}


@pytest.fixture
def faq_url(faq_index: FaqIndex, sqlite_storage: Storage) -> Iterator[str]:
    """The FAQ process's HTTP server, on loopback, on a thread of its own."""
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(faq_app(LocalMatcher(load(), index=faq_index), sqlite_storage))
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    serving = threading.Thread(target=loop.run_forever, daemon=True)
    serving.start()
    yield f"http://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    serving.join(10)
    loop.run_until_complete(runner.cleanup())
    loop.close()


def test_a_worker_asking_the_faq_process_gets_the_index_s_own_answers(
    faq_url: str, faq_index: FaqIndex, sqlite_storage: Storage
):
    remote = RemoteMatcher(faq_url, load())
    for question in ("how much is the fee?", "can I pay by card", "what is the weather tomorrow"):
        assert remote.ask(question, sqlite_storage, wait=False) == faq_index.ask(question)
    engine = ConversationEngine(sqlite_storage, policy=Policy(), asking=Asking(matcher=remote))
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS)
    replies = engine.handle(talker.inbound("how much is the fee?"))
    assert replies[0].text.startswith(ANSWERS["fee-amount"])
    assert stored_draft(sqlite_storage).state == "center_name"


def test_an_entry_support_added_is_answered_through_the_faq_process(faq_url: str, sqlite_storage: Storage):
    with sqlite_storage.transaction() as tx:
        support.add_entry(
            tx, "Can my supervisor live in another country? -- Yes, the page sets no country rule.", by="support"
        )
    result = RemoteMatcher(faq_url, load()).ask("can my supervisor live abroad?", sqlite_storage, wait=True)
    assert result is not None and result.answer is not None
    assert (result.answer.id, result.answer.answer) == ("added-1", "Yes, the page sets no country rule.")


def test_a_request_that_is_no_question_is_refused_with_what_is_expected(faq_url: str):
    for body in ({"wait": True}, {"question": "  "}, {"question": "x" * 5000}, [1, 2]):
        response = httpx.post(f"{faq_url}/ask", json=body)
        assert response.status_code == 400 and '{"question": "How much is the fee?"' in response.text
    assert httpx.post(f"{faq_url}/ask", content=b"not json").status_code == 400
    assert httpx.get(f"{faq_url}/ready").status_code == 200


def test_a_worker_that_cannot_reach_the_faq_process_offers_a_person_and_warns_once(
    sqlite_storage: Storage, caplog: pytest.LogCaptureFixture
):
    remote = RemoteMatcher(f"http://127.0.0.1:{free_port()}", load())  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="bot.faq_client"):
        assert remote.ask("how much is the fee?", sqlite_storage, wait=False) is None  # nobody waits for it
        talker = Talker(ConversationEngine(sqlite_storage, policy=Policy(), asking=Asking(matcher=remote)))
        talker.answer_all(APPLICANT_ANSWERS)
        reply = talker.say("how much is the fee?")
    assert "I'm not sure I have the answer to that" in reply and "/human" in reply
    assert stored_draft(sqlite_storage).state == "center_name"
    assert len([record for record in caplog.records if "did not answer" in record.getMessage()]) == 1
