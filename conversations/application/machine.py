"""The one state machine all applicants share, built from the flow.

Its states are the flow's steps plus the review and a few navigation states. ``next`` and
``back`` are declared as ordered lists of candidate transitions whose conditions are the steps'
``when`` rules: ``transitions`` takes the first candidate whose condition holds, so a question
that does not apply to this applicant is passed over. One machine serves every applicant (a
machine per applicant costs memory for nothing): each message's draft fires the machine's events
with itself as the model (``Conversation.trigger``), rather than being added to the machine, which
binds every state and move to it as methods (a tenth of a message's CPU, on every message). The
machine is not changed once built, so threads share it without a lock.

Every move is a named trigger. ``next``, ``back``, ``ask_submit`` (the confirmation) and
``submit`` follow the form; ``ask_keep_or_change`` leaves a question whose answer breaks an
eligibility rule for the choice to change it or keep it; ``ask_answer_or_question`` leaves a
question whose answer (free text, or a choice named in a sentence) also reads as a question for
the check which it is; ``edit``,
``open_group``, ``ask_cancel``, ``ask_restart`` and ``restart`` go through the menus and
confirmations. ``jump`` is the one move whose destination is not in the graph but in the
applicant's data: the answer chosen in the edit menu, the place an edit or a menu returns to, the
next question IMC reopened, the first question a form left unanswered, the question a kept
answer that breaks a rule came from, the question a checked answer was given to. It is one
trigger with the destination as its argument (``Conversation.jump_to``), rather than a
transition per pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass
from enum import Enum, StrEnum
from typing import Any

from transitions import Machine
from transitions.core import EventData, State

from conversations.application.fields import Step
from conversations.application.flow import CONSENT, Flow
from conversations.application.policy import Policy
from conversations.application.side_menu import SideMenu
from conversations.application.summary import ineligibility, issues


class NavigationState(StrEnum):
    """The machine's states besides the questions (a question's state is its step's key).
    The values are stored as drafts' states."""

    REVIEW = "review"
    EDIT_GROUP = "edit_group"  # choosing which part to edit
    EDIT_FIELD = "edit_field"  # choosing which answer in that part
    CONFIRM_CANCEL = "confirm_cancel"
    CONFIRM_RESTART = "confirm_restart"
    CONFIRM_SUBMIT = "confirm_submit"
    KEEP_OR_CHANGE = "keep_or_change"  # an answer breaks an eligibility rule: change it now, or keep it?
    ANSWER_OR_QUESTION = "answer_or_question"  # an answer also reads as a question: which is it?
    SUBMITTED = "submitted"


# States that ask a two-way choice about one question, which the draft keeps (``asked_about``).
CHOICES_ABOUT_A_QUESTION = (NavigationState.KEEP_OR_CHANGE, NavigationState.ANSWER_OR_QUESTION)


class _ContextKey(StrEnum):
    """The keys of a draft's ``context``, as stored in the database."""

    REOPENED = "reopened"
    RETURN_TO = "return_to"
    EDITING = "editing"
    EDIT_GROUP = "edit_group"
    SIDE_MENU = "side_menu"
    KEEP_OR_CHANGE = "keep_or_change"
    ANSWER_OR_QUESTION = "answer_or_question"
    AWAITING_QUESTION = "awaiting_question"


@dataclass(frozen=True)
class KeepOrChange:
    """The choice asked after an answer that breaks an eligibility rule: ``key`` names the
    question, ``name`` the list on its buttons (new for each choice, so a button of an earlier
    one never acts on it)."""

    key: str
    name: str


@dataclass(frozen=True)
class AnswerOrQuestion:
    """The check asked after an answer that also reads as a question: ``key`` names the
    question, ``text`` the message (saved only if the applicant says it is the answer), ``found``
    what the knowledge base found for it (``Result.to_dict``) and ``name`` the list on its
    buttons (new for each check)."""

    key: str
    text: str
    name: str
    found: dict[str, Any]


