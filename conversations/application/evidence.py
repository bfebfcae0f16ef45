"""The evidence files answers give, and letting go of the others: a file the applicant replaced
(sent another one after /back, or in an edit), skipped or cleared is neither sent to staff nor
kept in the file store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations.application.fields import Kind, Step
from conversations.application.flow import Flow
from conversations.application.summary import flatten
from storage.unit_of_work import Transaction


def given_files(flow: Flow, answers: Mapping[str, Any]) -> list[str]:
    """The hashes of the files ``answers`` give (a draft's, or a dossier's through ``flatten``),
    in the order of the questions, each once."""
    return list(questions_of_files(flow, answers))


def questions_of_files(flow: Flow, answers: Mapping[str, Any]) -> dict[str, list[Step]]:
    """The questions that gave each file of ``answers``, by its hash, in the order of the
    questions (the same file sent for two questions is one file)."""
    given: dict[str, list[Step]] = {}
    for step in flow.steps:
        if step.field.kind is Kind.FILE and answers.get(step.key):
            given.setdefault(answers[step.key]["sha256"], []).append(step)
    return given


def may_leave_unused_files(flow: Flow, before: Mapping[str, Any], after: Mapping[str, Any], *, received: bool) -> bool:
    """Whether a turn that took the answers from ``before`` to ``after`` may have left an evidence
    record unused: it ``received`` a file, or the answers give other files than before. Every turn
    that may lets go of what is unused (``let_go_of_unused_files``), so the others have nothing
    to let go of, and need not list the applicant's evidence."""
    return received or given_files(flow, before) != given_files(flow, after)


def let_go_of_unused_files(tx: Transaction, flow: Flow, applicant_id: int, answers: Mapping[str, Any]) -> set[str]:
    """Drop the applicant's evidence records that neither ``answers`` nor any version they
    submitted give (a submitted version keeps its files); return the hashes no one refers to any
    more, whose files are deleted once the transaction is committed."""
    unused = {item.sha256 for item in tx.evidence.of(applicant_id)} - set(given_files(flow, answers))
    if unused:
        for dossier in tx.dossiers.versions_of(applicant_id):
            unused -= set(given_files(flow, flatten(flow, dossier.content)))
    return tx.evidence.drop(applicant_id, unused) if unused else set()
