"""Credentialing staff in a Slack channel (``SLACK_STAFF_CHANNEL``): dossiers arrive with their PDF
and evidence and the buttons Start review · Request information · Approve · Reject; Request
information opens a modal to pick the questions and write a note; ``/cmm queue``, ``/cmm show 1``
and the other staff commands work in that channel. Only ``STAFF_SLACK_USER_IDS`` can act
(``conversations.staff.actions``, which this module renders)."""

from __future__ import annotations

import asyncio

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.text import SECTION_LIMIT, plain_sections, top_level_text
from bot.shared.text import split_message
from conversations.staff.actions import ACTIONS, NOT_MINE, REFUSED, QuestionsNeeded, StaffActions, press_of
from conversations.staff.desk import StaffDesk
from conversations.staff.web_access import WebAccess
from storage.models import Dossier, OutboxMessage

REQUEST_CALLBACK = "staff-request"


def staff_blocks(text: str, dossier: Dossier) -> list[dict]:
    blocks = plain_sections(text)
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": f"staff-{action}",
                    "text": {"type": "plain_text", "text": label},
                    "value": f"{dossier.id}:{dossier.version}",
                }
                for action, label in ACTIONS.items()
            ],
        }
    )
    return blocks


def request_modal(questions: QuestionsNeeded) -> dict:
    options = [
        {"text": {"type": "plain_text", "text": f"{step.group} · {step.field.label}"[:75]}, "value": step.key}
        for step in questions.requestable
    ][:100]
    return {
        "type": "modal",
        "callback_id": REQUEST_CALLBACK,
        "private_metadata": f"{questions.dossier_id}:{questions.version}",
        "title": {"type": "plain_text", "text": "Request information"},
        "submit": {"type": "plain_text", "text": "Send to applicant"},
        "blocks": [
            {
                "type": "input",
                "block_id": "questions",
                "label": {"type": "plain_text", "text": "Questions to reopen"},
                "element": {"type": "multi_static_select", "action_id": "value", "options": options},
            },
            {
                "type": "input",
                "block_id": "note",
                "optional": True,
                "label": {"type": "plain_text", "text": "Note for the applicant"},
                "element": {"type": "plain_text_input", "action_id": "value", "multiline": True},
            },
        ],
    }


class SlackStaff:
    def __init__(
        self,
        desk: StaffDesk,
        client: AsyncWebClient,
        *,
        channel: str,
        staff_ids: frozenset[str],
        web: WebAccess | None = None,
    ) -> None:
        self.actions = StaffActions(desk, platform="slack", allowed=staff_ids, web=web)
        self.client = client
        self.channel = channel

    async def deliver(self, message: OutboxMessage) -> None:
        """The outbox sender for "staff:slack"."""
        hand_off = await asyncio.to_thread(self.actions.hand_off, message.payload)
        posted = await self.client.chat_postMessage(
            channel=self.channel,
            text=top_level_text(hand_off.text),
            blocks=staff_blocks(hand_off.text, hand_off.dossier),
        )
        await self._upload([(hand_off.pdf_name, hand_off.pdf), *hand_off.evidence], thread_ts=posted["ts"])

    def _actor(self, user_id: str) -> str | None:
        return self.actions.actor(user_id, seen_as=f"Slack user {user_id}")

    async def say(self, text: str, thread_ts: str | None = None) -> None:
        """Plain text (applicants' answers are never read as Slack formatting), one message per
        section."""
        for part in split_message(text, limit=SECTION_LIMIT):
            await self.client.chat_postMessage(
                channel=self.channel, text=top_level_text(part), thread_ts=thread_ts, blocks=plain_sections(part)
            )

    async def _upload(self, files: list[tuple[str, bytes]], thread_ts: str | None = None) -> None:
        await self.client.files_upload_v2(
            channel=self.channel,
            thread_ts=thread_ts,
            file_uploads=[{"filename": name, "content": content, "title": name} for name, content in files],
        )

    async def _refuse(self, user_id: str) -> None:
        await self.client.chat_postEphemeral(channel=self.channel, user=user_id, text=REFUSED)

    async def on_button(self, ack: AsyncAck, body: dict, action: dict) -> None:
        await ack()
        user_id = body["user"]["id"]
        actor = self._actor(user_id)
        if actor is None:
            await self._refuse(user_id)
            return
        dossier_id, _, version = action.get("value", "").partition(":")
        press = press_of(action["action_id"].removeprefix("staff-"), dossier_id, version)
        pressed = await asyncio.to_thread(self.actions.press, press, actor=actor, credited=user_id) if press else None
        if pressed is None:
            await self.say(NOT_MINE)
        elif isinstance(pressed, QuestionsNeeded):
            await self.client.views_open(trigger_id=body["trigger_id"], view=request_modal(pressed))
        else:
            await self.say(pressed.text, (body.get("message") or {}).get("ts"))

    async def on_request_submitted(self, ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        actor = self._actor(user_id)
        if actor is None:
            await ack(response_action="errors", errors={"questions": REFUSED})
            return
        values = view["state"]["values"]
        keys = [option["value"] for option in values["questions"]["value"].get("selected_options") or []]
        note = values.get("note", {}).get("value", {}).get("value") or ""
        dossier_id, _, version = view["private_metadata"].partition(":")
        outcome = await asyncio.to_thread(
            self.actions.request, int(dossier_id), int(version), keys, note=note, actor=actor, credited=user_id
        )
        if not outcome.changed:
            await ack(response_action="errors", errors={"questions": outcome.text[:2000]})
            return
        await ack()
        await self.say(outcome.text)

    async def on_command(self, command: dict) -> None:
        """A /cmm command typed in the staff channel."""
        user_id = command["user_id"]
        actor = self._actor(user_id)
        if actor is None:
            await self._refuse(user_id)
            return
        reply = await asyncio.to_thread(self.actions.command, command.get("text", ""), actor=actor)
        if reply.private:  # a sign-in link: shown to the one who asked alone
            await self.client.chat_postEphemeral(
                channel=command.get("channel_id") or self.channel, user=user_id, text=reply.text, unfurl_links=False
            )
            return
        await self.say(reply.text)
        if reply.files:
            await self._upload(reply.files)
