"""The conversation engine: one applicant message in, the bot's reply out.

For each message it takes the applicant's lock, opens one transaction (which also locks the
applicant's row), skips a message it has seen before, restores the draft on the shared state
machine, applies the message, and saves the draft, the message id and any dossier in that same
transaction, before the reply is returned. Nothing here knows which channel is talking.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy.exc import IntegrityError

from conversations import lifecycle, prompts
from conversations.answers import parse, show
from conversations.asking import Asking
from conversations.flow import CONSENT, Flow
from conversations.forms import Form, FormResult, build_form, form_steps
from conversations.keyed_lock import KeyedLocks
from conversations.machine import (
    CONFIRM_CANCEL,
    CONFIRM_RESTART,
    EDIT_FIELD,
    EDIT_GROUP,
    REVIEW,
    SUBMITTED,
    Conversation,
    build_machine,
)
from conversations.messages import Inbound, Outbound
from conversations.policy import Policy
from conversations.review import dossier_content, flatten, ineligibility, refusal, section_progress, summary
from conversations.validators import YES_NO, Invalid, choice
from storage.models import Applicant
from storage.repository import STAFF_FOLDER, Storage, Transaction

log = logging.getLogger(__name__)

# Menus and confirmations: places the applicant passes through, never a place to return to.
_MENUS = (EDIT_GROUP, EDIT_FIELD, CONFIRM_CANCEL, CONFIRM_RESTART)


@dataclass
class Turn:
    """One message being handled: the draft on the machine, and the notes for the reply."""

    conversation: Conversation
    inbound: Inbound
    tx: Transaction
    applicant: Applicant | None
    notes: list[str] = field(default_factory=list)
    extra: list[Outbound] = field(default_factory=list)  # messages before the question (e.g. an answer)
    forgotten: bool = False  # the applicant withdrew: nothing is saved back
    silent: bool = False  # no reply (a form with errors answers through its errors)
    form_errors: dict[str, str] = field(default_factory=dict)
    orphan_files: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Overview:
    """``status``: "not started", "draft", or the submitted dossier's status;
    ``progress``: (section title, questions answered, questions that apply) per section."""

    status: str
    progress: list[tuple[str, int, int]]
    dossier: str | None


@dataclass(frozen=True)
class Command:
    name: str
    argument: str


def parse_command(text: str) -> Command | None:
    """``/edit training hours`` -> Command("edit", "training hours"); ``/help@SomeBot`` -> help."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) == 1:
        return None
    word, _, argument = stripped[1:].partition(" ")
    return Command(word.split("@", 1)[0].casefold(), argument.strip())


