"""Staff commands typed in the staff channel, the staff group or the terminal, read the same way
everywhere: ``queue``, ``show 1``, ``export 1``, ``review 1``, ``request 1 training hours,
Reference 2 -- note``, ``approve 1 note``, ``reject 1 note``, ``paid 1``, and ``web``: a
sign-in link to the staff web desk, for the one who asked alone."""

from __future__ import annotations

from dataclasses import dataclass, field

from conversations.commands import Command, parse_command
from conversations.dossier import lifecycle
from conversations.dossier.numbers import dossier_number
from conversations.staff.desk import StaffDesk, StaffError, waited
from conversations.staff.web_access import WebAccess
from storage.models import DossierStatus

HELP = """Staff commands (N is a dossier number such as CMM-000001, or just 1):
  queue [status]    open applications, the longest waiting first
  show N            the whole dossier, its status and history
  export N          the dossier as PDF and JSON, and its evidence as a zip
  review N          start the review
  request N questions -- note
                    ask the applicant for information: questions, references (Reference 2) or
                    sections, separated by commas; the note after -- is shown to the applicant
  approve N [note]  approve
  reject N [note]   reject (the note is shown to the applicant)
  paid N            mark the application fee paid
  web               a sign-in link to the staff web desk, sent to you alone"""


@dataclass
class StaffReply:
    text: str
    files: list[tuple[str, bytes]] = field(default_factory=list)
    refused: bool = False  # nothing was done: a mistake, or a step the dossier's status does not allow
    private: bool = False  # for the staff member who asked alone (a sign-in link), never the group


def web_link_reply(link: str) -> StaffReply:
    return StaffReply(
        f"Your sign-in link to the staff web desk (it works once, within 10 minutes):\n{link}", private=True
    )


def run(desk: StaffDesk, text: str, *, actor: str, web: WebAccess | None = None) -> StaffReply:
    """Do what ``text`` says, as ``actor``; a mistake comes back as a reply, never an exception.
    ``web``: where sign-in links to the web desk come from (none: the desk is not offered)."""
    # Staff may leave out the slash (``queue``); nothing at all asks for help.
    command = parse_command("/" + text.strip().lstrip("/")) or Command("help", "")
    words = command.argument.split(maxsplit=1)
    reference = words[0] if words else ""
    rest = words[1] if len(words) > 1 else ""
    try:
        if command.name == "web":
            if web is None:
                raise StaffError("The staff web desk is not set up here.")
            return web_link_reply(web.link_for(actor))
        return _run(desk, command.name, reference, rest, actor)
    except StaffError as error:
        return StaffReply(str(error), refused=True)


def _run(desk: StaffDesk, name: str, reference: str, rest: str, actor: str) -> StaffReply:
    if name == "queue":
        status = reference or None
        if status and status not in list(DossierStatus):
            raise StaffError(f"Unknown status “{status}”; use one of: {', '.join(DossierStatus)}.")
        entries = desk.queue(status)
        if not entries:
            return StaffReply("Nothing waiting.")
        return StaffReply(
            "\n".join(
                f"{entry.number} v{entry.version} · {lifecycle.WORDS[entry.status]} · {entry.applicant} · "
                f"fee {entry.fee_status} · waiting {waited(entry.waiting)}"
                for entry in entries
            )
        )
    if name == "help" or not reference:
        return StaffReply(HELP, refused=name != "help")
    if name == "show":
        return StaffReply(desk.describe(reference))
    if name == "export":
        export = desk.export(reference)
        number = export.number
        return StaffReply(
            f"Export of {number}.",
            [
                (f"{number}.pdf", export.pdf),
                (f"{number}.json", export.json),
                (f"{number}-evidence.zip", export.evidence_zip),
            ],
        )
    if name == "review":
        dossier = desk.start_review(reference, actor=actor)
        return StaffReply(f"{dossier_number(dossier)} is now in review (version {dossier.version}).")
    if name == "request":
        questions, _, note = rest.partition("--")
        wanted = [item.strip() for item in questions.split(",") if item.strip()]
        dossier = desk.request_information(reference, wanted, actor=actor, note=note.strip())
        return StaffReply(f"Asked the applicant of {dossier_number(dossier)} about: {', '.join(wanted)}.")
    if name == "approve":
        dossier = desk.approve(reference, actor=actor, note=rest)
        return StaffReply(f"{dossier_number(dossier)} is approved; the applicant is told.")
    if name == "reject":
        dossier = desk.reject(reference, actor=actor, note=rest)
        return StaffReply(f"{dossier_number(dossier)} is rejected; the applicant is told.")
    if name == "paid":
        dossier = desk.mark_paid(reference, actor=actor)
        return StaffReply(f"The fee of {dossier_number(dossier)} is marked paid.")
    return StaffReply(f"I don't know “{name}”.\n{HELP}", refused=True)
