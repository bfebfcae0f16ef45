"""One applicant message while it is handled, and the commands an applicant can type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from conversations.application.machine import Conversation, NavigationState
from conversations.application.side_menu import SideMenu
from conversations.messages import Inbound, Outbound
from storage.models import Applicant, Dossier, saved_id
from storage.unit_of_work import Transaction

if TYPE_CHECKING:
    from conversations.application.asking import LookedUp

# Menus and confirmations: places the applicant passes through, never a place to return to.
MENUS = (
    NavigationState.EDIT_GROUP,
    NavigationState.EDIT_FIELD,
    NavigationState.CONFIRM_CANCEL,
    NavigationState.CONFIRM_RESTART,
    NavigationState.CONFIRM_SUBMIT,
)


@dataclass(frozen=True)
class Withdrawn:
    """Nothing of the applicant is kept (they withdrew, or gave no consent): nothing is saved
    back, the reply asks no question, and ``files`` are deleted once that is committed."""

    files: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FormRefused:
    """A form with errors: nothing is applied or saved, the message is not marked as handled (it
    may be sent again), and there is no reply: ``errors`` (question key -> why) answer it."""

    errors: dict[str, str]


@dataclass
class Turn:
    """One message being handled: the draft on the machine, and the notes for the reply."""

    conversation: Conversation
    inbound: Inbound
    tx: Transaction
    applicant: Applicant | None
    looked_up: LookedUp | None = None  # what the message may ask the FAQ, looked up before the turn
    side_menu: SideMenu | None = None  # the list shown besides the question, read against this message first
    question_for_a_person: bool = False  # a bare /human asked for this message: a plain one is the question
    notes: list[str] = field(default_factory=list)  # said before the question, in the reply
    extra: list[Outbound] = field(default_factory=list)  # messages before the reply (e.g. an answer)
    outcome: Withdrawn | FormRefused | None = None  # None: the conversation goes on
    began_in: str = ""  # the conversation's state when the message came
    show_whole: bool = False  # the question is shown whole: the review, the welcome (on /start, or first)
    ask_again: bool = True  # False: the reply does not ask the question again (the turn's messages say all)

    @property
    def consented_applicant(self) -> Applicant:
        """The applicant, for what only happens after consent: before it, the engine handles the
        message alone (``ConversationEngine._before_consent``), and every command, answer and menu comes after."""
        if self.applicant is None:
            raise RuntimeError("this part of the conversation comes after consent, but there is no applicant")
        return self.applicant

    @property
    def applicant_id(self) -> int:
        return saved_id(self.consented_applicant)

    def submitted_dossier(self) -> Dossier:
        """The applicant's newest dossier, once the conversation is past submission (submitted, or
        reopened by IMC): the turn that submits writes the dossier."""
        dossier = self.tx.dossiers.latest(self.applicant_id)
        if dossier is None:
            raise RuntimeError(f"applicant {self.applicant_id} is past submission, but has no dossier")
        return dossier
