"""The email telling an applicant where their dossier stands, to the address it gives."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.dossier.lifecycle import email_subject
from conversations.dossier.numbers import dossier_number
from conversations.notices import Email
from storage.models import Dossier, saved_id


def status_email(
    dossier: Dossier, status: str, text: str, *, sends_email: bool, copy_with: Sequence[str] | None = None
) -> Email | None:
    """The email telling the applicant of ``status`` (or ``paid``) in ``text``, to the address
    the dossier gives; with ``copy_with`` (the changes it lists), the dossier's PDF attached. None
    when the bot sends no email."""
    address = dossier.content.get("applicant", {}).get("email")
    if not (sends_email and address):
        return None
    subject = email_subject(status, number=dossier_number(dossier))
    if copy_with is None:
        return Email(address, subject, text)
    return Email(address, subject, text, attach=saved_id(dossier), changes=copy_with)
