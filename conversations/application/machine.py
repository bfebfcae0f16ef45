"""The one state machine all applicants share, built from the flow.

Its states are the flow's steps plus the review and a few navigation states. ``next`` and
``back`` are declared as ordered lists of candidate transitions whose conditions are the steps'
``when`` rules: ``transitions`` takes the first candidate whose condition holds, so a question
that does not apply to this applicant is passed over. Each message's draft is put on the machine
with ``add_model(conversation, initial=saved_state)`` and taken off again afterwards, so one
machine serves every applicant (a machine per applicant costs memory for nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from transitions.core import EventData
from transitions.extensions import LockedMachine

from conversations.application.fields import Step
from conversations.application.flow import Flow
from conversations.application.policy import Policy
from conversations.application.summary import issues


class NavigationState(StrEnum):
    """The machine's states besides the questions (a question's state is its step's key).
    The values are stored as drafts' states."""

    REVIEW = "review"
    EDIT_GROUP = "edit_group"  # choosing which part to edit
    EDIT_FIELD = "edit_field"  # choosing which answer in that part
    CONFIRM_CANCEL = "confirm_cancel"
    CONFIRM_RESTART = "confirm_restart"
    SUBMITTED = "submitted"


class Conversation:
    """The machine's model: one applicant's draft while one message is handled.

    ``context`` holds navigation that must survive a restart: ``return_to`` (where an edit or
    a confirmation goes back to), ``editing`` (an edit is under way) and ``edit_group``.
    """

    state: str

    def __init__(
        self, flow: Flow, *, answers: dict[str, Any], context: dict[str, Any], today: dt.date, policy: Policy
    ) -> None:
        self.flow = flow
        self.answers = answers
        self.context = context
        self.today = today
        self.policy = policy

    def applies(self, step: Step) -> bool:
        return self.flow.applies(step, self.answers, today=self.today, policy=self.policy)

    @property
    def step(self) -> Step | None:
        return self.flow.step(self.state) if self.flow.has_step(self.state) else None

    def go(self, state: str) -> None:
        self.trigger(f"to_{state}")  # the machine's automatic transition to any state

    # Bound by the machine when the conversation is added to it.
    trigger: Callable[..., bool]
    may_trigger: Callable[..., bool]


def _conversation(event: EventData) -> Conversation:
    """The model the event is for: the machine is only ever given conversations."""
    if not isinstance(event.model, Conversation):
        raise TypeError(f"the conversation machine was given a {type(event.model).__name__}")
    return event.model


def _applies(step: Step) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        return _conversation(event).applies(step)

    return condition


def build_machine(flow: Flow) -> LockedMachine:
    """One machine for every applicant. Locked: channels may hand messages over from threads."""
    keys = [step.key for step in flow.steps]
    # Plain strings: ``transitions`` would name the states of an enum by its members' names.
    navigation = [state.value for state in NavigationState]
    review, submitted = NavigationState.REVIEW.value, NavigationState.SUBMITTED.value
    machine = LockedMachine(
        model=None, states=keys + navigation, initial=keys[0], send_event=True, auto_transitions=True
    )
    for index, step in enumerate(flow.steps):
        for later in flow.steps[index + 1 :]:
            machine.add_transition("next", step.key, later.key, conditions=[_applies(later)])
        machine.add_transition("next", step.key, review)
        for earlier in reversed(flow.steps[:index]):
            if earlier.field.revisable:
                machine.add_transition("back", step.key, earlier.key, conditions=[_applies(earlier)])
    for last in reversed(flow.steps):
        machine.add_transition("back", review, last.key, conditions=[_applies(last)])
    machine.add_transition("submit", review, submitted, conditions=[_ready])
    return machine


def _ready(event: EventData) -> bool:
    conversation = _conversation(event)
    return not issues(conversation.flow, conversation.answers, today=conversation.today, policy=conversation.policy)