class Conversation:
    """The machine's model: one applicant's draft while one message is handled.

    ``context`` holds navigation that must survive a restart, read and written only through
    ``reopened``, ``return_to``, ``editing``, ``edit_group``, ``side_menu``, ``keep_or_change``,
    ``answer_or_question`` and ``awaiting_question`` below; a key that is not set is absent, so a
    stored draft holds only what is under way.
    """

    state: str

    def __init__(
        self,
        flow: Flow,
        *,
        answers: dict[str, Any],
        context: dict[str, Any],
        today: dt.date,
        policy: Policy,
        machine: Machine | None = None,
    ) -> None:
        """``machine``: the one its moves go through (``build_machine``); a draft that is only read
        or reopened needs none."""
        self.flow = flow
        self.answers = answers
        self.context = context
        self.today = today
        self.policy = policy
        self._machine = machine

    def applies(self, step: Step) -> bool:
        return self.flow.applies(step, self.answers, today=self.today, policy=self.policy)

    @property
    def step(self) -> Step | None:
        return self.flow.step(self.state) if self.flow.has_step(self.state) else None

    @property
    def index(self) -> int | None:
        """Where the current question stands in the flow; None outside the questions."""
        return self.flow.index(self.state) if self.flow.has_step(self.state) else None

    def first_waiting(self, *, start: int = 0, stop: int | None = None, reopened: Collection[str] = ()) -> Step | None:
        """``Flow.first_waiting`` for this draft."""
        return self.flow.first_waiting(
            self.answers, today=self.today, policy=self.policy, start=start, stop=stop, reopened=reopened
        )

    def problems(self, step: Step) -> list[str]:
        """The eligibility rules the saved answer to ``step`` breaks (it is kept all the same)."""
        return ineligibility(
            self.flow, step, self.answers.get(step.key), self.answers, today=self.today, policy=self.policy
        )

    @property
    def reopened(self) -> Sequence[str]:
        """The questions IMC reopened to ask for information (keys), until the applicant
        resubmits; empty otherwise. Staff always reopen at least one."""
        return self.context.get(_ContextKey.REOPENED) or ()

    def reopen(self, keys: Sequence[str]) -> None:
        self.context[_ContextKey.REOPENED] = list(keys)

    def close_reopened(self) -> bool:
        """Whether IMC had reopened questions; they are closed now (the application is resubmitted)."""
        return self.context.pop(_ContextKey.REOPENED, None) is not None

    @property
    def return_to(self) -> str | None:
        """Where an edit or a confirmation goes back to."""
        return self.context.get(_ContextKey.RETURN_TO)

    @return_to.setter
    def return_to(self, state: str | None) -> None:
        self._set(_ContextKey.RETURN_TO, state)

    @property
    def editing(self) -> bool:
        """An edit is under way: answering the question returns to ``return_to``."""
        return bool(self.context.get(_ContextKey.EDITING))

    @editing.setter
    def editing(self, under_way: bool) -> None:
        self._set(_ContextKey.EDITING, True if under_way else None)

    @property
    def edit_group(self) -> str | None:
        """The part chosen in the edit menu, whose answers the next menu offers."""
        return self.context.get(_ContextKey.EDIT_GROUP)

    @edit_group.setter
    def edit_group(self, group: str | None) -> None:
        self._set(_ContextKey.EDIT_GROUP, group)

    @property
    def side_menu(self) -> SideMenu | None:
        """The list shown besides the question, which the next message is read against first."""
        stored = self.context.get(_ContextKey.SIDE_MENU)
        return SideMenu.from_dict(stored) if stored else None

    @side_menu.setter
    def side_menu(self, menu: SideMenu | None) -> None:
        self._set(_ContextKey.SIDE_MENU, menu.to_dict() if menu else None)

    @property
    def keep_or_change(self) -> KeepOrChange | None:
        """The choice about a kept-but-ineligible answer, while it is asked or will be returned to."""
        stored = self.context.get(_ContextKey.KEEP_OR_CHANGE)
        return KeepOrChange(**stored) if stored else None

    @keep_or_change.setter
    def keep_or_change(self, choice: KeepOrChange | None) -> None:
        self._set(_ContextKey.KEEP_OR_CHANGE, asdict(choice) if choice else None)

    @property
    def answer_or_question(self) -> AnswerOrQuestion | None:
        """The check about an answer that also reads as a question, while it is asked."""
        stored = self.context.get(_ContextKey.ANSWER_OR_QUESTION)
        return AnswerOrQuestion(**stored) if stored else None

    @answer_or_question.setter
    def answer_or_question(self, check: AnswerOrQuestion | None) -> None:
        self._set(_ContextKey.ANSWER_OR_QUESTION, asdict(check) if check else None)

    def _choice_at(self, state: str) -> KeepOrChange | AnswerOrQuestion | None:
        """The choice about one question that ``state`` asks (keep-or-change, answer-or-question),
        as kept; None for any other state."""
        if state == NavigationState.KEEP_OR_CHANGE:
            return self.keep_or_change
        if state == NavigationState.ANSWER_OR_QUESTION:
            return self.answer_or_question
        return None

    def asked_about(self, state: str) -> str | None:
        """The question (key) the choice at ``state`` is about; None if ``state`` asks no such
        choice, or it is not kept."""
        choice = self._choice_at(state)
        return choice.key if choice else None

    @property
    def list_name(self) -> str:
        """The name the choices asked here carry on their buttons: the state's, or the
        keep-or-change choice's or the answer-or-question check's own."""
        choice = self._choice_at(self.state)
        return choice.name if choice else self.state

    @property
    def awaiting_question(self) -> bool:
        """A bare /human asked what to ask a person: the next plain message is that question."""
        return bool(self.context.get(_ContextKey.AWAITING_QUESTION))

    @awaiting_question.setter
    def awaiting_question(self, waiting: bool) -> None:
        self._set(_ContextKey.AWAITING_QUESTION, True if waiting else None)

    def _set(self, key: _ContextKey, value: str | bool | dict[str, Any] | None) -> None:
        if value is None:
            self.context.pop(key, None)
        else:
            self.context[key] = value

    def resume_point(self, *, start: int = 0, reopened: Collection[str] = ()) -> str:
        """Where to carry on: the first question from position ``start`` that waits for an answer
        (see ``first_waiting``), or the review."""
        waiting = self.first_waiting(start=start, reopened=reopened)
        return waiting.key if waiting else NavigationState.REVIEW.value

    def give_consent(self) -> None:
        """Record the applicant's consent and go on to the first question after it."""
        self.answers[CONSENT] = "yes"
        self.trigger("next")

    def jump_to(self, state: str) -> None:
        """Go to ``state``, named by the applicant's data rather than the graph (see above)."""
        if not self.trigger("jump", to=state):
            raise ValueError(f"the conversation has no state {state!r} to go to")

    def trigger(self, move: str, **arguments: Any) -> bool:
        """Make ``move`` from the current state: whether one of its transitions was taken."""
        return bool(self._moves().events[move].trigger(self, **arguments))

    def has_move(self, move: str) -> bool:
        """Whether ``move`` leads anywhere from the current state (``trigger`` says if it applies)."""
        return bool(self._moves().get_transitions(move, source=self.state))

    def _moves(self) -> Machine:
        if self._machine is None:
            raise RuntimeError("this conversation was made without the machine, to be read only")
        return self._machine


