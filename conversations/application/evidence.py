"""The evidence files answers give, and letting go of the others: a file the applicant replaced
(sent another one after /back, or in an edit), skipped or cleared is neither sent to staff nor
kept in the file store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations.application.fields import Kind
from conversations.application.flow import Flow
from conversations.application.summary import flatten
from storage.unit_of_work import Transaction


def given_files(flow: Flow, answers: Mapping[str, Any]) -> list[str]:
    """The hashes of the files ``answers`` give (a draft's, or a dossier's through ``flatten``),
    in the order of the questions, each once."""
    hashes = (
        answers[step.key]["sha256"] for step in flow.steps if step.field.kind is Kind.FILE and answers.get(step.key)
    )
    return list(dict.fromkeys(hashes))


def let_go_of_unused_files(tx: Transaction, flow: Flow, applicant_id: int, answers: Mapping[str, Any]) -> set[str]:
    """Drop the applicant's evidence records that neither ``answers`` nor any version they
    submitted give (a submitted version keeps its files); return the hashes no one refers to any
    more, whose files are deleted once the transaction is committed."""
    unused = {item.sha256 for item in tx.evidence.of(applicant_id)} - set(given_files(flow, answers))
    if unused:
        for dossier in tx.dossiers.versions_of(applicant_id):
            unused -= set(given_files(flow, flatten(flow, dossier.content)))
    return tx.evidence.drop(applicant_id, unused) if unused else set()