class Engine:
    def __init__(
        self,
        storage: Storage,
        *,
        policy: Policy,
        flow: Flow | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        staff_destinations: Sequence[str] = (STAFF_FOLDER,),
        asking: Asking | None = None,
    ) -> None:
        self.storage = storage
        self.staff_destinations = tuple(staff_destinations)
        self.asking = asking or Asking()
        self.policy = policy
        self.flow = flow or Flow()
        self.machine = build_machine(self.flow)
        self.today = today
        self._locks = KeyedLocks()
        self._commands: dict[str, Callable[[Turn, str], None]] = {
            "start": self._start,
            "help": self._help,
            "back": self._back,
            "skip": self._skip,
            "keep": self._keep,
            "summary": self._summary,
            "edit": self._edit,
            "status": self._status,
            "cancel": self._cancel,
            "restart": self._restart,
            "faq": self._faq,
            "human": self._human,
            "stop_reminders": self._stop_reminders,
            "start_reminders": self._start_reminders,
        }

    def handle(self, inbound: Inbound) -> list[Outbound]:
        """Apply one message and return the reply; a message seen before returns nothing."""
        replies, _ = self._guarded(inbound, self._dispatch)
        return replies

    def submit_form(self, inbound: Inbound, key: str, values: dict[str, str]) -> FormResult:
        """Answer the questions of form ``key`` at once (``values``: question key -> raw text).

        Either every answer passes and all are saved, or nothing is saved and ``errors`` says,
        per question, what is wrong."""
        replies, errors = self._guarded(inbound, lambda turn: self._submit_form(turn, key, values))
        return FormResult(errors, replies)

    def form(self, channel: str, user_id: str, key: str) -> Form | None:
        """The questions of form ``key`` with their saved answers, or None if it can't be filled now."""
        with self.storage.transaction() as tx:
            applicant = tx.applicant(channel, user_id)
            draft = tx.draft(applicant.id) if applicant else None
            if draft is None or draft.state == SUBMITTED:
                return None
            steps = form_steps(self.flow, key, draft.answers, today=self.today(), policy=self.policy)
            return build_form(key, steps, draft.answers) if steps else None

    def overview(self, channel: str, user_id: str) -> Overview:
        """Where an applicant stands, for a channel's home screen."""
        with self.storage.transaction() as tx:
            applicant = tx.applicant(channel, user_id)
            draft = tx.draft(applicant.id) if applicant else None
            answers = dict(draft.answers) if draft else {}
            dossier = tx.latest_dossier(applicant.id) if applicant else None
        progress = section_progress(self.flow, answers, today=self.today(), policy=self.policy)
        if draft is None:
            return Overview("not started", progress, None)
        if dossier is not None and draft.state == SUBMITTED:
            return Overview(dossier.status, progress, prompts.dossier_number(dossier))
        return Overview("draft", progress, None)

    def _guarded(self, inbound: Inbound, action: Callable[[Turn], None]) -> tuple[list[Outbound], dict[str, str]]:
        with self._locks.hold((inbound.channel, inbound.user_id)):
            try:
                try:
                    return self._handle(inbound, action)
                except IntegrityError:
                    # Another process applied a message of this applicant (or this very message)
                    # at the same moment; run again on what it committed.
                    log.info("retrying %s/%s after a concurrent write", inbound.channel, inbound.event_id)
                    return self._handle(inbound, action)
            except Exception:
                # Nothing of this message was committed, so nothing is half-saved; the applicant
                # hears so instead of silence, and the message may be sent (or redelivered) again.
                log.exception("could not handle message %s/%s", inbound.channel, inbound.event_id)
                return [Outbound(prompts.TRY_AGAIN)], {}

    def _handle(self, inbound: Inbound, action: Callable[[Turn], None]) -> tuple[list[Outbound], dict[str, str]]:
        with self.storage.transaction() as tx:
            if tx.is_processed(inbound.channel, inbound.event_id):
                return [], {}
            applicant = tx.applicant(inbound.channel, inbound.user_id)
            if applicant is None:
                turn = self._new_turn(inbound, tx, None, state=CONSENT, answers={}, context={})
                self._on_machine(turn, self._before_consent)
            else:
                if inbound.time_zone and inbound.time_zone != applicant.time_zone:
                    applicant.time_zone = inbound.time_zone  # for reminders at sensible hours
                draft = tx.draft(applicant.id)
                answers = dict(draft.answers)
                state = draft.state if draft.state in self.machine.states else self._resume_point(answers)
                turn = self._new_turn(inbound, tx, applicant, state=state, answers=answers, context=dict(draft.context))
                self._on_machine(turn, action)
            if turn.applicant is not None and not turn.form_errors:  # a refused form applied nothing
                tx.mark_processed(inbound.channel, inbound.event_id)
                if not turn.forgotten:
                    conversation = turn.conversation
                    tx.save_draft(
                        turn.applicant.id,
                        state=conversation.state,
                        answers=conversation.answers,
                        context=conversation.context,
                    )
            replies = [] if turn.silent else [
                *turn.extra, prompts.reply(turn.notes, self._question(turn) if not turn.forgotten else None)
            ]
        for sha256 in turn.orphan_files:  # only once the deletion is committed
            self.storage.files.delete(sha256)
        return replies, turn.form_errors

    def _resume_point(self, answers: dict) -> str:
        """Where a draft saved at a question that no longer exists (the flow changed) goes on:
        the first question still unanswered, or the review."""
        today = self.today()
        unanswered = (
            step.key for step in self.flow.applicable(answers, today=today, policy=self.policy) if step.key not in answers
        )
        return next(unanswered, REVIEW)

    def _new_turn(self, inbound: Inbound, tx: Transaction, applicant: Applicant | None, *, state: str,
                  answers: dict, context: dict) -> Turn:
        conversation = Conversation(self.flow, answers=answers, context=context, today=self.today(), policy=self.policy)
        conversation.state = state
        return Turn(conversation, inbound, tx, applicant)

    def _on_machine(self, turn: Turn, action: Callable[[Turn], None]) -> None:
        conversation = turn.conversation
        self.machine.add_model(conversation, initial=conversation.state)
        try:
            action(turn)
        finally:
            self.machine.remove_model(conversation)

    # -- before consent: nothing is stored until the applicant says yes ---------------------

    def _before_consent(self, turn: Turn) -> None:
        text = turn.inbound.text
        command = parse_command(text)
        if command is not None and command.name == "faq":
            turn.extra += self.asking.faq_command(turn.tx, None, command.argument)
            return
        if self.asking.question_in(turn.inbound, self.flow.steps[0], self.policy):
            turn.extra += self.asking.answer(turn.tx, None, text)
            return
        if self._unusable(turn) or turn.inbound.file is not None or command or not text.strip():
            return
        try:
            consent = choice(text, YES_NO)
        except Invalid as error:
            turn.notes.append(str(error))
            return
        if consent == "no":
            turn.notes.append(prompts.NO_CONSENT)
            turn.forgotten = True
            return
        turn.applicant = turn.tx.add_applicant(turn.inbound.channel, turn.inbound.user_id)
        turn.conversation.answers[CONSENT] = "yes"
        turn.notes.append("Thank you. Let's begin.")
        turn.conversation.trigger("next")

    # -- after consent ----------------------------------------------------------------------

    def _dispatch(self, turn: Turn) -> None:
        if self._unusable(turn):
            return
        command = parse_command(turn.inbound.text) if turn.inbound.file is None else None
        if command is not None:
            handler = self._commands.get(command.name)
            if handler is None:
                turn.notes.append(prompts.unknown_command(command.name))
            else:
                handler(turn, command.argument)
            return
        if self.asking.question_in(turn.inbound, turn.conversation.step, self.policy):
            turn.extra += self.asking.answer(turn.tx, turn.applicant.id, turn.inbound.text.strip())
            return
        state = turn.conversation.state
        if turn.conversation.step is not None:
            self._answer(turn)
        elif state == REVIEW:
            self._review_choice(turn)
        elif state == EDIT_GROUP:
            self._pick_group(turn)
        elif state == EDIT_FIELD:
            self._pick_field(turn)
        elif state in (CONFIRM_CANCEL, CONFIRM_RESTART):
            self._confirm(turn)
        # In SUBMITTED any message is answered with the status, which the question shows.

    def _unusable(self, turn: Turn) -> bool:
        """Say so, and change nothing, for what can't be read or a button of an earlier question."""
        inbound = turn.inbound
        if inbound.unsupported:
            turn.notes.append(prompts.unsupported(inbound.unsupported))
            return True
        asks = inbound.text.startswith(("/faq", "/human"))  # these buttons mean the same under any question
        if inbound.choice_for is not None and inbound.choice_for != turn.conversation.state and not asks:
            turn.notes.append(prompts.STALE_BUTTON)
            return True
        return False

    def _answer(self, turn: Turn) -> None:
        conversation = turn.conversation
        step = conversation.step
        try:
            parsed = parse(step.field, turn.inbound, self.policy)
        except Invalid as error:
            turn.notes.append(str(error))
            return
        today = conversation.today
        if message := refusal(self.flow, step, parsed.value, conversation.answers, today=today, policy=self.policy):
            turn.notes.append(message)
            return
        value = parsed.value
        if parsed.file is not None:
            sha256 = self.storage.files.put(parsed.file.content)
            turn.tx.record_evidence(
                turn.applicant.id, sha256=sha256, mime=parsed.file.mime, size=len(parsed.file.content),
                name=parsed.file.name,
            )
            value = {**value, "sha256": sha256}
        conversation.answers[step.key] = value
        turn.notes.append(prompts.saved(step.field.label, show(step.field, value), parsed.note))
        problems = ineligibility(self.flow, step, value, conversation.answers, today=today, policy=self.policy)
        if problems:
            turn.notes.append(prompts.ineligible(problems))
        self._advance(turn)

    def _submit_form(self, turn: Turn, key: str, raw: dict[str, str]) -> None:
        conversation = turn.conversation
        if conversation.state == SUBMITTED:
            turn.notes.append("Your application is submitted and frozen, so it can't be changed here.")
            return
        today = conversation.today
        steps = form_steps(self.flow, key, conversation.answers, today=today, policy=self.policy)
        values: dict[str, object] = {}
        errors: dict[str, str] = {}
        for step in steps:
            text = (raw.get(step.key) or "").strip()
            if not text and step.field.optional:
                values[step.key] = None
                continue
            try:
                values[step.key] = parse(step.field, replace(turn.inbound, text=text, file=None), self.policy).value
            except Invalid as error:
                errors[step.key] = str(error)
        if not errors:  # checks between answers, the form's own ones included
            candidate = {**conversation.answers, **values}
            for step in steps:
                if values[step.key] is not None and (
                    message := refusal(self.flow, step, values[step.key], candidate, today=today, policy=self.policy)
                ):
                    errors[step.key] = message
        if errors or not steps:
            turn.form_errors = errors or {"": "This form is not available now."}
            turn.silent = True
            return
        conversation.answers.update(values)
        turn.notes.append(f"✓ {steps[0].group} saved.")
        for step in steps:
            problems = ineligibility(self.flow, step, values[step.key], conversation.answers, today=today, policy=self.policy)
            if problems:
                turn.notes.append(prompts.ineligible(problems))
        self._after_form(turn, steps)

    def _after_form(self, turn: Turn, steps: list) -> None:
        """Carry on from the form: at the first question of the form's part still unanswered
        (e.g. the reference letter), or after it, if the applicant was within the form's part."""
        conversation = turn.conversation
        if conversation.context.get("editing"):
            self._return(turn)
            return
        current = conversation.step
        if current is None or current.form != steps[0].form:
            return  # filled in ahead (or from a menu): the current question stays
        order = [step.key for step in self.flow.steps]
        start = order.index(steps[0].key)
        applicable = self.flow.applicable(conversation.answers, today=conversation.today, policy=self.policy)
        pending = next(
            (step.key for step in applicable if order.index(step.key) >= start and step.key not in conversation.answers),
            REVIEW,
        )
        conversation.go(pending)

    def _advance(self, turn: Turn) -> None:
        conversation = turn.conversation
        if conversation.context.get("editing"):
            self._return(turn)
        elif conversation.context.get("reopened"):
            self._next_reopened(turn)
        else:
            conversation.trigger("next")

    def _next_reopened(self, turn: Turn) -> None:
        """While IMC asks for information, only the questions it named (and any the new answers
        make necessary) are asked, in order; then the review, to resubmit."""
        conversation = turn.conversation
        reopened = conversation.context["reopened"]
        order = [step.key for step in self.flow.steps]
        here = order.index(conversation.state) if conversation.state in order else -1
        applicable = self.flow.applicable(conversation.answers, today=conversation.today, policy=self.policy)
        pending = next(
            (step.key for step in applicable
             if order.index(step.key) > here and (step.key in reopened or step.key not in conversation.answers)),
            REVIEW,
        )
        conversation.go(pending)

    def _return(self, turn: Turn) -> None:
        """Leave an edit or a menu for where the applicant was. Questions the change made
        necessary (say, who wrote a letter that is now given) are asked first."""
        conversation = turn.conversation
        context = conversation.context
        back_to = context.get("return_to", REVIEW)
        context.pop("edit_group", None)
        applicable = self.flow.applicable(conversation.answers, today=conversation.today, policy=self.policy)
        order = [step.key for step in self.flow.steps]
        limit = order.index(back_to) if back_to in order else len(order)
        newly_needed = next(
            (step for step in applicable if step.key not in conversation.answers and order.index(step.key) < limit), None
        )
        if newly_needed is not None:
            context["editing"] = True  # answering it returns here again
            conversation.go(newly_needed.key)
            return
        context.pop("return_to", None)
        context.pop("editing", None)
        conversation.go(back_to)
        if conversation.step is not None and not conversation.applies(conversation.step):
            conversation.trigger("next")

    def _remember_position(self, turn: Turn) -> None:
        context = turn.conversation.context
        if turn.conversation.state not in _MENUS and "return_to" not in context:
            context["return_to"] = turn.conversation.state

    # -- review and submission --------------------------------------------------------------

    def _review_choice(self, turn: Turn) -> None:
        try:
            picked = choice(turn.inbound.text, prompts.REVIEW_OPTIONS)
        except Invalid as error:
            turn.notes.append(str(error))
            return
        if picked == "edit":
            self._edit(turn, "")
            return
        conversation = turn.conversation
        if not conversation.trigger("submit"):
            turn.notes.append("The application can't be submitted yet; see what is left below.")
            return
        content = dossier_content(self.flow, conversation.answers, today=conversation.today, policy=self.policy)
        if conversation.context.pop("reopened", None) is None:
            dossier = turn.tx.submit(turn.applicant.id, content, destinations=self.staff_destinations)
            turn.notes.append(prompts.submitted(dossier, conversation.answers, self.policy))
            return
        previous = turn.tx.latest_dossier(turn.applicant.id)
        changes = prompts.changes(self.flow, flatten(self.flow, previous.content), conversation.answers,
                                  today=conversation.today, policy=self.policy)
        dossier = turn.tx.submit(turn.applicant.id, content, destinations=self.staff_destinations,
                                 status=lifecycle.advance(previous.status, "resubmit"), changes=changes)
        turn.notes.append(prompts.resubmitted(dossier, changes))

    # -- commands ---------------------------------------------------------------------------

    def _start(self, turn: Turn, _argument: str) -> None:
        if turn.conversation.state == SUBMITTED:
            turn.notes.append("Welcome back!")
        else:
            turn.notes.append("Welcome back! Everything you entered is saved; let's carry on.")

    def _help(self, turn: Turn, _argument: str) -> None:
        turn.notes.append(prompts.help_text(turn.conversation))

    def _back(self, turn: Turn, _argument: str) -> None:
        conversation = turn.conversation
        if conversation.state == SUBMITTED:
            turn.notes.append("Your application is submitted, so there is nothing to go back to.")
        elif conversation.state in _MENUS or conversation.context.get("editing"):
            self._return(turn)
        elif conversation.context.get("reopened"):
            self._back_reopened(turn)
        elif not (conversation.may_trigger("back") and conversation.trigger("back")):
            turn.notes.append("This is the first question, so there is nothing before it.")

    def _back_reopened(self, turn: Turn) -> None:
        conversation = turn.conversation
        order = [step.key for step in self.flow.steps]
        here = order.index(conversation.state) if conversation.state in order else len(order)
        earlier = [key for key in conversation.context["reopened"] if order.index(key) < here]
        if earlier:
            conversation.go(max(earlier, key=order.index))
        else:
            turn.notes.append("This is the first question IMC asked about, so there is nothing before it.")

    def _skip(self, turn: Turn, _argument: str) -> None:
        step = turn.conversation.step
        if step is None:
            turn.notes.append("There is no question to skip here.")
        elif not step.field.optional:
            turn.notes.append("This question is required, so it can't be skipped.")
        else:
            turn.conversation.answers[step.key] = None
            turn.notes.append(step.field.skip_note or f"Skipped: {step.field.label}.")
            self._advance(turn)

    def _keep(self, turn: Turn, _argument: str) -> None:
        conversation = turn.conversation
        step = conversation.step
        if step is None or step.key not in conversation.answers:
            turn.notes.append("There is no saved answer to keep for this question yet.")
            return
        turn.notes.append(prompts.saved(step.field.label, show(step.field, conversation.answers[step.key]), "(kept)"))
        self._advance(turn)

    def _summary(self, turn: Turn, _argument: str) -> None:
        conversation = turn.conversation
        turn.notes.append(summary(self.flow, conversation.answers, today=conversation.today, policy=self.policy))

    def _edit(self, turn: Turn, argument: str) -> None:
        conversation = turn.conversation
        if conversation.state == SUBMITTED:
            turn.notes.append("Your application is submitted and frozen, so it can't be edited here.")
            return
        self._remember_position(turn)
        if argument:
            step = prompts.find_answered_step(conversation, argument)
            if step is not None:
                self._start_editing(turn, step.key)
                return
            turn.notes.append(f"I couldn't find an answered question called “{argument}”. Pick one below.")
        conversation.context.pop("editing", None)
        conversation.go(EDIT_GROUP)

    def _pick_group(self, turn: Turn) -> None:
        try:
            group = choice(turn.inbound.text, prompts.edit_groups(turn.conversation))
        except Invalid as error:
            step = prompts.find_answered_step(turn.conversation, turn.inbound.text)
            if step is not None:  # the applicant named the question itself
                self._start_editing(turn, step.key)
            else:
                turn.notes.append(str(error))
            return
        turn.conversation.context["edit_group"] = group
        turn.conversation.go(EDIT_FIELD)

    def _pick_field(self, turn: Turn) -> None:
        try:
            key = choice(turn.inbound.text, prompts.edit_fields(turn.conversation))
        except Invalid as error:
            turn.notes.append(str(error))
            return
        self._start_editing(turn, key)

    def _start_editing(self, turn: Turn, key: str) -> None:
        context = turn.conversation.context
        context["editing"] = True
        context.pop("edit_group", None)
        turn.conversation.go(key)

    def _status(self, turn: Turn, _argument: str) -> None:
        if turn.conversation.state != SUBMITTED:  # when submitted, the question shows the status
            turn.notes.append(prompts.draft_status(turn.conversation))

    def _faq(self, turn: Turn, argument: str) -> None:
        turn.extra += self.asking.faq_command(turn.tx, turn.applicant.id, argument)

    def _human(self, turn: Turn, argument: str) -> None:
        conversation = turn.conversation
        step = conversation.step
        where = f"at {step.group} · {step.field.label}" if step else f"at {conversation.state}"
        turn.extra += self.asking.to_person(turn.tx, turn.applicant, argument, where)

    def _stop_reminders(self, turn: Turn, _argument: str) -> None:
        turn.tx.set_reminders(turn.applicant, on=False)
        turn.notes.append("Reminders are off. (/start_reminders turns them on again.)")

    def _start_reminders(self, turn: Turn, _argument: str) -> None:
        turn.tx.set_reminders(turn.applicant, on=True)
        turn.notes.append("Reminders are on.")

    def _cancel(self, turn: Turn, _argument: str) -> None:
        self._confirm_first(turn, CONFIRM_CANCEL, "withdraw it")

    def _restart(self, turn: Turn, _argument: str) -> None:
        self._confirm_first(turn, CONFIRM_RESTART, "start a new one")

    def _confirm_first(self, turn: Turn, state: str, what: str) -> None:
        if turn.conversation.state == SUBMITTED or turn.conversation.context.get("reopened"):
            turn.notes.append(
                f"Your application is already submitted. To {what}, please contact IMC's credentialing support."
            )
            return
        self._remember_position(turn)
        turn.conversation.context.pop("editing", None)
        turn.conversation.go(state)

    def _confirm(self, turn: Turn) -> None:
        conversation = turn.conversation
        try:
            confirmed = choice(turn.inbound.text, YES_NO) == "yes"
        except Invalid as error:
            turn.notes.append(str(error))
            return
        if not confirmed:
            turn.notes.append("Nothing was changed.")
            self._return(turn)
        elif conversation.state == CONFIRM_CANCEL:
            turn.orphan_files = turn.tx.forget_applicant(turn.applicant)
            turn.forgotten = True
            turn.notes.append(prompts.WITHDRAWN)
        else:
            turn.orphan_files = turn.tx.drop_evidence(turn.applicant.id)
            conversation.answers.clear()
            conversation.answers[CONSENT] = "yes"
            conversation.context.clear()
            conversation.go(CONSENT)
            conversation.trigger("next")
            turn.notes.append("Your answers were cleared. Starting over.")

    # -- the question that ends every reply -------------------------------------------------

    def _question(self, turn: Turn) -> Outbound:
        question = self._current_question(turn)
        return replace(question, question=turn.conversation.state) if question.choices else question

    def _current_question(self, turn: Turn) -> Outbound:
        conversation = turn.conversation
        if turn.applicant is None:
            return prompts.question(conversation, self.flow.steps[0])
        state = conversation.state
        if conversation.step is not None:
            return prompts.question(conversation, conversation.step)
        if state == REVIEW:
            return prompts.review(conversation)
        if state == SUBMITTED:
            dossier = turn.tx.latest_dossier(turn.applicant.id)
            return prompts.submitted_status(dossier, turn.tx.application_history(turn.applicant.id))
        if state == EDIT_GROUP:
            return prompts.choose("Which part would you like to change? (/back returns)", prompts.edit_groups(conversation))
        if state == EDIT_FIELD:
            return prompts.choose("Which answer would you like to change? (/back returns)", prompts.edit_fields(conversation))
        assert state in (CONFIRM_CANCEL, CONFIRM_RESTART), state
        return prompts.choose(prompts.CONFIRMATIONS[state], YES_NO)

