"""The conversation engine: one applicant message in, the bot's reply out.

For each message it takes the applicant's lock, opens one transaction (which also locks the
applicant's row), skips a message it has seen before, restores the draft on the shared state
machine, applies the message, and saves the draft, the message id and any dossier in that same
transaction, before the reply is returned. Nothing here knows which channel is talking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError

from conversations.application import prompts
from conversations.application.asking import Asking, Interim, LookedUp, Reading
from conversations.application.evidence import let_go_of_unused_files, may_leave_unused_files
from conversations.application.flow import CONSENT, Flow
from conversations.application.forms import Form, FormResult, build_form, form_steps
from conversations.application.machine import CHOICES_ABOUT_A_QUESTION, Conversation, NavigationState, build_machine
from conversations.application.navigation import Navigation
from conversations.application.ordering import (
    EarlierFirst,
    Patience,
    answered_before,
    record_answered,
    record_arrival,
)
from conversations.application.policy import Policy
from conversations.application.side_menu import SideMenu
from conversations.application.summary import Completion, completion
from conversations.application.turn import MENUS, FormRefused, Turn, Withdrawn
from conversations.application.validators import YES_NO, Invalid, choice, choice_number
from conversations.commands import Command, parse_command
from conversations.dossier.numbers import dossier_number
from conversations.keyed_lock import KeyedLocks
from conversations.messages import Inbound, Outbound, outbound_from_dict, outbound_to_dict
from conversations.notices import STAFF_FOLDER
from conversations.text_hygiene import clean_form, clean_inbound
from storage.models import Applicant, saved_id
from storage.unit_of_work import Storage, Transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Overview:
    """``status``: "not started", "draft", or the submitted dossier's status;
    ``progress``: how far the draft has come, overall and per section (``completion``)."""

    status: str
    progress: Completion
    dossier: str | None


class ConversationEngine:
    def __init__(
        self,
        storage: Storage,
        *,
        policy: Policy,
        flow: Flow | None = None,
        staff_destinations: Sequence[str] = (STAFF_FOLDER,),
        asking: Asking | None = None,
    ) -> None:
        self.storage = storage
        self.asking = asking or Asking()
        self.policy = policy
        self.flow = flow or Flow()
        self.machine = build_machine(self.flow)
        self.nav = Navigation(
            self.flow, policy=policy, asking=self.asking, files=storage.files, staff_destinations=staff_destinations
        )
        self._locks = KeyedLocks()

    def handle(self, inbound: Inbound, *, interim: Interim | None = None, arrived: bool = False) -> list[Outbound]:
        """Apply one message and return the reply; a message seen before returns nothing.

        ``interim`` sends a message at once, before the reply: a question asked while the FAQ
        index is still being made is answered with "one moment" first, then when it is ready.
        ``arrived``: the channel recorded the message's arrival already (``arrived``)."""
        replies, _ = self._guarded(inbound, self._dispatch, interim, arrived=arrived)
        return replies

    def submit_form(self, inbound: Inbound, key: str, values: dict[str, str]) -> FormResult:
        """Answer the questions of form ``key`` at once (``values``: question key -> raw text).

        Either every answer passes and all are saved, or nothing is saved and ``errors`` says,
        per question, what is wrong."""
        values, refused = clean_form(values)
        if refused:
            return FormResult(refused, [])
        replies, errors = self._guarded(inbound, lambda turn: self.nav.submit_form(turn, key, values))
        return FormResult(errors, replies)

    def form(self, channel: str, user_id: str, key: str) -> Form | None:
        """The questions of form ``key`` with their saved answers, or None if it can't be filled now."""
        with self.storage.transaction() as tx:
            _, draft = tx.applicants.with_draft(channel, user_id)
            if draft is None or draft.state == NavigationState.SUBMITTED:
                return None
            steps = form_steps(self.flow, key, draft.answers, today=tx.now.date(), policy=self.policy)
            return build_form(key, steps, draft.answers) if steps else None

    def overview(self, channel: str, user_id: str) -> Overview:
        """Where an applicant stands, for a channel's home screen."""
        with self.storage.transaction() as tx:
            applicant, draft = tx.applicants.with_draft(channel, user_id)
            answers = dict(draft.answers) if draft else {}
            dossier = tx.dossiers.latest(saved_id(applicant)) if applicant else None
            today = tx.now.date()
        progress = completion(self.flow, answers, today=today, policy=self.policy)
        if draft is None:
            return Overview("not started", progress, None)
        if dossier is not None and draft.state == NavigationState.SUBMITTED:
            return Overview(dossier.status, progress, dossier_number(dossier))
        return Overview("draft", progress, None)

    def arrived(self, inbound: Inbound) -> None:
        """Note that ``inbound`` came in, so that a later message of the same person received
        elsewhere waits for it (``ordering.py``); ``handle`` does it too."""
        record_arrival(self.storage, inbound)

    def may_answer(self, inbound: Inbound) -> bool:
        """Whether the replies to ``inbound`` may go out: an earlier message's have (``ordering.py``)."""
        return answered_before(self.storage, inbound)

    def answered(self, inbound: Inbound) -> None:
        """The replies to ``inbound`` went out (``ordering.py``)."""
        record_answered(self.storage, inbound)

    def _guarded(
        self, inbound: Inbound, action: Callable[[Turn], None], interim: Interim | None = None, *, arrived: bool = False
    ) -> tuple[list[Outbound], dict[str, str]]:
        try:
            inbound = clean_inbound(inbound)  # what can't be stored is refused like a sticker
            # First: the sooner its arrival is known, the fewer overtake it.
            patience = Patience(self.storage, inbound, recorded=arrived)
            # Before the lock and the transaction: looking up may wait for the FAQ index.
            looked_up = self.asking.prepare(inbound, self.storage, interim)
            while True:
                try:
                    with self._locks.hold((inbound.channel, inbound.user_id)):
                        try:
                            return self._handle(inbound, action, looked_up, patience)
                        except IntegrityError:
                            # Another process applied a message of this applicant (or this very
                            # message) at the same moment; run again on what it committed.
                            log.info("retrying %s/%s after a concurrent write", inbound.channel, inbound.event_id)
                            return self._handle(inbound, action, looked_up, patience)
                except EarlierFirst:
                    patience.wait()  # without the lock: the earlier message needs it
        except Exception:
            # Nothing of this message was committed, so nothing is half-saved; the applicant
            # hears so instead of silence, and the message may be sent (or redelivered) again.
            log.exception("could not handle message %s/%s", inbound.channel, inbound.event_id)
            return [Outbound(prompts.TRY_AGAIN)], {}

    def _handle(
        self, inbound: Inbound, action: Callable[[Turn], None], looked_up: LookedUp | None, patience: Patience
    ) -> tuple[list[Outbound], dict[str, str]]:
        with self.storage.transaction() as tx:
            processed = tx.inbox.processed(inbound.channel, inbound.event_id)
            if processed is not None:
                # Redelivered: the platform was not told it was handled, so its replies may not
                # have gone out. They go again; nothing is applied again.
                patience.applied(tx)
                return [outbound_from_dict(reply) for reply in processed.replies or ()], {}
            patience.check(tx)
            applicant, draft = tx.applicants.with_draft(inbound.channel, inbound.user_id)
            answers_before: dict = {}
            if applicant is None or draft is None:  # with_draft finds both or neither
                turn = self._new_turn(inbound, tx, None, state=CONSENT, answers={}, context={}, looked_up=looked_up)
                self._before_consent(turn)
            else:
                if inbound.time_zone and inbound.time_zone != applicant.time_zone:
                    applicant.time_zone = inbound.time_zone  # for reminders at sensible hours
                answers_before = draft.answers
                turn = self._new_turn(
                    inbound,
                    tx,
                    applicant,
                    state=draft.state,
                    answers=dict(draft.answers),
                    context=dict(draft.context),
                    looked_up=looked_up,
                )
                action(turn)
            outcome = turn.outcome
            if isinstance(outcome, FormRefused):  # applied nothing, and may be sent again
                patience.applied(tx)
                return [], outcome.errors
            orphan_files: Collection[str] = outcome.files if isinstance(outcome, Withdrawn) else ()
            menu = self._side_menu(turn) if outcome is None else None
            if turn.applicant is not None and outcome is None:
                conversation = turn.conversation
                if may_leave_unused_files(
                    self.flow, answers_before, conversation.answers, received=inbound.file is not None
                ):
                    orphan_files = let_go_of_unused_files(tx, self.flow, turn.applicant_id, conversation.answers)
                tx.applicants.save_draft(
                    turn.applicant_id,
                    state=conversation.state,
                    answers=conversation.answers,
                    context=conversation.context,
                )
            replies = self._replies(turn, menu)
            tx.inbox.mark_processed(
                inbound.channel,
                inbound.event_id,
                user_id=inbound.user_id,
                replies=[outbound_to_dict(reply) for reply in replies],
            )
            patience.applied(tx)
        for sha256 in orphan_files:  # only once the deletion is committed
            self.storage.files.delete(sha256)
        return replies, {}

    def _new_turn(
        self,
        inbound: Inbound,
        tx: Transaction,
        applicant: Applicant | None,
        *,
        state: str,
        answers: dict,
        context: dict,
        looked_up: LookedUp | None,
    ) -> Turn:
        conversation = Conversation(
            self.flow, answers=answers, context=context, today=tx.now.date(), policy=self.policy, machine=self.machine
        )
        about = conversation.asked_about(state)
        lost_choice = state in CHOICES_ABOUT_A_QUESTION and not (about and self.flow.has_step(about))
        if state in self.machine.states and not lost_choice:
            conversation.state = state
        else:  # saved at a question (or a choice about one) that no longer exists: the first still unanswered
            conversation.state = conversation.resume_point()
        side_menu, awaiting_question = conversation.side_menu, conversation.awaiting_question
        conversation.side_menu, conversation.awaiting_question = None, False  # each binds one message at most
        return Turn(
            conversation,
            inbound,
            tx,
            applicant,
            looked_up=looked_up,
            side_menu=side_menu,
            question_for_a_person=awaiting_question,
            began_in=conversation.state,
        )

    def _before_consent(self, turn: Turn) -> None:
        text = turn.inbound.text
        command = parse_command(text)
        first = not turn.tx.inbox.heard_from(turn.inbound.channel, turn.inbound.user_id)
        if first:
            turn.tx.funnel.add("started")
        turn.show_whole = first or (command is not None and command.name == "start")  # the welcome, not every time
        if command is not None and command.name == "faq":
            turn.extra += self.asking.faq_command(turn.tx, None, command.argument, turn.looked_up)
            return
        if self.asking.question_in(turn.inbound, self.flow.steps[0], self.policy, turn.looked_up):
            turn.extra += self.asking.answer(turn.tx, None, text.strip(), turn.looked_up)
            return
        if command is not None and command.name == "human":
            turn.notes.append(prompts.PERSON_AFTER_CONSENT)
            return
        if self._unusable(turn) or turn.inbound.file is not None or command or not text.strip():
            return
        if turn.inbound.choice_for is None and choice_number(text.strip(), len(YES_NO)) is not None:
            # A typed number may be meant for a list shown since (the FAQ topics), which is not kept
            # before consent: consent is given by its button or its words.
            turn.notes.append(prompts.final_choice(YES_NO, number=True))
            return
        try:
            consent = choice(text, YES_NO)
        except Invalid:
            # The first message (a greeting, most often) gets the welcome alone; later ones hear
            # how to answer (a number is no answer here, see above).
            if not first:
                turn.notes.append(prompts.CONSENT_FIRST)
            return
        if consent == "no":
            turn.tx.funnel.add("declined")
            turn.notes.append(prompts.NO_CONSENT)
            turn.outcome = Withdrawn()
            return
        turn.applicant = turn.tx.applicants.add(turn.inbound.channel, turn.inbound.user_id)
        turn.notes.append("Thank you. Let's begin.")
        turn.conversation.give_consent()

    def _dispatch(self, turn: Turn) -> None:
        if self._unusable(turn):
            return
        picked = turn.side_menu.pick(turn.inbound) if turn.side_menu else None
        if picked is not None:  # the list's choices are commands (/faq Fees, /human)
            turn.inbound = replace(turn.inbound, text=picked, choice_for=None)
        command = parse_command(turn.inbound.text) if turn.inbound.file is None else None
        if command is not None:  # a command also ends the wait for a question to a person
            self.nav.run_command(turn, command)
            return
        inbound = turn.inbound
        if turn.question_for_a_person and inbound.file is None and inbound.choice_for is None and inbound.text.strip():
            self.nav.run_command(turn, Command("human", inbound.text.strip()))
            return
        conversation = turn.conversation
        if conversation.state == NavigationState.ANSWER_OR_QUESTION:
            if self.nav.answers_the_check(turn):
                self.nav.take(turn)
                return
            self.nav.leave_the_check(turn)  # anything else is a new answer or a question, taken at the question
        # In a menu or a confirmation the answer is one of its choices, never a question.
        step = conversation.step
        reading = (
            Reading.ANSWER
            if conversation.state in MENUS
            else self.asking.reading(inbound, step, self.policy, turn.looked_up)
        )
        if reading is Reading.QUESTION:
            turn.extra += self.asking.answer(turn.tx, turn.applicant_id, inbound.text.strip(), turn.looked_up)
        elif reading is Reading.EITHER and step is not None:
            self.nav.ask_answer_or_question(turn, step)
        else:
            self.nav.take(turn)

    def _unusable(self, turn: Turn) -> bool:
        """Say so, and change nothing, for what can't be read or a button of an earlier question."""
        inbound = turn.inbound
        if inbound.unsupported:
            turn.notes.append(prompts.unsupported(inbound.unsupported))
            return True
        current = {turn.conversation.list_name, turn.side_menu.key if turn.side_menu else None}
        # A list shown before consent has no name (no draft keeps it); its choices ask, and mean
        # the same under any question.
        unnamed_ask = inbound.choice_for == "" and inbound.text.startswith(("/faq", "/human"))
        if inbound.choice_for is not None and inbound.choice_for not in current and not unnamed_ask:
            turn.notes.append(prompts.STALE_BUTTON)
            return True
        return False

    def _side_menu(self, turn: Turn) -> Outbound | None:
        """A list this turn shows besides the question (the last message before the reply, when
        it has choices), or None. After consent it is kept for the next message and named on its
        buttons; before it there is no draft to keep it in, and its buttons are unnamed."""
        shown = turn.extra[-1] if turn.extra and turn.extra[-1].choices else None
        if shown is None or turn.applicant is None:
            return shown
        menu = SideMenu.of(shown, turn.inbound.event_id)
        turn.conversation.side_menu = menu
        return replace(shown, question=menu.key)

    def _replies(self, turn: Turn, menu: Outbound | None) -> list[Outbound]:
        """The turn's messages, then the notes and the question; under a side menu the question
        is not asked again (its numbers would collide with the menu's): a line says it waits; nor
        when the turn says not to (``Turn.ask_again``)."""
        if isinstance(turn.outcome, Withdrawn) or not turn.ask_again:
            return [*turn.extra, prompts.reply(turn.notes, None)]
        if menu is None:
            return [*turn.extra, prompts.reply(turn.notes, self._question(turn))]
        notes = [prompts.reply(turn.notes, None)] if turn.notes else []
        if turn.conversation.state != NavigationState.SUBMITTED:
            waiting = turn.conversation.step if turn.applicant is not None else None  # consent: its own words
            menu = replace(menu, text=f"{menu.text}\n\n{prompts.side_menu_hint(waiting)}")
        return [*notes, *turn.extra[:-1], menu]

    def _question(self, turn: Turn) -> Outbound:
        if turn.applicant is None:  # before consent
            question = prompts.question(turn.conversation, self.flow.steps[0], introduce=turn.show_whole)
        else:
            question = self.nav.question(turn)
        return replace(question, question=turn.conversation.list_name) if question.choices else question
