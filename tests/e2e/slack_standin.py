"""A stand-in for Slack, served on 127.0.0.1 for the end-to-end tests: the Web API methods the
app calls (recorded, and made to fail on demand), private file downloads, and a Socket Mode
WebSocket. ``SlackUser`` sends what Slack would send to the app, signed with its secret."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from tests.e2e.recording import Call, RecordingServer

BOT_USER = "UBOT001"


@dataclass(kw_only=True)
class SlackStandIn(RecordingServer):
    token: str
    failures: dict[str, list[tuple[int, dict, dict]]] = field(default_factory=lambda: defaultdict(list))
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)  # id -> (name, content, mimetype)
    socket_acks: list[dict] = field(default_factory=list)
    download_delay: float = 0.0
    down_channels: set[str] = field(default_factory=set)  # every call about these channels answers 500
    # The next calls about a channel fail so, whatever their method: (status, headers, body).
    channel_failures: dict[str, list[tuple[int, dict, dict]]] = field(default_factory=lambda: defaultdict(list))
    uploads: dict[str, bytes] = field(default_factory=dict)  # file id -> bytes uploaded by the app

    def __post_init__(self) -> None:
        super().__post_init__()
        self._ts = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/{method}", self._method)
        app.router.add_get("/api/{method}", self._method)  # e.g. files.info is a GET
        app.router.add_get("/files/{file_id}", self._download)
        app.router.add_get("/socket", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)

    async def stop(self) -> None:
        for socket in self._sockets:
            await socket.close()
        await super().stop()

    async def _method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.method == "GET":
            params = dict(request.query)
        elif request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post())
            params.update(request.query)
        for key in ("blocks", "view"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        about = {params.get("channel"), params.get("channel_id")}
        failing = next((q for channel, q in self.channel_failures.items() if q and channel in about), None)
        if failing:
            status, headers, body = failing.pop(0)
            await self._record(Call(method, params, status))
            return web.json_response(body, status=status, headers=headers)
        if about & self.down_channels:
            await self._record(Call(method, params, 500))
            return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        if self.failures[method]:
            status, headers, body = self.failures[method].pop(0)
            await self._record(Call(method, params, status))
            return web.json_response(body, status=status, headers=headers)
        body = self._answer(method, params, request)
        await self._record(Call(method, params))
        return web.json_response(body)

    def _answer(self, method: str, params: dict[str, Any], request: web.Request) -> dict:
        if request.headers.get("Authorization") != f"Bearer {self.token}" and method != "apps.connections.open":
            return {"ok": False, "error": "invalid_auth"}  # Slack answers errors with HTTP 200
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://mentors.slack.com/",
                "team": "Mentors",
                "user": "cmm",
                "team_id": "T0001",
                "user_id": BOT_USER,
                "bot_id": "B0001",
            }
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            params["ts"] = ts  # kept with the call, so a test can press this message's buttons
            return {
                "ok": True,
                "channel": params["channel"],
                "ts": ts,
                "message": {
                    "type": "message",
                    "user": BOT_USER,
                    "ts": ts,
                    "text": params.get("text", ""),
                    "blocks": params.get("blocks", []),
                },
            }
        if method == "users.info":
            return {"ok": True, "user": {"id": params["user"], "name": "maria", "tz": "Europe/Dublin"}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{params['users']}"}}
        if method in ("views.open", "views.publish"):
            return {"ok": True, "view": {**params["view"], "id": f"V{next(self._ts)}", "hash": "h1"}}
        if method == "files.info":
            name, content, mimetype = self.files[params["file"]]
            return {
                "ok": True,
                "file": {
                    "id": params["file"],
                    "name": name,
                    "size": len(content),
                    "mimetype": mimetype,
                    "url_private_download": f"{self.url}/files/{params['file']}",
                },
            }
        if method == "files.getUploadURLExternal":
            file_id = f"FUP{next(self._ts)}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = params["files"] if isinstance(params["files"], list) else json.loads(params["files"])
            return {"ok": True, "files": [{"id": item["id"], "title": item.get("title")} for item in files]}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"{self.url.replace('http', 'ws')}/socket"}
        return {"ok": True}  # chat.update, ...

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        await self._record(Call("upload", {"file_id": request.match_info["file_id"]}))
        return web.Response(text="OK")

    def uploaded(self, channel: str) -> list[tuple[str, bytes]]:
        """(title, bytes) of the files the app shared in ``channel``."""
        shared = []
        for call in self.calls_to("files.completeUploadExternal"):
            if call.params.get("channel_id") == channel:
                files = (
                    call.params["files"] if isinstance(call.params["files"], list) else json.loads(call.params["files"])
                )
                shared += [(item.get("title"), self.uploads.get(item["id"], b"")) for item in files]
        return shared

    async def _download(self, request: web.Request) -> web.Response:
        _, content, mimetype = self.files[request.match_info["file_id"]]
        await asyncio.sleep(self.download_delay)
        await self._record(Call("download", {"file_id": request.match_info["file_id"]}))
        if request.headers.get("Authorization") != f"Bearer {self.token}" or mimetype == "text/html":
            # What Slack serves to a request without the token: its sign-in page.
            return web.Response(
                text="<!DOCTYPE html><html><body>Sign in to Slack</body></html>", content_type="text/html"
            )
        return web.Response(body=content, content_type=mimetype)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        async with self._changed:
            self._sockets.append(socket)
            self._changed.notify_all()
        await socket.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0001"}})
        async for message in socket:
            if message.type == aiohttp.WSMsgType.TEXT:
                async with self._changed:
                    self.socket_acks.append(json.loads(message.data))
                    self._changed.notify_all()
        return socket

    async def send_over_socket(self, envelope: dict) -> None:
        await self.wait_until(lambda: self._sockets)
        await self._sockets[-1].send_json(envelope)

    def posts(self, channel: str) -> list[Call]:
        return [call for call in self.calls_to("chat.postMessage") if call.params["channel"] == channel]


def text_of(call: Call) -> str:
    """What the applicant reads in a posted message: its sections, joined."""
    return "\n".join(block["text"]["text"] for block in call.params.get("blocks", []) if block["type"] == "section")


def buttons_of(call: Call) -> list[dict]:
    return [
        element
        for block in call.params.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


class SlackUser:
    """Someone in a DM with the app: sends signed events, interactions and commands."""

    def __init__(self, standin: SlackStandIn, app_url: str, secret: str, user_id: str = "U0MARIA") -> None:
        self.api = standin
        self.app_url = app_url
        self.secret = secret
        self.user_id = user_id
        self.channel = f"D{user_id}"
        self._ids = itertools.count(1)

    def signed(self, body: str, *, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        timestamp = timestamp or int(time.time())
        signature = SignatureVerifier(secret or self.secret).generate_signature(timestamp=str(timestamp), body=body)
        return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature}

    async def post(self, body: str, content_type: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                self.app_url, data=body.encode(), headers={"Content-Type": content_type, **(headers or {})}
            ) as response,
        ):
            return response.status, await response.text()

    def event(self, event: dict, event_id: str | None = None) -> str:
        return json.dumps(
            {
                "token": "legacy",
                "team_id": "T0001",
                "api_app_id": "A0001",
                "type": "event_callback",
                "event_id": event_id or f"Ev{self.user_id}{next(self._ids)}",
                "event_time": int(time.time()),
                "event": event,
            }
        )

    def message_event(self, text: str = "", **extra: Any) -> dict:
        return {
            "type": "message",
            "channel": self.channel,
            "channel_type": "im",
            "user": self.user_id,
            "text": text,
            "ts": f"{time.time():.6f}",
            **extra,
        }

    async def send_event(self, body: str, headers: dict[str, str] | None = None) -> int:
        status, _ = await self.post(body, "application/json", {**self.signed(body), **(headers or {})})
        return status

    async def _reply_to(self, send) -> str:
        before = len(self.api.posts(self.channel))
        status = await send
        assert status == 200, status
        await self.api.wait_until(lambda: len(self.api.posts(self.channel)) > before)
        return text_of(self.api.posts(self.channel)[before])

    async def say(self, text: str) -> str:
        return await self._reply_to(self.send_event(self.event(self.message_event(text))))

    async def share_file(self, content: bytes, name: str, mimetype: str) -> str:
        file_id = f"F{len(self.api.files) + 1:04d}"
        self.api.files[file_id] = (name, content, mimetype)
        event = self.message_event("", subtype="file_share", files=[{"id": file_id, "name": name}])
        return await self._reply_to(self.send_event(self.event(event)))

    async def interact(self, payload: dict) -> tuple[int, str]:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", self.signed(body))

    def _pressed(self, label: str) -> tuple[Call, dict]:
        for call in reversed(self.api.posts(self.channel)):
            for button in buttons_of(call):
                if button["text"]["text"] == label:
                    return call, button
        raise AssertionError(f"no button {label!r}")

    async def _press_payload(self, label: str) -> dict:
        call, button = self._pressed(label)
        return {
            "type": "block_actions",
            "user": {"id": self.user_id},
            "team": {"id": "T0001"},
            "trigger_id": f"trigger-{next(self._ids)}",
            "channel": {"id": self.channel},
            "container": {"type": "message", "channel_id": self.channel},
            "message": {
                "type": "message",
                "ts": call.params["ts"],
                "text": call.params["text"],
                "blocks": call.params["blocks"],
            },
            "actions": [{**button, "block_id": "b1", "action_ts": f"{time.time():.6f}"}],
        }

    async def press(self, label: str) -> str:
        payload = await self._press_payload(label)

        async def send() -> int:
            status, _ = await self.interact(payload)
            return status

        return await self._reply_to(send())

    async def open_form(self, label: str) -> dict:
        opened = len(self.api.calls_to("views.open"))
        status, _ = await self.interact(await self._press_payload(label))
        assert status == 200
        await self.api.wait_until(lambda: len(self.api.calls_to("views.open")) > opened)
        return self.api.calls_to("views.open")[-1].params["view"]

    async def submit_form(self, view: dict, answers: dict) -> tuple[int, str]:
        values = {}
        for block in view["blocks"]:
            kind = block["element"]["type"]
            raw = answers.get(block["block_id"], "")
            if kind == "datepicker":
                state = {"type": kind, "selected_date": raw or None}
            elif kind == "multi_static_select":
                state = {"type": kind, "selected_options": [{"value": value} for value in raw]}
            elif kind == "static_select":
                state = {"type": kind, "selected_option": {"value": raw} if raw else None}
            else:
                state = {"type": kind, "value": raw or None}
            values[block["block_id"]] = {"value": state}
        payload = {
            "type": "view_submission",
            "user": {"id": self.user_id},
            "team": {"id": "T0001"},
            "trigger_id": f"trigger-{next(self._ids)}",
            "view": {**view, "id": "V1", "hash": "h1", "state": {"values": values}},
        }
        return await self.interact(payload)

    async def command(self, text: str) -> str:
        """A /cmm command; what the bot posts in the channel in answer."""
        return await self._reply_to(self.send_command(text))

    async def send_command(self, text: str) -> int:
        """A /cmm command; the status of the request."""
        body = urlencode(
            {
                "command": "/cmm",
                "text": text,
                "user_id": self.user_id,
                "channel_id": self.channel,
                "team_id": "T0001",
                "trigger_id": f"trigger-{next(self._ids)}",
                "response_url": "https://hooks.example/x",
            }
        )
        status, _ = await self.post(body, "application/x-www-form-urlencoded", self.signed(body))
        return status