def _conversation(event: EventData) -> Conversation:
    """The model the event is for: the machine is only ever given conversations."""
    if not isinstance(event.model, Conversation):
        raise TypeError(f"the conversation machine was given a {type(event.model).__name__}")
    return event.model


def _applies(step: Step) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        return _conversation(event).applies(step)

    return condition


def build_machine(flow: Flow) -> Machine:
    """One machine for every applicant."""
    keys = [step.key for step in flow.steps]
    # Plain strings: ``transitions`` would name the states of an enum by its members' names.
    review, submitted = NavigationState.REVIEW.value, NavigationState.SUBMITTED.value
    states = keys + [state.value for state in NavigationState]
    machine = Machine(model=None, states=states, initial=keys[0], send_event=True, auto_transitions=False)
    for index, step in enumerate(flow.steps):
        for later in flow.steps[index + 1 :]:
            machine.add_transition("next", step.key, later.key, conditions=[_applies(later)])
        machine.add_transition("next", step.key, review)
        for earlier in reversed(flow.steps[:index]):
            if earlier.field.revisable:
                machine.add_transition("back", step.key, earlier.key, conditions=[_applies(earlier)])
    for last in reversed(flow.steps):
        machine.add_transition("back", review, last.key, conditions=[_applies(last)])
    confirm_submit = NavigationState.CONFIRM_SUBMIT.value
    machine.add_transition("ask_submit", review, confirm_submit, conditions=[_ready])
    machine.add_transition("submit", confirm_submit, submitted, conditions=[_ready])
    questions: list[str | Enum | State] = list(keys)
    machine.add_transition("ask_keep_or_change", questions, NavigationState.KEEP_OR_CHANGE.value)
    machine.add_transition("ask_answer_or_question", questions, NavigationState.ANSWER_OR_QUESTION.value)
    unsubmitted: list[str | Enum | State] = [state for state in states if state != submitted]
    machine.add_transition("edit", unsubmitted, NavigationState.EDIT_GROUP.value)
    machine.add_transition("open_group", NavigationState.EDIT_GROUP.value, NavigationState.EDIT_FIELD.value)
    machine.add_transition("ask_cancel", unsubmitted, NavigationState.CONFIRM_CANCEL.value)
    machine.add_transition("ask_restart", unsubmitted, NavigationState.CONFIRM_RESTART.value)
    machine.add_transition("restart", NavigationState.CONFIRM_RESTART.value, keys[0])
    for state in states:
        machine.add_transition("jump", "*", state, conditions=[_named(state)])
    return machine


def _named(state: str) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        return bool(event.kwargs.get("to") == state)

    return condition


def _ready(event: EventData) -> bool:
    conversation = _conversation(event)
    return not issues(conversation.flow, conversation.answers, today=conversation.today, policy=conversation.policy)
