"""A stand-in for the Telegram Bot API, served on 127.0.0.1 for the end-to-end tests.

It answers the methods the bot uses the way Telegram does, records every call, serves files
for download, and lets a test inject updates (messages, documents, photos, button presses),
make a method fail (429 with ``retry_after``, 502). As Telegram does, it hands an update out
again until a ``getUpdates`` offset confirms it; or, given ``webhooks``, it posts each update to
them in turn (a load balancer in front of several workers, round-robin), at once and each in its
own request, until one answers 200.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.e2e.recording import Call, RecordingServer

BOT_USER = {
    "id": 4242,
    "is_bot": True,
    "first_name": "CMM Assistant",
    "username": "cmm_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass(kw_only=True)
class TelegramStandIn(RecordingServer):
    token: str
    failures: dict[str, list[tuple[int, dict]]] = field(default_factory=lambda: defaultdict(list))
    files: dict[str, bytes] = field(default_factory=dict)
    sent: dict[int, dict] = field(default_factory=dict)  # message_id -> message the bot sent
    download_delay: float = 0.0
    down_chats: set[int] = field(default_factory=set)  # every call about these chats answers 500
    # The next calls about a chat fail so, whatever their method (e.g. 429s for the staff group only).
    chat_failures: dict[int, list[tuple[int, dict]]] = field(default_factory=lambda: defaultdict(list))
    # Webhook URLs the updates are posted to, in turn (empty: they wait for getUpdates).
    webhooks: list[str] = field(default_factory=list)
    webhook_secret: str = ""
    # When each getUpdates arrived (``time.perf_counter``): a call is recorded once it is answered,
    # a long poll up to a second later.
    polls_begun: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._next_webhook = itertools.count()
        self._posting: set[asyncio.Task] = set()
        self._http: aiohttp.ClientSession | None = None

    async def stop(self) -> None:
        for task in list(self._posting):
            task.cancel()
        if self._http is not None:
            await self._http.close()
            self._http = None
        await super().stop()

    async def _post_update(self, update: dict) -> None:
        """Post ``update`` to the next webhook until it answers 200 (Telegram tries again too)."""
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
        url = self.webhooks[next(self._next_webhook) % len(self.webhooks)]
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}
        while True:
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with self._http.post(url, json=update, headers=headers) as response:
                    if response.status == 200:
                        async with self._changed:
                            self._updates.remove(update)
                        return
            await asyncio.sleep(0.2)

    # -- serving -----------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        if self.failures[method]:
            status, body = self.failures[method].pop(0)
            await self._record(Call(method, params, status))
            return web.json_response(body, status=status)
        failing = next(
            (q for chat, q in self.chat_failures.items() if q and str(chat) == str(params.get("chat_id"))), None
        )
        if failing:
            status, body = failing.pop(0)
            await self._record(Call(method, params, status))
            return web.json_response(body, status=status)
        if str(params.get("chat_id")) in {str(chat) for chat in self.down_chats}:
            await self._record(Call(method, params, 500))
            return web.json_response(
                {"ok": False, "error_code": 500, "description": "Internal Server Error"}, status=500
            )
        if method == "getUpdates":
            result = await self._get_updates(params)
        else:
            result = self._answer(method, params)
        await self._record(Call(method, params))
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        # The library JSON-encodes values that are not strings (markup, ids, numbers); files come
        # as multipart parts.
        return {
            key: {"filename": value.filename, "content": value.file.read()}
            if isinstance(value, web.FileField)
            else _maybe_json(value)
            for key, value in form.items()
        }

    async def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        self.polls_begun.append(time.perf_counter())
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        async with self._changed:  # look and wait under the lock, so no push is missed in between
            # As Telegram does, an offset confirms the updates before it: they are never sent again.
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
            while True:
                ready = [update for update in self._updates if update["update_id"] >= offset]
                if ready or time.monotonic() >= deadline:
                    return ready
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), max(0.01, deadline - time.monotonic()))

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "sendDocument"):
            chat_id = int(params["chat_id"])
            message = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "from": BOT_USER,
                "chat": _chat(chat_id, "private" if chat_id > 0 else "supergroup"),
            }
            if method == "sendMessage":
                message["text"] = params["text"]
            else:
                message["document"] = {
                    "file_id": f"sent{message['message_id']}",
                    "file_unique_id": "x",
                    "file_name": params["document"]["filename"],
                }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self.sent[message["message_id"]] = message
            return message
        if method == "editMessageText":
            message = dict(self.sent[int(params["message_id"])], text=params["text"])
            message.pop("reply_markup", None)
            self.sent[message["message_id"]] = message
            return message
        if method == "editMessageReplyMarkup":
            message = dict(self.sent[int(params["message_id"])])
            message.pop("reply_markup", None)
            self.sent[message["message_id"]] = message
            return message
        if method == "getFile":
            file_id = params["file_id"]
            return {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}",
            }
        return True  # setMyCommands, deleteWebhook, setWebhook, answerCallbackQuery, ...

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        await asyncio.sleep(self.download_delay)
        await self._record(Call("download", {"file_id": file_id}))
        return web.Response(body=self.files[file_id])

    # -- updates a test injects --------------------------------------------------------------

    async def push(self, **content: Any) -> dict:
        update = {"update_id": next(self._update_ids), **content}
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        if self.webhooks:
            task = asyncio.create_task(self._post_update(update))
            self._posting.add(task)
            task.add_done_callback(self._posting.discard)
        return update

    def unconfirmed(self) -> list[dict]:
        """Updates the bot has not confirmed yet (Telegram would hand them out again)."""
        return list(self._updates)

    def message(self, chat_id: int, *, chat_type: str = "private", user_id: int | None = None, **content: Any) -> dict:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "from": _user(user_id or chat_id),
            "chat": _chat(chat_id, chat_type),
            **content,
        }

    async def text(
        self,
        chat_id: int,
        text: str,
        *,
        chat_type: str = "private",
        user_id: int | None = None,
        reply_to: dict | None = None,
    ) -> dict:
        content: dict[str, Any] = {"text": text}
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        if text.startswith("/"):  # Telegram marks commands, and the library relies on it
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return await self.push(message=self.message(chat_id, chat_type=chat_type, user_id=user_id, **content))

    async def document(
        self, chat_id: int, content: bytes, name: str, mime: str, *, declared_size: int | None = None
    ) -> dict:
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "mime_type": mime,
            "file_size": declared_size or len(content),
        }
        return await self.push(message=self.message(chat_id, document=document))

    async def photo(self, chat_id: int, content: bytes) -> dict:
        file_id = f"photo{len(self.files) + 1}"
        self.files[file_id] = content
        self.files[f"{file_id}-small"] = content[:10]
        sizes = [
            {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 10},
            {"file_id": file_id, "file_unique_id": "l", "width": 1280, "height": 960, "file_size": len(content)},
        ]
        return await self.push(message=self.message(chat_id, photo=sizes))

    async def press(self, chat_id: int, label: str, *, user_id: int | None = None) -> dict:
        """Press the button labelled ``label`` on the newest message to ``chat_id`` that has it."""
        for message in sorted(self.sent.values(), key=lambda m: -m["message_id"]):
            if message["chat"]["id"] != chat_id or "reply_markup" not in message:
                continue
            for row in message["reply_markup"]["inline_keyboard"]:
                for button in row:
                    if button["text"] == label:
                        return await self.push(
                            callback_query={
                                "id": f"cb{next(self._message_ids)}",
                                "from": _user(user_id or chat_id),
                                "chat_instance": "c1",
                                "data": button["callback_data"],
                                "message": message,
                            }
                        )
        raise AssertionError(f"no button {label!r} in chat {chat_id}")

    # -- what the bot did --------------------------------------------------------------------

    def documents(self, chat_id: int) -> list[dict]:
        return [
            call.params["document"] for call in self.calls_to("sendDocument") if int(call.params["chat_id"]) == chat_id
        ]

    def replies(self, chat_id: int) -> list[str]:
        return [call.params["text"] for call in self.calls_to("sendMessage") if int(call.params["chat_id"]) == chat_id]


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _user(user_id: int) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "Maria", "language_code": "en"}


def _chat(chat_id: int, chat_type: str = "private") -> dict:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": "Maria"}
    return {"id": chat_id, "type": chat_type, "title": "Mentors"}
