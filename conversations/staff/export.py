"""A submitted dossier as JSON (with a schema version) or as readable text."""

from __future__ import annotations

from typing import Any

from conversations.application.flow import Flow
from conversations.application.policy import Policy
from conversations.application.summary import flatten, frozen_quote, summary
from conversations.dossier.numbers import dossier_number
from storage.models import Dossier

EXPORT_SCHEMA_VERSION = 1


def to_json(dossier: Dossier) -> dict[str, Any]:
    return {
        "export_schema_version": EXPORT_SCHEMA_VERSION,
        "dossier": {
            "number": dossier_number(dossier),
            "id": dossier.id,
            "version": dossier.version,
            "status": dossier.status,
            "submitted_at": dossier.submitted_at.isoformat(),
        },
        "content": dossier.content,
    }


def to_text(dossier: Dossier, *, flow: Flow, policy: Policy) -> str:
    answers = flatten(flow, dossier.content)
    # The dossier is judged as it was submitted: "today" is the submission date.
    body = summary(flow, answers, today=dossier.submitted_at.date(), policy=policy)
    quoted = frozen_quote(dossier.content)
    lines = [
        f"IMC Certified Master Mentor application {dossier_number(dossier)}, version {dossier.version}",
        f"Status: {dossier.status} · submitted {dossier.submitted_at:%d %B %Y %H:%M} UTC",
        "",
        body,
        "",
        *quoted.lines(),
    ]
    return "\n".join(lines) + "\n"
