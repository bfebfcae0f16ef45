"""Taking answers, one sent in the chat or a whole form at once: each is read (``parse``), checked
against the saved answers (``refusal``) and kept, and the applicant hears what was saved and any
eligibility problem it raises (the answer is kept all the same)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from conversations.application import prompts
from conversations.application.fields import Step
from conversations.application.flow import Flow
from conversations.application.parsing import parse, show
from conversations.application.policy import Policy
from conversations.application.summary import ineligibility, refusal
from conversations.application.turn import FormRefused, Turn
from conversations.application.validators import Invalid
from storage.files import FileStore


class Answering:
    def __init__(self, flow: Flow, *, policy: Policy, files: FileStore) -> None:
        self.flow = flow
        self.policy = policy
        self.files = files

    def answer(self, turn: Turn, step: Step) -> bool:
        """Keep the message as the answer to ``step``; False, and why in the notes, if it can't be."""
        conversation = turn.conversation
        try:
            parsed = parse(step.field, turn.inbound, self.policy)
        except Invalid as error:
            turn.notes.append(str(error))
            return False
        today = conversation.today
        if message := refusal(self.flow, step, parsed.value, conversation.answers, today=today, policy=self.policy):
            turn.notes.append(message)
            return False
        value = parsed.value
        if parsed.file is not None:
            sha256 = self.files.put(parsed.file.content)
            turn.tx.evidence.record(
                turn.applicant_id,
                sha256=sha256,
                mime=parsed.file.mime,
                size=len(parsed.file.content),
                name=parsed.file.name,
            )
            value = {**value, "sha256": sha256}
        self.save(turn, [(step, value)], prompts.saved(step.field.label, show(step.field, value), parsed.note))
        return True

    def answer_form(self, turn: Turn, steps: Sequence[Step], raw: dict[str, str]) -> bool:
        """Keep the answers to a form's ``steps`` (``raw``: question key -> text), all or none:
        with any error, the turn's outcome is the refused form."""
        conversation = turn.conversation
        today = conversation.today
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
            turn.outcome = FormRefused(errors or {"": "This form is not available now."})
            return False
        self.save(turn, [(step, values[step.key]) for step in steps], f"✓ {steps[0].group} saved.")
        return True

    def save(self, turn: Turn, answered: Sequence[tuple[Step, Any]], said: str) -> None:
        """Keep ``answered`` (question, value), say ``said``, then any eligibility problem each raises."""
        conversation = turn.conversation
        conversation.answers.update({step.key: value for step, value in answered})
        turn.notes.append(said)
        for step, value in answered:
            problems = ineligibility(
                self.flow, step, value, conversation.answers, today=conversation.today, policy=self.policy
            )
            if problems:
                turn.notes.append(prompts.ineligible(problems))
