"""Dossier numbers. ``CMM-000001`` names an application whatever its version, as it is made from
the applicant's id; staff may write it ``CMM-000001``, ``cmm-1`` or just ``1``."""

from __future__ import annotations

import re

from storage.models import Dossier

_WRITTEN = re.compile(r"(?:CMM-)?0*(\d+)", re.IGNORECASE)


def dossier_number(dossier: Dossier) -> str:
    """The application's number: the same for every version of it."""
    return f"CMM-{dossier.applicant_id:06d}"


def version_name(dossier: Dossier) -> str:
    """What one version is called in file and folder names and captions: ``CMM-000001-v2``."""
    return f"{dossier_number(dossier)}-v{dossier.version}"


def pdf_name(dossier: Dossier) -> str:
    """The file name of a version's PDF, for staff and the applicant alike: ``CMM-000001-v2.pdf``."""
    return f"{version_name(dossier)}.pdf"


def applicant_id_in(reference: str | int) -> int | None:
    """The applicant whose application ``reference`` names, or None if it is no dossier number."""
    match = _WRITTEN.fullmatch(str(reference).strip())
    return int(match.group(1)) if match else None
