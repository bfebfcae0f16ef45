"""What staff do from a chat platform, the same on every one: who may act, what a dossier's
buttons do, the staff commands, and what a dossier hand-off consists of. A channel adapter only
turns a platform's updates into these calls and renders what they return (buttons, blocks,
documents)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from conversations.application.fields import Step
from conversations.dossier.numbers import dossier_number, pdf_name, version_name
from conversations.staff import commands as staff_commands
from conversations.staff.desk import StaffDesk, StaffError
from conversations.staff.web_access import WebAccess
from storage.models import Dossier, saved_id

log = logging.getLogger(__name__)

# The buttons under a dossier's notification: action -> label.
ACTIONS = {"start_review": "Start review", "request": "Request information", "approve": "Approve", "reject": "Reject"}
REFUSED = "Only IMC credentialing staff can do that."
NOT_MINE = "That button is not one of mine; nothing was changed."
NO_DOSSIER = "That dossier does not exist; nothing was changed."


@dataclass(frozen=True)
class Press:
    """A staff button as pressed: an action on one version of a dossier."""

    action: str
    dossier_id: int
    version: int


def press_of(action: str, dossier_id: str, version: str) -> Press | None:
    """The press a button's parts stand for; None for parts no staff button carries."""
    if action not in ACTIONS or not dossier_id.isdigit() or not version.isdigit():
        return None
    return Press(action, int(dossier_id), int(version))


@dataclass(frozen=True)
class Outcome:
    """What a staff action did, as the sentence to tell staff; ``changed`` is False when nothing
    changed, and the sentence says why."""

    text: str
    changed: bool = True


@dataclass(frozen=True)
class QuestionsNeeded:
    """Request information, pressed: what to ask can't come with a button. ``hint`` says how to
    ask with a staff command; ``requestable`` are the questions that can be asked, for a platform
    that offers a form to choose them (then ``StaffActions.request`` asks them)."""

    dossier_id: int
    version: int
    number: str
    requestable: list[Step]

    @property
    def hint(self) -> str:
        keys = ", ".join(step.key for step in self.requestable)
        return (
            f"To ask the applicant of {self.number} for information, send:\n"
            f"/request {self.number} questions -- note\n"
            "Questions can be sections (Training), references (Reference 2) or single questions: "
            f"{keys}"
        )


@dataclass(frozen=True)
class HandOff:
    """A dossier version as staff receive it: the notification (shown with the buttons for
    ``dossier``), then the dossier's PDF, then the evidence files."""

    dossier: Dossier
    text: str
    pdf: bytes
    evidence: list[tuple[str, bytes]]

    @property
    def name(self) -> str:
        """What the version is called in file names and captions: ``CMM-000001-v2``."""
        return version_name(self.dossier)

    @property
    def pdf_name(self) -> str:
        return pdf_name(self.dossier)


class StaffActions:
    """Staff work on one platform (``telegram``, ``slack``), for the user ids ``allowed`` there;
    ``web`` gives them sign-in links to the web desk (none: it is not offered)."""

    def __init__(
        self, desk: StaffDesk, *, platform: str, allowed: frozenset[str], web: WebAccess | None = None
    ) -> None:
        self.desk = desk
        self.platform = platform
        self.allowed = allowed
        self.web = web

    def actor(self, user_id: str | None, *, seen_as: str, handle: str | None = None) -> str | None:
        """Who acts, as the dossier's history records it (``telegram:42 (@ana)``); None for
        someone who is not staff, which is logged with ``seen_as`` naming them."""
        if user_id is None or user_id not in self.allowed:
            log.warning("refused a staff action from %s", seen_as)
            return None
        return f"{self.platform}:{user_id}" + (f" (@{handle})" if handle else "")

    def hand_off(self, payload: dict) -> HandOff:
        """What the outbox message ``payload`` hands to staff."""
        submitted = self.desk.submission(payload)
        dossier = submitted.dossier
        return HandOff(
            dossier,
            self.desk.notification(dossier, submitted.changes),
            self.desk.pdf(dossier, submitted.changes),
            self.desk.evidence_files(dossier),
        )

    def press(self, press: Press, *, actor: str, credited: str = "") -> Outcome | QuestionsNeeded | None:
        """What pressing a button does: the outcome, or for Request information the questions
        still to choose; None when the button's dossier does not exist. ``credited`` names who
        pressed in the outcome."""
        dossier = self.desk.dossier(press.dossier_id)
        if dossier is None:
            return None
        if press.action == "request":
            return QuestionsNeeded(
                saved_id(dossier), dossier.version, dossier_number(dossier), self.desk.requestable(dossier)
            )
        try:
            changed = self.desk.act(dossier_number(dossier), press.action, actor=actor, version=press.version)
        except StaffError as error:
            return Outcome(str(error), changed=False)
        status = changed.status.replace("_", " ")
        return Outcome(
            f"{dossier_number(changed)} (version {changed.version}) is now {status}{_by(credited)}; "
            "the applicant is told."
        )

    def request(
        self, dossier_id: int, version: int, keys: Sequence[str], *, note: str, actor: str, credited: str = ""
    ) -> Outcome:
        """Ask the applicant of the dossier shown as ``dossier_id`` at ``version`` (what
        ``QuestionsNeeded`` offered) about the questions ``keys``, with ``note``."""
        shown = self.desk.dossier(dossier_id)
        if shown is None:
            return Outcome(NO_DOSSIER, changed=False)
        try:
            asked = self.desk.request_information(dossier_number(shown), keys, actor=actor, note=note, version=version)
        except StaffError as error:
            return Outcome(str(error), changed=False)
        return Outcome(f"{dossier_number(asked)}: asked the applicant about {len(keys)} question(s){_by(credited)}.")

    def command(self, text: str, *, actor: str) -> staff_commands.StaffReply:
        """A staff command typed by ``actor`` (see ``actor``)."""
        return staff_commands.run(self.desk, text, actor=actor, web=self.web)


def _by(credited: str) -> str:
    return f", by {credited}" if credited else ""
