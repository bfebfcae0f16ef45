"""The Bot API calls the Telegram channel makes through aiohttp (``AiohttpRequest``): a real
python-telegram-bot ``Bot`` against the Telegram stand-in on loopback sends a message with its
keyboard, uploads a document as a multipart form, downloads a file, and turns a Telegram that
does not answer in time into ``TimedOut`` and one out of reach into ``NetworkError``, which the
sender retries, and goes through the proxy the environment names."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut

from bot.channels.telegram.aiohttp_request import AiohttpRequest
from tests.e2e.telegram_standin import TelegramStandIn

TOKEN = "123:requests"
CHAT = 777


def bot_on(url: str, request: AiohttpRequest | None = None) -> Bot:
    return Bot(TOKEN, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot", request=request or AiohttpRequest())


@pytest.fixture
async def api() -> AsyncIterator[TelegramStandIn]:
    standin = TelegramStandIn(token=TOKEN)
    await standin.start()
    yield standin
    await standin.stop()


async def test_a_message_with_its_keyboard_arrives_and_comes_back_as_a_message(api: TelegramStandIn):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="member|yes")]])
    async with bot_on(api.url) as bot:
        sent = await bot.send_message(CHAT, "Are you an IMC member? Zoë", reply_markup=keyboard)
    assert sent.text == "Are you an IMC member? Zoë" and sent.chat.id == CHAT
    (call,) = api.calls_to("sendMessage")
    assert call.params["text"] == "Are you an IMC member? Zoë"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "member|yes"


async def test_a_document_is_uploaded_as_a_multipart_form(api: TelegramStandIn):
    content = b"%PDF-1.4 dossier"
    name = "01-Zoë's certificate (final).pdf"  # as the applicant named it, not percent-encoded
    async with bot_on(api.url) as bot:
        await bot.send_document(CHAT, content, filename=name, caption="Your copy")
    (call,) = api.calls_to("sendDocument")
    assert call.params["document"] == {"filename": name, "content": content}
    assert call.params["caption"] == "Your copy" and call.params["chat_id"] == str(CHAT)


async def test_a_file_the_applicant_sent_is_downloaded(api: TelegramStandIn):
    update = await api.document(CHAT, b"%PDF-1.4 certificate", "certificate.pdf", "application/pdf")
    file_id = update["message"]["document"]["file_id"]
    async with bot_on(api.url) as bot:
        telegram_file = await bot.get_file(file_id)
        assert bytes(await telegram_file.download_as_bytearray()) == b"%PDF-1.4 certificate"


@pytest.fixture
async def stalling() -> AsyncIterator[str]:
    """A Bot API that reads no request body and answers only after 3 seconds."""

    async def late(_request: web.Request) -> web.Response:
        await asyncio.sleep(3)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", late)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    await runner.cleanup()


async def test_no_answer_in_time_is_timed_out(stalling: str):
    request = AiohttpRequest(read_timeout=0.3)
    async with request:
        with pytest.raises(TimedOut):
            await bot_on(stalling, request).send_message(CHAT, "hello")


async def test_an_upload_that_stalls_is_timed_out(stalling: str):
    """aiohttp starts its read timeout once the body is sent: an upload the other end does not
    read is bounded as a whole (connect, pool, write and read timeouts one after another)."""
    request = AiohttpRequest(connect_timeout=0.2, pool_timeout=0.2, read_timeout=0.2, media_write_timeout=0.2)
    async with request:
        started = asyncio.get_running_loop().time()
        with pytest.raises(TimedOut):
            await bot_on(stalling, request).send_document(CHAT, b"x" * 32_000_000, filename="big.pdf")
    assert asyncio.get_running_loop().time() - started < 2.5  # not the 3 s the other end takes


async def test_telegram_out_of_reach_is_a_network_error():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    async with request:
        bot = bot_on(f"http://127.0.0.1:{port}", request)
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(CHAT, "hello")
    assert not isinstance(raised.value, TimedOut)
    assert "aiohttp.ClientConnectorError" in str(raised.value)


@pytest.fixture
async def proxy() -> AsyncIterator[tuple[str, list[str]]]:
    """An HTTP proxy that answers every Bot API call itself, and the calls it saw (host and path)."""
    seen: list[str] = []

    async def answer(request: web.Request) -> web.Response:
        seen.append(f"{request.host}{request.path}")
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}", seen  # type: ignore[union-attr]
    await runner.cleanup()


async def test_calls_go_through_the_proxy_the_environment_names(
    proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
):
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with AiohttpRequest() as request:
        assert await bot_on("http://telegram.invalid", request).delete_webhook() is True
        assert await bot_on("http://telegram.invalid", request).delete_webhook() is True
    assert seen == [f"telegram.invalid/bot{TOKEN}/deleteWebhook"] * 2


async def test_a_host_named_in_no_proxy_is_reached_directly(
    api: TelegramStandIn, proxy: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
):
    url, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with AiohttpRequest() as request:
        await bot_on(api.url, request).send_message(CHAT, "hello")
    assert seen == []
    (call,) = api.calls_to("sendMessage")
    assert call.params["text"] == "hello"
