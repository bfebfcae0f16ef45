"""The staff PDF of a dossier submitted through the engine: every answer is in it, names in any
script print, long answers wrap, and the verdict and the changes are shown."""

from __future__ import annotations

import copy
import datetime as dt
import io
import logging
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from sqlmodel import Session, select

from conversations.application.engine import ConversationEngine
from conversations.application.flow import CONSENT, REFERENCES, Flow
from conversations.application.parsing import show
from conversations.application.policy import Policy
from conversations.application.scope import reference_key
from conversations.application.summary import flatten
from conversations.dossier.numbers import dossier_number
from conversations.staff.pdf import render_pdf
from conversations.staff.verdict import verdict
from storage.models import Dossier
from storage.unit_of_work import Storage
from tests.conftest import (
    FULL_APPLICATION,
    SUBMIT,
    SUPERVISION_ANSWERS,
    TODAY,
    Applicant,
    ManualClock,
    make_engine_on,
    open_storage,
)
from tests.databases import sqlite_copy

# Where the references table shows each field of a reference: a column, or a line under its row.
REFERENCE_COLUMN = {
    "mentee_name": "Mentee",
    "mentee_email": "Email:",
    "start_date": "Dates (start – end)",
    "end_date": "Dates (start – end)",
    "setting": "Setting",
    "letter": "Letter:",
    "letter_author": "Letter from",
    "confidentiality": "Confidential",
}
HEADINGS = (
    "Changed in this version",
    "Eligibility",
    "About you",
    "Training",
    "Experience",
    "References",
    "Supervision",
)
LONG_EMAIL = "alexandra.konstantinopoulou-vanderberg@university-of-somewhere.example.com"
LONG_FILE_NAME = "reference letter from the mentee's manager, signed and scanned (final) 2023.pdf"
UNICODE_NAME = "Zoë Łukasz-Đặng"


def submit(engine: ConversationEngine, storage: Storage, answers: list, user_id: str = "applicant-1") -> Dossier:
    Applicant(engine, user_id).answer_all(answers + SUBMIT)
    with Session(storage.engine) as session:
        dossiers = session.exec(select(Dossier).order_by(Dossier.id)).all()
    assert dossiers, "the application was not submitted"
    return dossiers[-1]


def render(dossier: Dossier, changes=(), policy: Policy | None = None) -> bytes:
    flow, policy = Flow(), policy or Policy()
    judged = verdict(flow, dossier.content, today=TODAY, policy=policy)
    return render_pdf(
        dossier.content,
        number=dossier_number(dossier),
        version=dossier.version,
        status=dossier.status,
        submitted_at=dossier.submitted_at,
        flow=flow,
        policy=policy,
        verdict=judged,
        changes=changes,
    )


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def text_of(data: bytes) -> str:
    """All pages' text, whitespace normalised (a wrapped line becomes one space)."""
    return unicodedata.normalize("NFC", " ".join(" ".join(pages(data)).split()))


def with_answer(answers: list, old, new) -> list:
    assert answers.count(old) == 1, old
    return [new if answer == old else answer for answer in answers]


