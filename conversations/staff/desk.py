"""What credentialing staff do with submitted dossiers, whatever channel they work in.

Each action checks that it follows from the dossier's status (``lifecycle``), records who did it,
when and why, and queues the applicant's notice, all in one transaction. Actions name a dossier
by its number (``CMM-000001``, or just ``1``), which always means the newest version; a button
carries the exact version it was shown for, so a press under an older version changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from conversations.application import prompts
from conversations.application.evidence import questions_of_files
from conversations.application.fields import Step
from conversations.application.flow import CENTER_TYPES, CONSENT, Flow
from conversations.application.machine import Conversation
from conversations.application.policy import Policy
from conversations.application.summary import flatten, frozen_quote
from conversations.dossier import lifecycle
from conversations.dossier.emails import status_email
from conversations.dossier.numbers import applicant_id_in, dossier_number, pdf_name
from conversations.messages import Document, Outbound
from conversations.notices import Email, tell_applicant
from conversations.staff.export import to_json, to_text
from conversations.staff.reading import SectionReading, read
from conversations.staff.verdict import Verdict, verdict
from conversations.text_hygiene import Unusable, clean_text
from storage.models import Applicant, Dossier, DossierStatus, StaffNote, StatusChange, saved_id
from storage.unit_of_work import Storage, Transaction


class StaffError(Exception):
    """An action that can't be done; the message says why, for the staff member."""


@dataclass(frozen=True)
class QueueEntry:
    dossier_id: int
    number: str
    version: int
    status: str
    applicant: str
    email: str
    center_type: str  # the option's value, as ``CENTER_TYPES`` has it
    fee_status: str  # due, paid or nothing to pay (``lifecycle.fee_words``)
    waiting: dt.timedelta  # since the last change of status
    claimed_by: str  # the staff member reviewing it, or ""

    def matches(self, text: str) -> bool:
        """Whether ``text`` is part of the applicant's name or email or of the dossier number
        (or is the number as staff shorten it: CMM-3, 3), whatever the case; every entry matches
        no text."""
        wanted = text.strip().casefold()
        if wanted and applicant_id_in(wanted) == applicant_id_in(self.number):
            return True
        return not wanted or any(wanted in said.casefold() for said in (self.applicant, self.email, self.number))


@dataclass(frozen=True)
class EvidenceItem:
    name: str  # numbered in the order of the questions: "01-certificate.pdf"
    sha256: str
    mime: str  # as checked when it was received: application/pdf, image/jpeg or image/png
    given_for: tuple[str, ...] = ()  # the questions that gave it ("Reference 1 · Reference letter"), one file for all


@dataclass(frozen=True)
class VersionEntry:
    """A version the applicant submitted, and what it changed from the one before (nothing for
    the first)."""

    version: int
    submitted_at: dt.datetime
    status: str
    changes: list[str]


@dataclass(frozen=True)
class DossierReading:
    """A dossier's newest version as staff read it whole: its status history, every version with
    what it changed, the verdict on it, and its sections."""

    dossier: Dossier
    history: list[StatusChange]
    versions: list[VersionEntry]  # the newest first
    verdict: Verdict
    sections: list[SectionReading]
    notes: list[StaffNote]  # between staff, oldest first; the applicant never sees them
    claimed_by: str  # the staff member reviewing it, or ""


@dataclass(frozen=True)
class Export:
    number: str  # the dossier's
    pdf: bytes
    json: bytes
    evidence_zip: bytes


@dataclass(frozen=True)
class Submission:
    """A dossier version handed to staff, and what changed since the version before (nothing for
    a first version)."""

    dossier: Dossier
    changes: list[str]


def waited(delta: dt.timedelta) -> str:
    """A time waited, as staff read it: "2 days 3 h", "3 h 5 min", "5 min", "under a minute"."""
    days, hours, minutes = delta.days, delta.seconds // 3600, delta.seconds % 3600 // 60
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else "under a minute"


NOTE_LENGTH = 4000  # characters of a note between staff

# Rendered PDFs kept by a desk: a submission needs its PDF two or three times at once (staff's
# hand-off, the applicant's copy in the chat and by email), and a PDF takes a quarter of a second.
_KEPT_PDFS = 16


