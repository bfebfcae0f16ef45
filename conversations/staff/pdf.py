"""A submitted dossier as a readable A4 PDF for IMC staff (fpdf2, with DejaVu Sans bundled so any
applicant's name prints, e.g. "Zoë Ŝmith", "Łukasz", "Đặng" or "Αλέξης").

The same inputs give the same bytes: the PDF's creation date is the submission time.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF, FontFace

from conversations.application.fields import Field, Repeated, Section
from conversations.application.flow import CONSENT, Flow
from conversations.application.parsing import show
from conversations.application.policy import Policy
from conversations.application.scope import reference_key
from conversations.application.summary import Quote, flatten
from conversations.staff.verdict import Verdict

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
TITLE = "IMC Certified Master Mentor application"

MARGIN = 15  # mm
LINE = 5.5  # mm, body line height
NOT_APPLICABLE = "—"
LABEL_STYLE = FontFace(emphasis="BOLD")
HEADINGS_STYLE = FontFace(emphasis="BOLD", fill_color=(225, 230, 238))
STRIPE = (245, 246, 248)
BOX = (236, 242, 250)

# The references table: (heading, width in mm of the 180 mm between the margins). At 7.5 pt the
# longest words of each column fit on a line (e.g. "representative", "jordan.lee@example.com").
REFERENCE_COLUMNS = (
    ("#", 5.5),
    ("Mentee", 25.5),
    ("Email", 36),
    ("Dates (start – end)", 28.5),
    ("Setting", 20),
    ("Letter", 21),
    ("Letter from", 21.5),
    ("Confidential", 22),
)


class _Document(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer = footer

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(110)
        self.cell(0, 5, f"{self._footer} · page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)


def render_pdf(
    content: Mapping,
    *,
    number: str,
    version: int,
    status: str,
    submitted_at: dt.datetime,
    flow: Flow,
    policy: Policy,
    verdict: Verdict,
    changes: Sequence[str] = (),
) -> bytes:
    """The dossier ``content`` (from ``review.dossier_content``) as PDF bytes."""
    answers = flatten(flow, content)
    # Which questions applied is judged as submitted: "today" is the submission date.
    applicable = {step.key for step in flow.applicable(answers, today=submitted_at.date(), policy=policy)}

    pdf = _Document(f"{TITLE} {number}, version {version}")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"{TITLE} {number}")
    pdf.set_subject(f"Dossier {number}, version {version} ({status}), submitted {_when(submitted_at)}")
    pdf.set_author("IMC")
    pdf.set_creator("CMM applicant assistant")
    pdf.set_lang("en")
    pdf.set_creation_date(submitted_at)
    pdf.add_page()

    _title(pdf, number=number, version=version, status=status, submitted=submitted_at)
    if changes:
        _heading(pdf, "Changed in this version", size=12)
        for change in changes:
            _bullet(pdf, change)
        pdf.ln(2)
    _quote_box(pdf, content)
    _eligibility(pdf, verdict)
    for section in flow.sections:
        _section(pdf, section, answers, applicable)
    return bytes(pdf.output())


def _title(pdf: FPDF, *, number: str, version: int, status: str, submitted: dt.datetime) -> None:
    pdf.set_font(FONT, "B", 17)
    pdf.multi_cell(0, 9, _clean(TITLE), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 7, _clean(f"Dossier {number} · version {version}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, LINE, _clean(f"Status: {status}"), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, LINE, f"Submitted: {_when(submitted)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _quote_box(pdf: FPDF, content: Mapping) -> None:
    fee = (content.get("fee") or {}).get("amount")
    weeks = content.get("review_weeks")
    quote = Quote(fee_usd=fee, review_weeks=tuple(weeks) if weeks else None)
    lines = quote.lines()
    if fee is None:
        lines.insert(0, "Application fee: not known")
    if not weeks:
        lines.append("Review time: not known")
    pdf.set_font(FONT, "", 10)
    pdf.set_fill_color(*BOX)
    pdf.multi_cell(0, LINE, "\n".join(lines), border=1, fill=True, padding=3, new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(255)
    pdf.ln(4)


def _eligibility(pdf: FPDF, verdict: Verdict) -> None:
    _heading(pdf, "Eligibility", size=13)
    pdf.set_font(FONT, "B", 10)
    if verdict.problems:
        pdf.multi_cell(0, LINE, "Does not pass the rules:", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        for problem in verdict.problems:
            _bullet(pdf, problem)
    else:
        pdf.multi_cell(0, LINE, "All rules pass", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    if verdict.warnings:
        pdf.ln(1)
        pdf.multi_cell(0, LINE, "To look at:", new_x="LMARGIN", new_y="NEXT")
        for warning in verdict.warnings:
            _bullet(pdf, warning)
    else:
        pdf.multi_cell(0, LINE, "No warnings.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _section(pdf: FPDF, section: Section, answers: Mapping[str, Any], applicable: set[str]) -> None:
    _heading(pdf, section.title, size=13)
    rows: list[tuple[Field, Any]] = []
    for item in section.items:
        if isinstance(item, Repeated):
            _rows(pdf, rows)
            rows = []
            _references(pdf, item, answers, applicable)
        elif item.key in answers and item.key in applicable and item.key != CONSENT:
            rows.append((item, answers[item.key]))
    _rows(pdf, rows)
    if any(isinstance(item, Field) and item.key == CONSENT for item in section.items):
        given = "given" if answers.get(CONSENT) == "yes" else "not given"
        pdf.set_font(FONT, "", 10)
        pdf.ln(1)
        pdf.multi_cell(0, LINE, f"Consent to store and process the data: {given}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _rows(pdf: FPDF, rows: list[tuple[Field, Any]]) -> None:
    """Label/value rows; values wrap within their column."""
    if not rows:
        return
    pdf.set_font(FONT, "", 10)
    with pdf.table(
        col_widths=(0.3, 0.7),
        first_row_as_headings=False,
        borders_layout="NONE",
        text_align="LEFT",
        cell_fill_color=STRIPE,
        cell_fill_mode="ROWS",
        line_height=LINE,
        padding=(1, 2),
        v_align="TOP",
    ) as table:
        for field, value in rows:
            row = table.row()
            row.cell(_clean(field.label), style=LABEL_STYLE)
            row.cell(_clean(show(field, value)))


def _references(pdf: FPDF, repeated: Repeated, answers: Mapping[str, Any], applicable: set[str]) -> None:
    fields = {field.key: field for field in repeated.fields}

    def shown(number: int, key: str) -> str:
        answer_key = reference_key(number, key)
        if answer_key not in applicable or answer_key not in answers:
            return NOT_APPLICABLE
        return show(fields[key], answers[answer_key])

    _heading(pdf, f"{repeated.title}s", size=11)
    pdf.set_font(FONT, "", 7.5)
    with pdf.table(
        col_widths=tuple(width for _, width in REFERENCE_COLUMNS),
        headings_style=HEADINGS_STYLE,
        text_align="LEFT",
        line_height=3.8,
        padding=(1, 1),
        v_align="TOP",
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for title, _ in REFERENCE_COLUMNS:
            heading.cell(title)
        for number in range(1, repeated.count + 1):
            letter = answers.get(reference_key(number, "letter"))
            cells = (
                str(number),
                shown(number, "mentee_name"),
                shown(number, "mentee_email"),
                f"{shown(number, 'start_date')} – {shown(number, 'end_date')}",
                shown(number, "setting"),
                shown(number, "letter") if letter is not None else "none",
                shown(number, "letter_author"),
                shown(number, "confidentiality"),
            )
            row = table.row()
            for text in cells:
                row.cell(_clean(text))
    pdf.ln(2)


def _heading(pdf: FPDF, text: str, *, size: int) -> None:
    if pdf.will_page_break(size + 16):  # keep a heading with what follows it
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.55, _clean(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "", 10)


def _bullet(pdf: FPDF, text: str) -> None:
    pdf.set_x(pdf.l_margin + 2)
    pdf.cell(5, LINE, "•")
    pdf.multi_cell(0, LINE, _clean(text), new_x="LMARGIN", new_y="NEXT")


def _clean(text: str) -> str:
    """Composed characters ("e" + "¨" becomes "ë"), so letters print as one glyph."""
    return unicodedata.normalize("NFC", text)


def _when(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"