@pytest.fixture(scope="module")
def submitted(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Dossier:
    """The whole application, submitted once for the tests of this module."""
    folder = tmp_path_factory.mktemp("pdf")
    storage = open_storage(sqlite_copy(sqlite_template, folder), folder / "files", ManualClock())
    dossier = submit(make_engine_on(storage), storage, FULL_APPLICATION)
    storage.engine.dispose()
    return dossier


@pytest.fixture
def dossier(submitted: Dossier) -> Dossier:
    """A copy of the submitted dossier, which the test may change."""
    return Dossier(**{**submitted.model_dump(), "content": copy.deepcopy(submitted.content)})


@pytest.fixture(scope="module")
def rendered(submitted: Dossier) -> bytes:
    """The submitted dossier's PDF, for the tests that only read it."""
    return render(submitted)


def test_every_answered_field_is_in_the_pdf_with_its_label(submitted: Dossier, rendered: bytes):
    flow, policy = Flow(), Policy()
    answers = flatten(flow, submitted.content)
    text = text_of(rendered)

    steps = [step for step in flow.applicable(answers, today=TODAY, policy=policy) if step.key != CONSENT]
    assert {step.key for step in steps} == set(answers) - {CONSENT}  # every saved answer is checked
    assert set(REFERENCE_COLUMN) == {field.key for field in REFERENCES.fields}
    for step in steps:
        shown = show(step.field, answers[step.key])
        if step.repeat is None:
            assert f"{step.field.label} {shown}" in text, step.key  # the label, then its value
        else:
            # A reference's fields are the columns of the references table; a skipped letter reads "none".
            assert REFERENCE_COLUMN[step.field.key] in text, step.key
            expected = "none" if step.field.key == "letter" and answers[step.key] is None else shown
            assert expected in text, step.key


def test_each_reference_is_one_row_of_the_table(submitted: Dossier, rendered: bytes):
    flow = Flow()
    answers = flatten(flow, submitted.content)
    text = text_of(rendered)
    assert "# Mentee Dates (start – end) Setting Letter from Confidential" in text

    def cell(n: int, key: str) -> str:
        answer_key = reference_key(n, key)
        if answer_key not in answers:
            return "—"
        if key == "letter" and answers[answer_key] is None:
            return "none"
        return show(flow.step(answer_key).field, answers[answer_key])

    for n in range(1, REFERENCES.count + 1):
        row = " ".join(
            [
                str(n),
                cell(n, "mentee_name"),
                f"{cell(n, 'start_date')} – {cell(n, 'end_date')}",
                cell(n, "setting"),
                cell(n, "letter_author"),
                cell(n, "confidentiality"),
                f"Email: {cell(n, 'mentee_email')}",
                f"Letter: {cell(n, 'letter')}",
            ]
        )
        assert row in text
        assert f"Mentee {n}" in text and f"mentee{n}@example.com" in text
    assert (
        "1 Mentee 1 1 January 2023 – 30 June 2023 External The mentee No "
        "Email: mentee1@example.com Letter: certificate.pdf"
    ) in text
    assert "2 Mentee 2 1 January 2023 – 30 June 2023 External — — Email: mentee2@example.com Letter: none" in text


def test_title_fee_review_time_and_consent(dossier: Dossier):
    data = render(dossier)
    text = text_of(data)
    number = dossier_number(dossier)
    assert text.startswith(f"IMC Certified Master Mentor application Dossier {number} · version {dossier.version}")
    assert "Status: submitted" in text
    assert f"Submitted: {dossier.submitted_at.day} {dossier.submitted_at:%B %Y, %H:%M} UTC" in text
    fee = dossier.content["fee"]["amount"]
    low, high = dossier.content["review_weeks"]
    assert (fee, low, high) == (598, 4, 6)  # not a member; an accredited center
    assert f"Application fee: {fee} USD Review time: about {low}–{high} weeks after submission" in text
    assert text.count("Consent") == 1
    assert "About you Full name Maria Gonzalez" in text
    assert "Consent to store and process the data: given Training" in text  # once, at the end of About you
    metadata = PdfReader(io.BytesIO(data)).metadata
    assert metadata.title == f"IMC Certified Master Mentor application {number}"
    assert number in metadata.subject and f"version {dossier.version}" in metadata.subject


def test_sections_come_in_flow_order_and_declarations_read_yes(rendered: bytes):
    text = text_of(rendered)
    headed = (
        "Eligibility All rules",
        "About you Full name",
        "Training Training center",
        "Experience Holds",
        "Supervision Supervisor ",
    )
    positions = [text.index(f" {heading}") for heading in headed]
    assert positions == sorted(positions)
    supervision = text[text.index(" Supervision Supervisor ") :]
    for label in ("Supervisor fit", "Supervision commitment", "Continuous learning"):
        assert f"{label} Yes" in supervision


def test_eligibility_says_all_rules_pass_and_lists_the_warnings(rendered: bytes):
    text = text_of(rendered)
    eligibility = text[text.index("Eligibility") : text.index("About you")]
    assert "All rules pass" in eligibility
    assert "Does not pass" not in eligibility
    assert "• No reference letter for references 2, 3, 4 and 5: IMC may contact those mentees to verify." in eligibility


def test_each_rule_shows_its_value_and_threshold(rendered: bytes):
    eligibility = pages(rendered)[0].split("\nEligibility\n")[1].split("\nAbout you\n")[0].splitlines()
    for line in (
        "Training hours: 52.5 — needs at least 50 ✓",
        "Holds the CPM: Yes — needs Yes ✓",
        "CPM cycle: 3 years since issue — needs at least 2 ✓",
        "Completed engagements: 12 — needs at least 10 ✓",
        "Continuous learning: Yes — needs Yes ✓",
    ):
        assert line in eligibility


def test_a_failing_rule_shows_the_policy_threshold(dossier: Dossier):
    text = text_of(render(dossier, policy=Policy(min_training_hours=60, cpm_cycle_years=4)))
    assert "Training hours: 52.5 — needs at least 60 ✗" in text
    assert "CPM cycle: 3 years since issue — needs at least 4 ✗" in text
    assert "Completed engagements: 12 — needs at least 10 ✓" in text


def test_an_ineligible_dossier_lists_its_problems(dossier: Dossier):
    # The dossier as submitted, judged under a policy that now asks for more training.
    text = text_of(render(dossier, policy=Policy(min_training_hours=60)))
    eligibility = text[text.index("Eligibility") : text.index("About you")]
    assert "All rules pass" not in eligibility
    assert (
        "Does not pass the rules: • Training · Training hours: You have 52.5 hours of mentoring training; "
        "the credential needs 60, so 7.5 more."
    ) in eligibility


def test_names_in_any_script_survive(engine: ConversationEngine, sqlite_storage: Storage, caplog):
    answers = with_answer(FULL_APPLICATION, "Maria Gonzalez", UNICODE_NAME)
    answers = with_answer(answers, "Sam Okafor", "Αλέξης Ŝmith")
    answers = with_answer(answers, "Mentee 3", "Łukasz Đặng")
    dossier = submit(engine, sqlite_storage, answers)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        text = text_of(render(dossier))
    assert f"Full name {UNICODE_NAME}" in text
    assert "Supervisor Αλέξης Ŝmith" in text
    assert "3 Łukasz Đặng 1 January 2023" in text and "Email: mentee3@example.com" in text
    assert not [record for record in caplog.records if "missing" in record.getMessage()]


def test_a_name_typed_with_combining_marks_prints_composed(dossier: Dossier):
    decomposed = unicodedata.normalize("NFD", UNICODE_NAME)
    assert decomposed != UNICODE_NAME
    dossier.content["applicant"]["full_name"] = decomposed
    raw = " ".join(" ".join(pages(render(dossier))).split())
    assert f"Full name {UNICODE_NAME}" in raw


def test_a_490_character_answer_wraps_and_is_all_there(engine: ConversationEngine, sqlite_storage: Storage):
    country = ", Ireland"
    words = ", ".join(f"Building {n} Harbour Road" for n in range(100))
    address = words[: 490 - len(country)].rstrip(", ")
    address = address + "x" * (490 - len(country) - len(address)) + country
    assert len(address) == 490
    dossier = submit(engine, sqlite_storage, with_answer(FULL_APPLICATION, SUPERVISION_ANSWERS[2], address))
    data = render(dossier)
    assert f"Supervisor address {address} Focus area Both" in text_of(data)
    lines = [line for page in pages(data) for line in page.splitlines() if "Building" in line]
    assert len(lines) >= 5  # wrapped onto several lines ...
    assert max(len(line) for line in lines) < 100  # ... each within the value's column


def test_an_unbroken_long_value_wraps_too(dossier: Dossier):
    program = "Mentoring" * 40  # 360 characters without a space
    dossier.content["training"]["program_name"] = program
    data = render(dossier)
    assert program in "".join(" ".join(pages(data)).split())
    assert max(len(line) for page in pages(data) for line in page.splitlines()) < 120


def test_changes_are_listed_near_the_top(dossier: Dossier):
    changes = ["Training hours: 48 → 52.5", "Reference 3 · Mentee email: mentee3@example.com"]
    text = text_of(render(dossier, changes=changes))
    assert (
        "Changed in this version • Training hours: 48 → 52.5 • Reference 3 · Mentee email: mentee3@example.com" in text
    )
    assert text.index("Changed in this version") < text.index("Application fee") < text.index("Eligibility")


def test_no_changes_no_heading(dossier: Dossier):
    assert "Changed in this version" not in text_of(render(dossier))
    assert "Changed in this version" not in text_of(render(dossier, changes=[]))


def test_pages_are_numbered(submitted: Dossier, rendered: bytes):
    texts = pages(rendered)
    assert len(texts) >= 2
    for number, page in enumerate(texts, start=1):
        assert f"page {number} of {len(texts)}" in page
        assert dossier_number(submitted) in page


def test_same_dossier_same_bytes(dossier: Dossier):
    dossier.submitted_at = dt.datetime(2026, 11, 2, 8, 15, 30, tzinfo=dt.UTC)
    data = render(dossier)
    assert data == render(dossier)
    # The PDF's own date is the submission time (not "now"), so a later render gives the same bytes.
    assert PdfReader(io.BytesIO(data)).metadata.creation_date == dt.datetime(2026, 11, 2, 8, 15, 30, tzinfo=dt.UTC)
    assert render(dossier, changes=["Email"]) != render(dossier)


def embedded_characters(data: bytes) -> set[str]:
    """The characters the PDF's embedded fonts can draw (their subsets' character maps)."""
    characters: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            subset = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            characters |= {chr(code) for code in subset.getBestCmap()}
    return characters


def test_each_document_embeds_only_the_glyphs_it_uses(dossier: Dossier):
    """The fonts are read once per process and lent to each document: what one document draws is
    not left in the next one's fonts, and the next one is the same as if it had come first."""
    plain = render(dossier)
    assert "Λ" not in embedded_characters(plain)
    greek = copy.deepcopy(dossier)
    greek.content["applicant"]["full_name"] = "Λεωνίδας Παπαδόπουλος"
    assert {"Λ", "ω", "ό"} <= embedded_characters(render(greek))
    assert render(dossier) == plain


def test_submitted_time_is_shown_in_utc(dossier: Dossier):
    dossier.submitted_at = dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert "Submitted: 29 November 2026, 04:30 UTC" in text_of(render(dossier))


def long_values(dossier: Dossier) -> Dossier:
    """The dossier with a long email and long file names (spaces in them too) wherever they go."""
    dossier.content["applicant"]["email"] = LONG_EMAIL
    dossier.content["supervision"]["supervisor_email"] = "supervisor." + LONG_EMAIL
    dossier.content["training"]["training_evidence"]["name"] = "certificate_" + LONG_FILE_NAME
    for n, reference in enumerate(dossier.content["experience"]["ref"], start=1):
        reference["mentee_email"] = f"mentee{n}.{LONG_EMAIL}"
        reference["letter"] = {"name": f"{n} {LONG_FILE_NAME}", "size": 48_000, "mime": "application/pdf"}
    return dossier


def test_emails_and_file_names_are_never_split_across_lines(dossier: Dossier):
    data = render(long_values(dossier))
    lines = [line for page in pages(data) for line in page.splitlines()]
    whole = [LONG_EMAIL, "supervisor." + LONG_EMAIL, "certificate_" + LONG_FILE_NAME]
    whole += [f"mentee{n}.{LONG_EMAIL}" for n in range(1, 6)] + [f"{n} {LONG_FILE_NAME}" for n in range(1, 6)]
    for value in whole:
        assert any(value in line for line in lines), value


def test_a_heading_shares_its_page_with_what_it_heads(dossier: Dossier):
    # Tall first rows under the headings, and more and more changes push each heading down the
    # page, past every page's end in turn.
    long_values(dossier)
    dossier.content["training"]["center_name"] = " ".join(["Global Mentoring Academy"] * 18)
    for count in range(30):
        changes = [f"Reference {n % 5 + 1} · Mentee email: mentee{n}@example.com" for n in range(count)]
        for number, page in enumerate(pages(render(dossier, changes=changes)), start=1):
            *content, _footer = page.splitlines()
            assert content[-1] not in HEADINGS, (count, number, content[-1])
