"""The Slack channel, on slack-bolt's ``AsyncApp``: the conversation happens in the app's direct
messages; choices are Block Kit buttons; a reference or the supervision section can also be
filled in one modal; the App Home shows where the application stands.

It only translates. A request is acknowledged to Slack only once it is handled and answered
(``process_before_response``): Slack sends again an event it did not hear back about, so a
process stopped half way loses nothing. Each request's id (the event id, or the interaction's
trigger id) is the event id the engine applies once: an event sent again is answered with the
replies it got the first time, and one sent again while it is still being handled here changes
nothing and is answered as that first delivery turns out: 200 once it is handled and answered, an
error if its reply could not be posted (Slack then sends it again; answering it 200 at once lost
the reply when the first delivery failed after it).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.staff import REQUEST_CALLBACK, SlackStaff
from bot.channels.slack.support import SlackSupport
from bot.channels.slack.text import plain_sections, top_level_text
from bot.delivery.applicant_notices import ApplicantNotices
from bot.shared.interim import interim_on_loop
from bot.shared.text import chosen_line
from conversations.application.engine import ConversationEngine, Overview
from conversations.application.fields import Kind
from conversations.application.forms import Form, FormField
from conversations.keyed_lock import AsyncKeyedLocks
from conversations.messages import Inbound, IncomingFile, Outbound
from conversations.staff.desk import StaffDesk
from conversations.staff.web_access import WebAccess
from storage.models import OutboxMessage

CHANNEL = "slack"
# Words an applicant may type in the DM, or after /cmm, instead of the slash command.
COMMAND_WORDS = {"help", "status", "summary", "edit", "back", "cancel", "skip", "keep", "restart", "start"}
FORM_CALLBACK = "cmm-form"
_SEPARATOR = "|"
# Message subtypes that are not something the applicant said to the bot.
_IGNORED_SUBTYPES = {"bot_message", "message_deleted", "channel_join", "channel_leave", "message_replied"}
log = logging.getLogger(__name__)


def as_command(text: str) -> str:
    """``help`` -> ``/help``: the bare command words work in the DM too."""
    word = text.strip().casefold()
    return f"/{word}" if word in COMMAND_WORDS else text


def blocks_for(outbound: Outbound) -> list[dict]:
    """Plain-text sections (nothing typed is taken for formatting), then buttons."""
    blocks = plain_sections(outbound.text)
    buttons = [
        {
            "type": "button",
            "action_id": f"choice-{number}",
            "text": {"type": "plain_text", "text": choice.label[:75]},
            "value": f"{outbound.question}{_SEPARATOR}{choice.value}",
        }
        for number, choice in enumerate(outbound.choices)
    ]
    if outbound.form is not None:
        buttons.append(
            {
                "type": "button",
                "action_id": "open-form",
                "value": outbound.form.key,
                "text": {"type": "plain_text", "text": f"Fill in {outbound.form.title} in one form"[:75]},
            }
        )
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def modal_for(form: Form) -> dict:
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "private_metadata": form.key,
        "title": {"type": "plain_text", "text": form.title[:24]},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [_input_block(field) for field in form.fields],
    }


def _input_block(field: FormField) -> dict:
    element: dict[str, Any]
    if field.kind is Kind.DATE:
        element = {"type": "datepicker"}
        if field.value:
            element["initial_date"] = field.value
    elif field.kind in (Kind.CHOICE, Kind.YES_NO):
        options = [
            {"text": {"type": "plain_text", "text": option.label[:75]}, "value": option.value}
            for option in field.options
        ]
        element = {"type": "static_select", "options": options}
        chosen = next((option for option in options if option["value"] == field.value), None)
        if chosen:
            element["initial_option"] = chosen
    else:
        element = {"type": "plain_text_input"}
        if field.value is not None:
            element["initial_value"] = str(field.value)
        if field.example:
            element["placeholder"] = {"type": "plain_text", "text": f"e.g. {field.example}"[:150]}
    element["action_id"] = "value"
    return {
        "type": "input",
        "block_id": field.key,
        "optional": field.optional,
        "label": {"type": "plain_text", "text": field.label[:2000]},
        "hint": {"type": "plain_text", "text": field.prompt[:2000]},
        "element": element,
    }


def form_values(view: dict) -> dict[str, str]:
    """The raw answers of a submitted modal, by question key."""
    values = {}
    for block_id, actions in view["state"]["values"].items():
        state = actions.get("value", {})
        values[block_id] = (
            state.get("value") or state.get("selected_date") or (state.get("selected_option") or {}).get("value") or ""
        )
    return values


def home_view(overview: Overview) -> dict:
    if overview.dossier:
        status = f"Your application {overview.dossier} is {overview.status}."
    elif overview.status == "draft":
        status = "Your application is a draft: everything you entered is saved."
    else:
        status = "You have not started an application yet."
    lines = [f"{title}: {done}% done" for title, done in overview.progress.sections]
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Certified Master Mentor application"}},
        {"type": "section", "text": {"type": "plain_text", "text": status}},
        {"type": "section", "text": {"type": "plain_text", "text": "\n".join(lines)}},
    ]
    label = {"not started": "Start", "draft": "Continue"}.get(overview.status, "Show status")
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "home-continue",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": label},
                }
            ],
        }
    )
    return {"type": "home", "blocks": blocks}


@dataclass
class _InHand:
    """An event being handled: set ``done`` when it is over, ``answered`` if its replies went out."""

    done: asyncio.Event = field(default_factory=asyncio.Event)
    answered: bool = False


class SlackChannel:
    def __init__(
        self,
        engine: ConversationEngine,
        client: AsyncWebClient,
        notices: ApplicantNotices,
        *,
        max_file_bytes: int,
        staff: SlackStaff | None = None,
        support: SlackSupport | None = None,
    ) -> None:
        self.engine = engine
        self.client = client
        self.notices = notices
        self.max_file_bytes = max_file_bytes
        self.staff = staff
        self.support = support
        self._users = AsyncKeyedLocks()
        # Events being handled, by id: Slack's retry of one waits for how it turns out.
        self._in_hand: dict[str, _InHand] = {}
        self._dm_channels: dict[str, str] = {}
        self._time_zones: dict[str, str | None] = {}

    async def time_zone(self, user_id: str) -> str | None:
        """The user's time zone from their Slack profile (asked once per user), for reminders."""
        if user_id not in self._time_zones:
            try:
                self._time_zones[user_id] = (await self.client.users_info(user=user_id))["user"].get("tz")
            except SlackApiError as error:
                log.info("no time zone for %s: %s", user_id, error)
                self._time_zones[user_id] = None
        return self._time_zones[user_id]

    # -- applying messages -------------------------------------------------------------------

    async def apply(self, inbound: Inbound, dm_channel: str | None = None) -> None:
        """Hand one message to the engine, then post the reply in the DM; one user at a time."""
        async with self._users.hold(inbound.user_id):
            await self._apply(inbound, dm_channel)

    async def _apply(self, inbound: Inbound, dm_channel: str | None) -> None:
        interim = interim_on_loop(lambda outbound: self.post(inbound.user_id, [outbound], dm_channel))
        replies = await asyncio.to_thread(self.engine.handle, inbound, interim=interim)
        await self.post(inbound.user_id, replies, dm_channel)

    async def post(self, user_id: str, replies: list[Outbound], dm_channel: str | None = None) -> None:
        channel = dm_channel or await self._dm(user_id)
        for outbound in replies:
            await self.client.chat_postMessage(
                channel=channel, text=top_level_text(outbound.text), blocks=blocks_for(outbound)
            )
            if outbound.document is not None:
                document = outbound.document
                await self.client.files_upload_v2(
                    channel=channel, filename=document.name, content=document.content, title=document.name
                )

    async def _dm(self, user_id: str) -> str:
        if user_id not in self._dm_channels:
            opened = await self.client.conversations_open(users=user_id)
            self._dm_channels[user_id] = opened["channel"]["id"]
        return self._dm_channels[user_id]

    # -- listeners ---------------------------------------------------------------------------

    async def on_message(self, event: dict, body: dict) -> None:
        if self.support is not None and event.get("channel") == self.support.channel:
            await self.support.on_message(event)
            return
        subtype = event.get("subtype")
        if event.get("channel_type") != "im" or event.get("bot_id") or subtype in _IGNORED_SUBTYPES:
            return
        user_id = event.get("user") or (event.get("message") or {}).get("user")
        if not user_id:
            return
        event_id = body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"
        pending = self._in_hand.get(event_id)
        if pending is not None:  # Slack's retry of an event that is taking a while
            await pending.done.wait()
            if not pending.answered:
                raise RuntimeError(f"event {event_id} could not be answered; Slack is to send it again")
            return
        self._dm_channels[user_id] = event["channel"]
        self._in_hand[event_id] = in_hand = _InHand()
        try:
            await self._on_direct_message(event, user_id, event_id)
            in_hand.answered = True
        finally:
            in_hand.done.set()
            del self._in_hand[event_id]

    async def _on_direct_message(self, event: dict, user_id: str, event_id: str) -> None:
        subtype = event.get("subtype")
        async with self._users.hold(user_id):  # before a download, so a later message can't overtake
            if subtype == "message_changed":
                inbound = Inbound(CHANNEL, user_id, event_id, unsupported="edits of earlier messages")
            elif event.get("files"):
                inbound = Inbound(CHANNEL, user_id, event_id, file=await self._fetch(event["files"][0]))
            else:
                inbound = Inbound(CHANNEL, user_id, event_id, text=as_command(event.get("text") or ""))
            inbound = replace(inbound, time_zone=await self.time_zone(user_id))
            await self._apply(inbound, event["channel"])

    async def _fetch(self, shared: dict) -> IncomingFile:
        """Look the file up with files.info and download it with the bot token. Anything but the
        file itself (Slack answers a missing token with an HTML sign-in page) counts as not fetched."""
        try:
            info = (await self.client.files_info(file=shared["id"]))["file"]
        except SlackApiError as error:
            log.warning("file %s could not be looked up: %s", shared["id"], error)
            return IncomingFile(shared.get("name") or "file", None, size=0)
        name = info.get("name") or "file"
        size = int(info.get("size") or 0)
        if size > self.max_file_bytes:
            return IncomingFile(name, None, size=size)
        url = info.get("url_private_download") or info.get("url_private")
        headers = {"Authorization": f"Bearer {self.client.token}"}
        try:
            async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
                if response.status != 200 or response.content_type == "text/html":
                    log.warning(
                        "file %s: got %s %s instead of the file", shared["id"], response.status, response.content_type
                    )
                    return IncomingFile(name, None, size=0)
                content = await response.content.read(self.max_file_bytes + 1)
        except aiohttp.ClientError as error:
            log.warning("file %s could not be downloaded: %s", shared["id"], error)
            return IncomingFile(name, None, size=0)
        return IncomingFile(name, content)

    async def on_command(self, ack: AsyncAck, command: dict) -> None:
        await ack()
        if self.staff is not None and command.get("channel_id") == self.staff.channel:
            await self.staff.on_command(command)
            return
        text = command.get("text", "").strip() or "help"
        inbound = Inbound(CHANNEL, command["user_id"], f"command:{command['trigger_id']}", text=as_command(text))
        await self.apply(inbound)

    async def on_choice(self, ack: AsyncAck, body: dict, action: dict) -> None:
        await ack()
        user_id = body["user"]["id"]
        question, _, value = action["value"].partition(_SEPARATOR)
        await self._close_buttons(body, action)
        inbound = Inbound(CHANNEL, user_id, f"action:{body['trigger_id']}", text=value, choice_for=question)
        await self.apply(inbound, (body.get("channel") or {}).get("id"))

    async def _close_buttons(self, body: dict, action: dict) -> None:
        """Show the chosen answer under the question and take its buttons away."""
        message, channel = body.get("message"), (body.get("channel") or {}).get("id")
        if not message or not channel:
            return
        blocks = [block for block in message.get("blocks", []) if block.get("type") != "actions"]
        blocks.append(
            {"type": "context", "elements": [{"type": "plain_text", "text": chosen_line(action["text"]["text"])}]}
        )
        # The message's text comes back from Slack as it was posted: escaped already.
        await self.client.chat_update(channel=channel, ts=message["ts"], text=message.get("text", ""), blocks=blocks)

    async def on_open_form(self, ack: AsyncAck, body: dict, action: dict) -> None:
        await ack()
        user_id = body["user"]["id"]
        form = await asyncio.to_thread(self.engine.form, CHANNEL, user_id, action["value"])
        if form is None:
            await self.post(
                user_id,
                [Outbound("That form can't be filled in now; please answer in the chat.")],
                (body.get("channel") or {}).get("id"),
            )
            return
        await self.client.views_open(trigger_id=body["trigger_id"], view=modal_for(form))

    async def on_form_submitted(self, ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        inbound = Inbound(CHANNEL, user_id, f"form:{body.get('trigger_id') or view['id'] + view.get('hash', '')}")
        async with self._users.hold(user_id):
            result = await asyncio.to_thread(
                self.engine.submit_form, inbound, view["private_metadata"], form_values(view)
            )
            if result.errors:
                first = next(iter(view["state"]["values"]), "")
                errors = {key or first: message for key, message in result.errors.items()}
                await ack(response_action="errors", errors=errors)
                return
            await ack()
            await self.post(user_id, result.replies)

    async def on_home_opened(self, event: dict) -> None:
        overview = await asyncio.to_thread(self.engine.overview, CHANNEL, event["user"])
        await self.client.views_publish(user_id=event["user"], view=home_view(overview))

    async def on_home_continue(self, ack: AsyncAck, body: dict) -> None:
        await ack()
        await self.apply(Inbound(CHANNEL, body["user"]["id"], f"action:{body['trigger_id']}", text="/start"))

    async def deliver(self, message: OutboxMessage) -> None:
        """The outbox sender for "applicant:slack": a notice in the applicant's DM."""
        notice = await self.notices.read(message)
        async with self._users.hold(notice.user_id):
            await self.post(notice.user_id, [notice.outbound])


async def _acknowledge(ack: AsyncAck) -> None:
    await ack()


async def _ignore() -> None:
    """Events the app does not act on are still acknowledged, or Slack would retry them."""


def web_client(token: str, api_url: str, *, retries: int = 3) -> AsyncWebClient:
    client = AsyncWebClient(token=token, base_url=f"{api_url.rstrip('/')}/api/")  # the SDK wants the trailing /
    client.retry_handlers = [
        AsyncConnectionErrorRetryHandler(max_retry_count=retries),
        AsyncRateLimitErrorRetryHandler(max_retry_count=retries),  # waits out 429's Retry-After
    ]
    return client


def build_app(
    engine: ConversationEngine,
    *,
    token: str,
    api_url: str,
    signing_secret: str | None,
    max_file_bytes: int,
    desk: StaffDesk,
    staff_channel: str | None = None,
    staff_ids: frozenset[str] = frozenset(),
    web: WebAccess | None = None,
    support_channel: str | None = None,
    support_ids: frozenset[str] = frozenset(),
) -> tuple[AsyncApp, SlackChannel]:
    """The app, and the channel (which also delivers notices to applicants, and to staff when a
    staff channel is set)."""
    client = web_client(token, api_url)
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret or "",
        request_verification_enabled=signing_secret is not None,  # Socket Mode needs no signature
        process_before_response=True,  # acknowledged once handled: see the module's docstring
    )
    staff = SlackStaff(desk, client, channel=staff_channel, staff_ids=staff_ids, web=web) if staff_channel else None
    support = (
        SlackSupport(engine.storage, client, channel=support_channel, support_ids=support_ids)
        if support_channel
        else None
    )
    channel = SlackChannel(
        engine, client, ApplicantNotices(desk), max_file_bytes=max_file_bytes, staff=staff, support=support
    )
    if staff is not None:
        app.action(re.compile(r"^staff-"))(staff.on_button)
        app.view(REQUEST_CALLBACK)(staff.on_request_submitted)
    app.event("message")(channel.on_message)
    app.event("app_home_opened")(channel.on_home_opened)
    app.command("/cmm")(channel.on_command)
    app.action(re.compile(r"^choice-\d+$"))(channel.on_choice)
    app.action("open-form")(channel.on_open_form)
    app.action("home-continue")(channel.on_home_continue)
    app.view(FORM_CALLBACK)(channel.on_form_submitted)
    # Last: whatever else arrives is acknowledged (a 404 makes Slack retry, and disable the app).
    app.event(re.compile(".*"))(_ignore)
    app.action(re.compile(".*"))(_acknowledge)
    app.view(re.compile(".*"))(_acknowledge)
    app.shortcut(re.compile(".*"))(_acknowledge)
    app.command(re.compile(".*"))(_acknowledge)
    return app, channel