class StaffDesk:
    def __init__(self, storage: Storage, *, policy: Policy, flow: Flow | None = None) -> None:
        self.storage = storage
        self.policy = policy
        self.flow = flow or Flow()
        self._pdfs: OrderedDict[tuple[int, int, str, tuple[str, ...]], bytes] = OrderedDict()
        self._pdfs_guard = threading.Lock()  # deliveries render in worker threads

    # -- looking ----------------------------------------------------------------------------

    def queue(self, status: str | None = None, *, every: bool = False) -> list[QueueEntry]:
        """Open applications (or those in ``status``, or with ``every`` all), the longest waiting
        first."""
        wanted = (
            tuple(DossierStatus) if every else (status,) if status else (*lifecycle.OPEN, DossierStatus.INFO_REQUESTED)
        )
        with self.storage.reading() as tx:
            dossiers = [dossier for dossier in tx.dossiers.latest_versions() if dossier.status in wanted]
            changed = tx.dossiers.last_changes([saved_id(dossier) for dossier in dossiers])
            claims = tx.staff_notes.claims([dossier.applicant_id for dossier in dossiers])
            now = tx.now
        entries = [
            QueueEntry(
                saved_id(dossier),
                dossier_number(dossier),
                dossier.version,
                dossier.status,
                dossier.content.get("applicant", {}).get("full_name", "?"),
                dossier.content.get("applicant", {}).get("email", ""),
                dossier.content.get("training", {}).get("center_type", ""),
                lifecycle.fee_words(dossier.status, dossier.fee_status),
                now - changed.get(saved_id(dossier), dossier.submitted_at),
                claims.get(dossier.applicant_id, ""),
            )
            for dossier in dossiers
        ]
        return sorted(entries, key=lambda entry: entry.waiting, reverse=True)

    def describe(self, reference: str | int) -> str:
        """A dossier as staff read it: status, fee, history, verdict and every answer."""
        with self.storage.transaction() as tx:
            dossier = self._latest(tx, reference)
            history = tx.dossiers.history(dossier.applicant_id)
        judged = self.verdict(dossier)
        lines = [f"Status: {lifecycle.WORDS.get(dossier.status, dossier.status)} · fee {dossier.fee_status}"]
        lines += [
            f"  {change.at:%Y-%m-%d %H:%M} {change.status} by {change.actor}"
            + (f": {change.note}" if change.note else "")
            for change in history
        ]
        lines += judged.lines()
        return "\n".join(lines) + "\n\n" + to_text(dossier, flow=self.flow, policy=self.policy)

    def read(self, reference: str | int) -> DossierReading:
        """The newest version of a dossier, whole (``describe`` tells the same as text)."""
        with self.storage.reading() as tx:
            dossier = self._found(tx, reference)
            history = tx.dossiers.history(dossier.applicant_id)
            versions = tx.dossiers.versions_of(dossier.applicant_id)
            notes = tx.staff_notes.of(dossier.applicant_id)
            claim = tx.staff_notes.claim(dossier.applicant_id)
        sections = read(self.flow, dossier.content, submitted_at=dossier.submitted_at, policy=self.policy)
        return DossierReading(
            dossier,
            history,
            self._versions(versions),
            self.verdict(dossier),
            sections,
            notes,
            claim.staff if claim is not None else "",
        )

    def newest(self, reference: str | int) -> Dossier:
        """The newest version of the application ``reference`` names, to look at."""
        with self.storage.reading() as tx:
            return self._found(tx, reference)

    def claim(self, reference: str | int, *, actor: str, release: bool = False) -> Dossier:
        """The application is ``actor``'s to review from now (or, with ``release``, no one's)."""
        with self.storage.transaction() as tx:
            dossier = self._latest(tx, reference)
            tx.staff_notes.set_claim(dossier.applicant_id, None if release else actor)
            return dossier

    def add_note(self, reference: str | int, *, actor: str, text: str) -> Dossier:
        """A note for staff about the application; the applicant never sees it."""
        text = text.strip()
        if not text:
            raise StaffError("The note is empty; write it first. Nothing was saved.")
        if len(text) > NOTE_LENGTH:
            raise StaffError(f"A note can be at most {NOTE_LENGTH} characters; this one is {len(text)}.")
        with self.storage.transaction() as tx:
            dossier = self._latest(tx, reference)
            tx.staff_notes.add(dossier.applicant_id, actor, text)
            return dossier

    def _versions(self, versions: Sequence[Dossier]) -> list[VersionEntry]:
        entries: list[VersionEntry] = []
        before: dict | None = None
        for version in versions:
            answers = flatten(self.flow, version.content)
            changed: list[str] = []
            if before is not None:
                today = version.submitted_at.date()
                changed = prompts.changes(self.flow, before, answers, today=today, policy=self.policy)
            entries.append(VersionEntry(version.version, version.submitted_at, version.status, changed))
            before = answers
        return entries[::-1]

    def verdict(self, dossier: Dossier) -> Verdict:
        return verdict(self.flow, dossier.content, today=dossier.submitted_at.date(), policy=self.policy)

    def pdf(self, dossier: Dossier, changes: Sequence[str] = ()) -> bytes:
        """The dossier version's PDF; the same version, status and changes give the same bytes,
        so the last few rendered are kept."""
        key = (saved_id(dossier), dossier.version, dossier.status, tuple(changes))
        with self._pdfs_guard:
            kept = self._pdfs.get(key)
        if kept is not None:
            return kept
        rendered = self._render(dossier, changes)
        with self._pdfs_guard:
            self._pdfs[key] = rendered
            while len(self._pdfs) > _KEPT_PDFS:
                self._pdfs.popitem(last=False)
        return rendered

    def _render(self, dossier: Dossier, changes: Sequence[str]) -> bytes:
        # Imported here: fpdf2 takes a third of a second to load, which commands that make no
        # PDF (listing the queue, approving) should not pay.
        from conversations.staff.pdf import render_pdf

        return render_pdf(
            dossier.content,
            number=dossier_number(dossier),
            version=dossier.version,
            status=lifecycle.WORDS.get(dossier.status, dossier.status),
            submitted_at=dossier.submitted_at,
            flow=self.flow,
            policy=self.policy,
            verdict=self.verdict(dossier),
            changes=changes,
        )

    def applicant_copy(self, dossier_id: int, changes: Sequence[str] = ()) -> Document:
        """The applicant's copy of a dossier version an outbox message names: the PDF staff get."""
        dossier = self.reported_dossier(dossier_id)
        return Document(pdf_name(dossier), self.pdf(dossier, changes))

    def export(self, reference: str | int) -> Export:
        with self.storage.transaction() as tx:
            dossier = self._latest(tx, reference)
        return self.export_of(dossier)

    def evidence_files(self, dossier: Dossier) -> list[tuple[str, bytes]]:
        """The files the dossier's answers give (not one the applicant replaced), in the order of
        the questions, numbered so that two files of the same name stay apart."""
        return [(item.name, self.storage.files.read(item.sha256)) for item in self.evidence(dossier)]

    def evidence(self, dossier: Dossier) -> list[EvidenceItem]:
        """What ``evidence_files`` gives, without reading the files."""
        with self.storage.reading() as tx:
            stored = {item.sha256: item for item in tx.evidence.of(dossier.applicant_id)}
        given = questions_of_files(self.flow, flatten(self.flow, dossier.content))
        return [
            EvidenceItem(
                f"{number:02d}-{stored[sha256].original_name}",
                sha256,
                stored[sha256].mime,
                tuple(f"{step.group} · {step.field.label}" for step in given[sha256]),
            )
            for number, sha256 in enumerate((sha256 for sha256 in given if sha256 in stored), start=1)
            if self.storage.files.path(sha256).exists()
        ]

    def export_of(self, dossier: Dossier, changes: Sequence[str] = ()) -> Export:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as files:
            for name, content in self.evidence_files(dossier):
                files.writestr(name, content)
        document = json.dumps(to_json(dossier), indent=2, ensure_ascii=False).encode()
        return Export(dossier_number(dossier), self.pdf(dossier, changes), document, archive.getvalue())

    def notification(self, dossier: Dossier, changes: Sequence[str] = ()) -> str:
        """What staff read when a dossier (or a new version of one) arrives."""
        content = dossier.content
        applicant = content.get("applicant", {})
        training = content.get("training", {})
        judged = self.verdict(dossier)
        quoted = frozen_quote(content)
        center = next((option.label for option in CENTER_TYPES if option.value == training.get("center_type")), "?")
        first = "New application" if dossier.version == 1 else "Resubmitted application"
        lines = [
            f"{first} {dossier_number(dossier)} (version {dossier.version})",
            f"Applicant: {applicant.get('full_name')} <{applicant.get('email')}>",
            f"{'IMC member' if applicant.get('is_member') == 'yes' else 'Not a member'}"
            f" · fee {quoted.fee_usd} USD ({dossier.fee_status})",
            f"Training: {center}"
            + (
                f" · review about {quoted.review_weeks[0]}–{quoted.review_weeks[1]} weeks"
                if quoted.review_weeks
                else ""
            ),
            *judged.lines(),
        ]
        if changes:
            lines += ["Changed in this version:", *(f"  • {change}" for change in changes)]
        return "\n".join(lines)

    def dossier(self, dossier_id: int) -> Dossier | None:
        """A dossier named from outside (a button, a command line), which may not exist."""
        with self.storage.reading() as tx:
            return tx.dossiers.by_id(dossier_id)

    def submission(self, payload: dict) -> Submission:
        """The dossier version an outbox message hands to staff (``Dossiers.submit`` writes it)."""
        return Submission(self.reported_dossier(payload["dossier_id"]), payload.get("changes", []))

    def reported_dossier(self, dossier_id: int) -> Dossier:
        """The dossier an outbox message reports on. It exists (the message was written with it,
        and dossiers are kept); should it not, the message fails with this error, to be retried."""
        dossier = self.dossier(dossier_id)
        if dossier is None:
            raise LookupError(f"Dossier {dossier_id}, reported by an outbox message, does not exist.")
        return dossier

    def requestable(self, dossier: Dossier) -> list[Step]:
        """The questions staff can reopen for this dossier."""
        answers = flatten(self.flow, dossier.content)
        today = dossier.submitted_at.date()
        return [step for step in self.flow.applicable(answers, today=today, policy=self.policy) if step.key != CONSENT]

    # -- acting -----------------------------------------------------------------------------

    def start_review(self, reference: str | int, *, actor: str, version: int | None = None) -> Dossier:
        return self.act(reference, "start_review", actor=actor, version=version)

    def approve(self, reference: str | int, *, actor: str, note: str = "", version: int | None = None) -> Dossier:
        return self.act(reference, "approve", actor=actor, note=note, version=version)

    def reject(self, reference: str | int, *, actor: str, note: str = "", version: int | None = None) -> Dossier:
        return self.act(reference, "reject", actor=actor, note=note, version=version)

    def request_information(
        self, reference: str | int, wanted: Sequence[str], *, actor: str, note: str = "", version: int | None = None
    ) -> Dossier:
        """Reopen exactly the named questions (keys, labels, a reference like "Reference 2", or a
        section) in the applicant's conversation, and ask the applicant for them."""
        note = _plain_note(note)
        with self.storage.transaction() as tx:
            dossier = self._latest(tx, reference, version)
            steps = self._resolve(dossier, wanted)
            status = self._advance(dossier, "request_information")
            dossier.requested = [step.key for step in steps]
            tx.dossiers.record_status(dossier, status, actor=actor, note=note)
            applicant = tx.applicants.existing(dossier.applicant_id)
            answers = dict(tx.applicants.draft_of(applicant).answers)
            conversation = Conversation(
                self.flow,
                answers=answers,
                context={},
                today=tx.now.date(),
                policy=self.policy,
            )
            conversation.reopen(dossier.requested)
            conversation.state = steps[0].key
            question = prompts.question(conversation, steps[0])
            tx.applicants.save_draft(
                saved_id(applicant), state=steps[0].key, answers=answers, context=conversation.context
            )
            requested = [f"{step.group} · {step.field.label}" for step in steps]
            number = dossier_number(dossier)
            text = lifecycle.applicant_message(status, number=number, note=note, requested=requested)
            emailed = lifecycle.applicant_message(status, number=number, note=note, requested=requested, by_email=True)
            self._tell(
                tx,
                applicant,
                Outbound(
                    f"{text}\n\n{question.text}", question.choices, question.expects_file, steps[0].key, question.form
                ),
                self._email(dossier, status, emailed),
            )
            return dossier

    def mark_paid(self, reference: str | int, *, actor: str, version: int | None = None) -> Dossier:
        with self.storage.transaction() as tx:
            dossier = self._latest(tx, reference, version)
            if dossier.fee_status == "paid":
                raise StaffError(f"The fee for {dossier_number(dossier)} is already marked paid.")
            dossier.fee_status = "paid"
            tx.dossiers.record_status(dossier, dossier.status, actor=actor, note=lifecycle.FEE_PAID)
            text = lifecycle.applicant_message("paid", number=dossier_number(dossier))
            self._tell(
                tx, tx.applicants.by_id(dossier.applicant_id), Outbound(text), self._email(dossier, "paid", text)
            )
            return dossier

    def act(
        self, reference: str | int, action: str, *, actor: str, note: str = "", version: int | None = None
    ) -> Dossier:
        """``start_review``, ``approve`` or ``reject`` the application (what a staff button does)."""
        note = _plain_note(note)
        with self.storage.transaction() as tx:
            dossier = self._latest(tx, reference, version)
            status = self._advance(dossier, action)
            tx.dossiers.record_status(dossier, status, actor=actor, note=note)
            weeks = dossier.content.get("review_weeks")
            text = lifecycle.applicant_message(status, number=dossier_number(dossier), note=note, weeks=weeks)
            self._tell(
                tx, tx.applicants.by_id(dossier.applicant_id), Outbound(text), self._email(dossier, status, text)
            )
            return dossier

    def _advance(self, dossier: Dossier, action: str) -> str:
        try:
            return lifecycle.advance(dossier.status, action)
        except lifecycle.NotAllowed as error:
            raise StaffError(f"{dossier_number(dossier)}: {error}") from None

    def _tell(self, tx: Transaction, applicant: Applicant | None, outbound: Outbound, email: Email | None) -> None:
        if applicant is not None:  # None: withdrawn, nobody to tell
            tell_applicant(tx, applicant, outbound, email)

    def _email(self, dossier: Dossier, status: str, text: str) -> Email | None:
        return status_email(dossier, status, text, sends_email=self.policy.sends_email)

    def _latest(self, tx: Transaction, reference: str | int, version: int | None = None) -> Dossier:
        """The newest version of the application ``reference`` names, locked to be changed; with
        ``version`` (from a button), that version must still be the newest."""
        return tx.dossiers.locked(self._found(tx, reference, version))

    def _found(self, tx: Transaction, reference: str | int, version: int | None = None) -> Dossier:
        """``_latest``, not locked: to look at."""
        found = tx.dossiers.latest(_applicant_number(reference))
        if found is None:
            raise StaffError(f"There is no dossier {reference}; the queue lists those there are.")
        if version is not None and version != found.version:
            raise StaffError(
                f"That was for version {version} of {dossier_number(found)}; "
                f"version {found.version} is the current one."
            )
        return found

    def _resolve(self, dossier: Dossier, wanted: Sequence[str]) -> list[Step]:
        steps = self.requestable(dossier)
        chosen: list[Step] = []
        for name in wanted:
            loose = _loose(name)
            matches = [
                step
                for step in steps
                if loose
                in (
                    _loose(step.key),
                    _loose(step.group),
                    _loose(step.section.title),
                    _loose(step.section.key),
                    _loose(f"{step.group} {step.field.label}"),
                )
                or (loose == _loose(step.field.label) and step.repeat is None)
            ]
            if not matches:
                known = ", ".join(step.key for step in steps)
                raise StaffError(
                    f"“{name}” is not a question of this dossier. Name a section, a reference "
                    f"(e.g. Reference 2) or a question: {known}"
                )
            chosen += [step for step in matches if step not in chosen]
        if not chosen:
            raise StaffError("Name at least one question or section to ask about.")
        return sorted(chosen, key=lambda step: self.flow.index(step.key))


def _plain_note(note: str) -> str:
    """A note the applicant will read, held to the rules of what applicants type."""
    try:
        return clean_text(note)
    except Unusable as error:
        raise StaffError(
            f"Nothing was changed: I can't use {error.what}. Write the note as plain text, "
            "e.g. Please send the signed letter from your supervisor."
        ) from error


def _applicant_number(reference: str | int) -> int:
    applicant_id = applicant_id_in(reference)
    if applicant_id is None:
        raise StaffError(f"“{reference}” is not a dossier number; use e.g. CMM-000001 or 1.")
    return applicant_id


def _loose(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())
