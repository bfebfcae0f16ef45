"""Credentialing staff in a Slack channel (``SLACK_STAFF_CHANNEL``): dossiers arrive with their PDF
and evidence and the buttons Start review · Request information · Approve · Reject; Request
information opens a modal to pick the questions and write a note; ``/cmm queue``, ``/cmm show 1``
and the other staff commands work in that channel. Only ``STAFF_SLACK_USER_IDS`` can act."""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.text import SECTION_LIMIT, plain_sections, top_level_text
from bot.channels.text import split_message
from conversations.dossier_numbers import dossier_number
from conversations.staff import commands as staff_commands
from conversations.staff.desk import StaffDesk, StaffError
from storage.models import Dossier, OutboxMessage

log = logging.getLogger(__name__)
ACTIONS = {"start_review": "Start review", "request": "Request information", "approve": "Approve", "reject": "Reject"}
REQUEST_CALLBACK = "staff-request"
REFUSED = "Only IMC credentialing staff can do that."


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


def request_modal(desk: StaffDesk, dossier: Dossier) -> dict:
    options = [
        {"text": {"type": "plain_text", "text": f"{step.group} · {step.field.label}"[:75]}, "value": step.key}
        for step in desk.requestable(dossier)
    ][:100]
    return {
        "type": "modal",
        "callback_id": REQUEST_CALLBACK,
        "private_metadata": f"{dossier.id}:{dossier.version}",
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
    def __init__(self, desk: StaffDesk, client: AsyncWebClient, *, channel: str, staff_ids: frozenset[str]) -> None:
        self.desk = desk
        self.client = client
        self.channel = channel
        self.staff_ids = staff_ids

    async def deliver(self, message: OutboxMessage) -> None:
        """The outbox sender for "staff:slack"."""
        dossier = await asyncio.to_thread(self.desk.reported_dossier, message.payload["dossier_id"])
        changes = message.payload.get("changes", [])
        text = await asyncio.to_thread(self.desk.notification, dossier, changes)
        export = await asyncio.to_thread(self.desk.export_of, dossier, changes)
        posted = await self.client.chat_postMessage(
            channel=self.channel, text=top_level_text(text), blocks=staff_blocks(text, dossier)
        )
        name = f"{dossier_number(dossier)}-v{dossier.version}"
        files = [(f"{name}.pdf", export.pdf), *await asyncio.to_thread(self.desk.evidence_files, dossier)]
        await self.client.files_upload_v2(
            channel=self.channel,
            thread_ts=posted["ts"],
            file_uploads=[{"filename": filename, "content": content, "title": filename} for filename, content in files],
        )

    def allowed(self, user_id: str) -> bool:
        if user_id in self.staff_ids:
            return True
        log.warning("refused a staff action from Slack user %s", user_id)
        return False

    async def say(self, text: str, thread_ts: str | None = None) -> None:
        """Plain text (applicants' answers are never read as Slack formatting), one message per
        section."""
        for part in split_message(text, limit=SECTION_LIMIT):
            await self.client.chat_postMessage(
                channel=self.channel, text=top_level_text(part), thread_ts=thread_ts, blocks=plain_sections(part)
            )

    async def on_button(self, ack: AsyncAck, body: dict, action: dict) -> None:
        await ack()
        user_id = body["user"]["id"]
        if not self.allowed(user_id):
            await self.client.chat_postEphemeral(channel=self.channel, user=user_id, text=REFUSED)
            return
        kind = action["action_id"].removeprefix("staff-")
        dossier_id, _, version = action.get("value", "").partition(":")
        dossier = await asyncio.to_thread(self.desk.dossier, int(dossier_id)) if dossier_id.isdigit() else None
        if dossier is None or kind not in ACTIONS or not version.isdigit():
            await self.say("That button is not one of mine; nothing was changed.")
            return
        if kind == "request":
            modal = await asyncio.to_thread(request_modal, self.desk, dossier)
            await self.client.views_open(trigger_id=body["trigger_id"], view=modal)
            return
        actor = f"slack:{user_id}"
        try:
            changed = await asyncio.to_thread(
                lambda: self.desk.act(dossier_number(dossier), kind, actor=actor, version=int(version))
            )
        except StaffError as error:
            await self.say(str(error), (body.get("message") or {}).get("ts"))
            return
        await self.say(
            f"{dossier_number(changed)} (version {changed.version}) is now {changed.status.replace('_', ' ')}, "
            f"by {user_id}; the applicant is told.",
            (body.get("message") or {}).get("ts"),
        )

    async def on_request_submitted(self, ack: AsyncAck, body: dict, view: dict) -> None:
        user_id = body["user"]["id"]
        if not self.allowed(user_id):
            await ack(response_action="errors", errors={"questions": REFUSED})
            return
        values = view["state"]["values"]
        keys = [option["value"] for option in values["questions"]["value"].get("selected_options") or []]
        note = values.get("note", {}).get("value", {}).get("value") or ""
        dossier_id, _, version = view["private_metadata"].partition(":")
        shown = await asyncio.to_thread(self.desk.dossier, int(dossier_id))
        if shown is None:
            await ack(
                response_action="errors", errors={"questions": "That dossier does not exist; nothing was changed."}
            )
            return
        try:
            dossier = await asyncio.to_thread(
                lambda: self.desk.request_information(
                    dossier_number(shown), keys, actor=f"slack:{user_id}", note=note, version=int(version)
                )
            )
        except StaffError as error:
            await ack(response_action="errors", errors={"questions": str(error)[:2000]})
            return
        await ack()
        await self.say(f"{dossier_number(dossier)}: asked the applicant about {len(keys)} question(s), by {user_id}.")

    async def on_command(self, command: dict) -> None:
        """A /cmm command typed in the staff channel."""
        user_id = command["user_id"]
        if not self.allowed(user_id):
            await self.client.chat_postEphemeral(channel=self.channel, user=user_id, text=REFUSED)
            return
        reply = await asyncio.to_thread(
            staff_commands.run, self.desk, command.get("text", ""), actor=f"slack:{user_id}"
        )
        await self.say(reply.text)
        if reply.files:
            await self.client.files_upload_v2(
                channel=self.channel,
                file_uploads=[{"filename": name, "content": content, "title": name} for name, content in reply.files],
            )
