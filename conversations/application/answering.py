"""Taking answers, one sent in the chat or a whole form at once: each is read (``parse``), checked
against the saved answers (``refusal``) and kept, and the applicant hears what was saved: ✓, or
⚠ with why when it breaks an eligibility rule (the answer is kept all the same), and what an
answer now meets that the one it replaced did not."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from conversations.application import prompts
from conversations.application.fields import Kind, Step
from conversations.application.flow import Flow
from conversations.application.parsing import parse, show
from conversations.application.policy import Policy
from conversations.application.refusals import error_kind
from conversations.application.summary import broken_rules, ineligibility, refusal
from conversations.application.turn import FormRefused, Turn
from conversations.application.validators import Invalid
from storage.files import FileStore


class Answering:
    def __init__(self, flow: Flow, *, policy: Policy, files: FileStore) -> None:
        self.flow = flow
        self.policy = policy
        self.files = files

    def answer(self, turn: Turn, step: Step) -> list[str] | None:
        """Keep the message as the answer to ``step``: None, and why in the notes, if it can't be;
        otherwise the eligibility problems it raises (empty when it meets every rule), which the
        notes leave to the choice that follows (``prompts.keep_or_change``)."""
        conversation = turn.conversation
        try:
            parsed = parse(step.field, turn.inbound, self.policy)
        except Invalid as error:
            turn.notes.append(_refused(turn, self.flow, step, str(error), turn.inbound.text))
            return None
        today = conversation.today
        if message := refusal(self.flow, step, parsed.value, conversation.answers, today=today, policy=self.policy):
            turn.notes.append(_refused(turn, self.flow, step, message, turn.inbound.text))
            return None
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
        was_broken = broken_rules(
            self.flow, step, conversation.answers.get(step.key), conversation.answers, today=today, policy=self.policy
        )
        conversation.answers[step.key] = value
        problems = ineligibility(self.flow, step, value, conversation.answers, today=today, policy=self.policy)
        if not problems:
            met = [rule.met(self.policy) for rule, _ in was_broken]
            turn.notes.append(prompts.saved(step.field.label, show(step.field, value), parsed.note, met=met))
        elif parsed.note:
            turn.notes.append(parsed.note)
        return problems

    def answer_form(self, turn: Turn, steps: Sequence[Step], raw: dict[str, str]) -> bool:
        """Keep the answers to a form's ``steps`` (``raw``: question key -> text), all or none:
        with any error, the turn's outcome is the refused form."""
        conversation = turn.conversation
        today = conversation.today
        values: dict[str, object] = {}
        errors: dict[str, str] = {}
        typed = {step.key: (raw.get(step.key) or "").strip() for step in steps}
        for step in steps:
            text = typed[step.key]
            if not text and step.field.optional:
                values[step.key] = None
                continue
            try:
                values[step.key] = parse(step.field, replace(turn.inbound, text=text, file=None), self.policy).value
            except Invalid as error:
                errors[step.key] = _refused(turn, self.flow, step, str(error), text)
        if not errors:  # checks between answers, the form's own ones included
            candidate = {**conversation.answers, **values}
            for step in steps:
                if values[step.key] is not None and (
                    message := refusal(self.flow, step, values[step.key], candidate, today=today, policy=self.policy)
                ):
                    errors[step.key] = _refused(turn, self.flow, step, message, typed[step.key])
        if errors or not steps:
            turn.outcome = FormRefused(errors or {"": "This form is not available now."})
            return False
        conversation.answers.update(values)
        turn.notes.append(f"✓ {steps[0].group} saved.")
        kept = [prompts.answer_line(conversation, step) for step in steps if conversation.problems(step)]
        if kept:
            turn.notes.append(prompts.form_ineligible(kept))
        return True


def _refused(turn: Turn, flow: Flow, step: Step, message: str, typed: str) -> str:
    """Count the refusal for the funnel (the kind of error, not the answer); the message as told."""
    answers = turn.conversation.answers
    in_own_words = [
        value
        for key, value in answers.items()
        if isinstance(value, str) and flow.has_step(key) and flow.step(key).field.kind in (Kind.TEXT, Kind.EMAIL)
    ]
    turn.tx.funnel.add("refused", question=step.key, error=error_kind(message, typed, in_own_words))
    return message
