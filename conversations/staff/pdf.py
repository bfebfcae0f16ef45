"""A submitted dossier as a readable A4 PDF for IMC staff (fpdf2, with DejaVu Sans bundled so any
applicant's name prints, e.g. "Zoë Ŝmith", "Łukasz", "Đặng" or "Αλέξης").

The same inputs give the same bytes: the PDF's creation date is the submission time. Emails and
file names never break across lines (their cell's font shrinks until they fit one line), and a
heading always shares its page with the first line of what it heads.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fpdf import FPDF, FontFace

from conversations.application.fields import Field, Kind
from conversations.application.flow import Flow
from conversations.application.policy import Policy
from conversations.application.summary import frozen_quote
from conversations.staff.reading import Answer, Part, Reference, References, SectionReading, read
from conversations.staff.typefaces import FAMILY as FONT
from conversations.staff.typefaces import lend_fonts
from conversations.staff.verdict import Verdict

TITLE = "IMC Certified Master Mentor application"

MARGIN = 15  # mm
LINE = 5.5  # mm, body line height
LABEL_STYLE = FontFace(emphasis="BOLD")
HEADINGS_STYLE = FontFace(emphasis="BOLD", fill_color=(225, 230, 238))
STRIPE = (245, 246, 248)
BOX = (236, 242, 250)

ROW_PADDING = 2  # mm, left and right of a label/value cell
VALUE_WIDTH = 0.7  # of the width between the margins, for the value of a label/value row
# Answers shown whole on one line: an email or a file name split across lines misreads.
UNBROKEN = (Kind.EMAIL, Kind.FILE)

# The references table: (heading, width in mm of the 180 mm between the margins). Under each
# reference's row, one line across the table (but the "#" column) gives its email and letter.
REFERENCE_COLUMNS = (
    ("#", 6),
    ("Mentee", 43),
    ("Dates (start – end)", 48),
    ("Setting", 24),
    ("Letter from", 36),
    ("Confidential", 23),
)
REFERENCE_SIZE = 8  # pt
REFERENCE_PADDING = 1  # mm


class _Document(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer = footer
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self._trying = False

    def trial(self) -> _Document | None:
        """A page to try a layout on, at this page's height, with the fonts of this document; None
        when this is one (what is tried is not tried again).

        A copy of the document (fpdf2's ``offset_rendering``) costs two deep copies of it, the
        fonts' glyph tables included: more than half of a render. The fonts are shared instead:
        what is tried is drawn next for real, so the glyphs it adds to their subsets are used.
        """
        if self._trying:
            return None
        trial = _Document(self._footer)
        trial._trying = True
        trial.fonts.update(self.fonts)
        trial.add_page()
        trial.set_xy(self.x, self.y)
        return trial

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
    pdf = _Document(f"{TITLE} {number}, version {version}")
    lend_fonts(pdf)
    pdf.set_title(f"{TITLE} {number}")
    pdf.set_subject(f"Dossier {number}, version {version} ({status}), submitted {_when(submitted_at)}")
    pdf.set_author("IMC")
    pdf.set_creator("CMM applicant assistant")
    pdf.set_lang("en")
    pdf.set_creation_date(submitted_at)
    pdf.add_page()

    _title(pdf, number=number, version=version, status=status, submitted=submitted_at)
    if changes:
        _heading(pdf, "Changed in this version", size=12, then=lambda on: _bullet(on, changes[0]))
        for change in changes:
            _bullet(pdf, change)
        pdf.ln(2)
    _quote_box(pdf, content)
    _eligibility(pdf, verdict)
    for section in read(flow, content, submitted_at=submitted_at, policy=policy):
        _section(pdf, section)
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
    quote = frozen_quote(content)
    lines = quote.lines()
    if quote.fee_usd is None:
        lines.insert(0, "Application fee: not known")
    if quote.review_weeks is None:
        lines.append("Review time: not known")
    pdf.set_font(FONT, "", 10)
    pdf.set_fill_color(*BOX)
    pdf.multi_cell(0, LINE, "\n".join(lines), border=1, fill=True, padding=3, new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(255)
    pdf.ln(4)


def _eligibility(pdf: _Document, verdict: Verdict) -> None:
    def outcome(on: _Document) -> None:
        on.set_font(FONT, "B", 10)
        said = "Does not pass the rules:" if verdict.problems else "All rules pass"
        on.multi_cell(0, LINE, said, new_x="LMARGIN", new_y="NEXT")
        on.set_font(FONT, "", 10)

    _heading(pdf, "Eligibility", size=13, then=outcome)
    outcome(pdf)
    for problem in verdict.problems:
        _bullet(pdf, problem)
    pdf.ln(1)
    for check in verdict.checks:
        pdf.multi_cell(0, LINE, _clean(str(check)), new_x="LMARGIN", new_y="NEXT")
    if verdict.warnings:
        pdf.ln(1)
        pdf.multi_cell(0, LINE, "To look at:", new_x="LMARGIN", new_y="NEXT")
        for warning in verdict.warnings:
            _bullet(pdf, warning)
    else:
        pdf.multi_cell(0, LINE, "No warnings.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


# A part of a section, drawn on the document given, whole, or (given True) only its first row, to
# try whether a heading and that row fit together.
Draw = Callable[[_Document, bool], None]


def _section(pdf: _Document, section: SectionReading) -> None:
    parts: list[Draw] = [_part(part) for part in section.parts]
    consent = section.consent
    if consent is not None:
        parts.append(lambda on, first: _consent(on, consent))
    _heading(pdf, section.title, size=13, then=lambda on: parts[0](on, True) if parts else None)
    for part in parts:
        part(pdf, False)
    pdf.ln(3)


def _part(part: Part) -> Draw:
    if isinstance(part, References):
        return _references_part(part)
    return lambda on, first: _rows(on, part[:1] if first else part)


def _consent(pdf: FPDF, given: str) -> None:
    pdf.set_font(FONT, "", 10)
    pdf.ln(1)
    pdf.multi_cell(0, LINE, f"Consent to store and process the data: {given}", new_x="LMARGIN", new_y="NEXT")


def _rows(pdf: FPDF, rows: list[Answer]) -> None:
    """Label/value rows; values wrap within their column, but emails and file names stay whole."""
    pdf.set_font(FONT, "", 10)
    value_width = pdf.epw * VALUE_WIDTH - 2 * ROW_PADDING
    with pdf.table(
        col_widths=(1 - VALUE_WIDTH, VALUE_WIDTH),
        first_row_as_headings=False,
        borders_layout="NONE",
        text_align="LEFT",
        cell_fill_color=STRIPE,
        cell_fill_mode="ROWS",
        line_height=LINE,
        padding=(1, ROW_PADDING),
        v_align="TOP",
    ) as table:
        for answer in rows:
            row = table.row()
            row.cell(_clean(answer.label), style=LABEL_STYLE)
            whole = _whole(answer.field, answer.value)
            size = _fitting(pdf, whole, value_width, 10) if whole else 10
            row.cell(_clean(answer.shown), style=FontFace(size_pt=size))


def _references_part(part: References) -> Draw:
    def draw(on: _Document, first: bool) -> None:
        _heading(on, f"{part.title}s", size=11, then=lambda trial: _references(trial, part.references[:1]))
        _references(on, part.references[:1] if first else part.references)

    return draw


def _references(pdf: FPDF, references: list[Reference]) -> None:
    """One row per reference, and under it, across the table, its email and letter on a line each."""
    pdf.set_font(FONT, "", REFERENCE_SIZE)
    line_width = pdf.epw - REFERENCE_COLUMNS[0][1] - 2 * REFERENCE_PADDING  # under a row, but the "#" column
    with pdf.table(
        col_widths=tuple(width for _, width in REFERENCE_COLUMNS),
        headings_style=HEADINGS_STYLE,
        text_align="LEFT",
        line_height=REFERENCE_SIZE * 0.5,
        padding=(1, REFERENCE_PADDING),
        v_align="TOP",
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for title, _ in REFERENCE_COLUMNS:
            heading.cell(title)
        for reference in references:
            shown = reference.shown
            fill = FontFace(fill_color=STRIPE if reference.number % 2 == 0 else None)
            row = table.row(style=fill)
            row.cell(str(reference.number), rowspan=2)
            row.cell(_clean(shown["mentee_name"]))
            row.cell(f"{shown['start_date']} – {shown['end_date']}")
            for key in ("setting", "letter_author", "confidentiality"):
                row.cell(_clean(shown[key]))
            text = _clean(f"Email: {reference.email}\nLetter: {reference.letter}")
            size = min(_fitting(pdf, line, line_width, REFERENCE_SIZE) for line in text.splitlines())
            table.row(style=fill).cell(text, colspan=len(REFERENCE_COLUMNS) - 1, style=FontFace(size_pt=size))
    pdf.ln(2)


def _heading(pdf: _Document, text: str, *, size: int, then: Callable[[_Document], None]) -> None:
    """A heading on the page of the first line of what it heads: ``then`` draws that line on the
    document it is given. Both are first drawn on a trial page at the same height; if they would
    not end on it, the heading starts the next page."""
    trial = pdf.trial()
    if trial is not None:
        _heading_line(trial, text, size=size)
        then(trial)
        if (trial.page > 1 or trial.y > trial.page_break_trigger) and pdf.y > pdf.t_margin:
            pdf.add_page()
    _heading_line(pdf, text, size=size)


def _heading_line(pdf: FPDF, text: str, *, size: int) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.55, _clean(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "", 10)


def _bullet(pdf: FPDF, text: str) -> None:
    pdf.set_x(pdf.l_margin + 2)
    pdf.cell(5, LINE, "•")
    pdf.multi_cell(0, LINE, _clean(text), align="L", new_x="LMARGIN", new_y="NEXT")


def _whole(field: Field, value: Any) -> str:
    """The part of an answer that must stay on one line: an email, a file's name; else ""."""
    if field.kind not in UNBROKEN or value is None:
        return ""
    return value["name"] if field.kind is Kind.FILE else value


def _fitting(pdf: FPDF, text: str, width: float, size: float) -> float:
    """The font size, at most ``size``, at which ``text`` fits ``width`` mm on one line (the
    width of a text grows with its size), in tenths of a point, rounded down."""
    pdf.set_font_size(size)
    needed = pdf.get_string_width(_clean(text)) + 0.5  # the line breaker's rounding
    return size if needed <= width else int(size * width / needed * 10) / 10


def _clean(text: str) -> str:
    """Composed characters ("e" + "¨" becomes "ë"), so letters print as one glyph."""
    return unicodedata.normalize("NFC", text)


def _when(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"
