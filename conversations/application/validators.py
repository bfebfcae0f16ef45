"""Pure parsers: the applicant's raw answer in, a clean value out, or ``Invalid``.

Every ``Invalid`` message says what was expected and gives an example, so the engine can show
it as it is and ask the same question again.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

import filetype
from dateutil import parser as date_parser
from email_validator import EmailNotValidError, validate_email

from conversations.messages import IncomingFile


class Invalid(ValueError):
    """An answer that cannot be used; ``str(error)`` is the message for the applicant."""


@dataclass(frozen=True)
class Option:
    """One answer of a choice question. ``aliases`` are other words that pick it."""

    value: str
    label: str
    aliases: tuple[str, ...] = ()


YES_NO = (
    Option("yes", "Yes", ("y", "yeah", "yep", "yes i do", "i do", "i agree", "agree", "true", "sure", "ok")),
    Option("no", "No", ("n", "nope", "no i don't", "i don't", "i do not", "false", "not yet")),
)

_LETTER = re.compile(r"[^\W\d_]")


def text(raw: str, *, max_length: int = 500, example: str = "") -> str:
    value = " ".join(raw.split())
    if not value:
        raise Invalid(_with_example("This answer can't be empty.", example))
    if len(value) > max_length:
        raise Invalid(_with_example(f"That is {len(value)} characters; please keep it to {max_length}.", example))
    return value


def title(raw: str, *, example: str = "") -> str:
    """The name of a thing (a center, a program): some text with letters, never a bare number."""
    value = text(raw, example=example)
    if not _LETTER.search(value):
        raise Invalid(_with_example("A name needs letters, not only numbers or signs.", example))
    return value


def person_name(raw: str, *, example: str = "Maria Gonzalez") -> str:
    value = text(raw, max_length=120, example=example)
    if len(value) < 2 or not _LETTER.search(value):
        raise Invalid(_with_example("A name needs at least 2 characters, including letters.", example))
    return value


_ADDRESS_PARTS = re.compile(r"[,\n;]")
_ADDRESS_NEEDS = (
    "A postal address needs the street with the number, the city with its postcode (where the country "
    "has postcodes), and the country last, separated by commas or on separate lines."
)


def postal_address(raw: str, *, example: str = "12 Harbour Road, Dublin D02 X285, Ireland") -> str:
    """An address of at least three parts with letters (street, city, country), the country last;
    a postcode may stand alone. Saved on one line, the parts joined by commas."""
    parts = [" ".join(part.split()) for part in _ADDRESS_PARTS.split(raw)]
    parts = [part for part in parts if part]
    worded = [part for part in parts if _LETTER.search(part)]
    if len(worded) < 3:
        raise Invalid(_with_example(_ADDRESS_NEEDS, example))
    if any(character.isdigit() for character in parts[-1]) or parts[-1] != worded[-1]:
        raise Invalid(_with_example("Please end the address with the country. " + _ADDRESS_NEEDS, example))
    return text(", ".join(parts), example=example)


def email(raw: str, *, example: str = "maria@example.org") -> str:
    """An address as RFC 5321 limits it: at most 64 characters before the @ and 254 in all."""
    candidate = raw.strip()
    try:
        checked = validate_email(candidate, check_deliverability=False, strict=True)
    except EmailNotValidError as error:
        detail = str(error).strip().rstrip(".")
        detail = detail[:1].lower() + detail[1:]  # "...: an email address must have an @-sign."
        raise Invalid(_with_example(f"That doesn't look like an email address: {detail}.", example)) from None
    return checked.normalized


def same_email(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return a.casefold() == b.casefold()


# A date written only with numbers, like 03/04/2024 or 03.04.24, is read day first; one that starts
# with a 4-digit year, like 2024/03/01, is read year, month, day. A 2-digit year is 20YY.
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{4}|\d{2})\s*$", re.ASCII)
_YEAR_FIRST_DATE = re.compile(r"^\s*(\d{4})[./\- ](\d{1,2})[./\- ](\d{1,2})\s*$", re.ASCII)
_DATE_EXAMPLE = "2024-03-01, 1 March 2024 or March 1 2024"
_DATE_MAX_LENGTH = 60  # "Wednesday, the 1st of September 2024" is 36
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100  # no answer is dated outside these; year 1 is a typo


@dataclass(frozen=True)
class ParsedDate:
    value: dt.date
    ambiguous: bool  # the written form could have meant another date


def date(raw: str) -> ParsedDate:
    """Read ISO dates, written dates, and numeric dates day first (03/04/2024 is 3 April 2024),
    from 1900 to 2100."""
    cleaned = raw.strip()
    if len(cleaned) > _DATE_MAX_LENGTH:
        raise Invalid(f"That is too long for a date. Please write it like {_DATE_EXAMPLE}.")
    read = _read_date(cleaned)
    if not EARLIEST_YEAR <= read.value.year <= LATEST_YEAR:
        raise Invalid(
            f"The year {read.value.year} can't be right: please give a date between {EARLIEST_YEAR} and "
            f"{LATEST_YEAR}, like {_DATE_EXAMPLE}."
        )
    return read


_THE = re.compile(r"\bthe\b", re.IGNORECASE)


def _read_date(cleaned: str) -> ParsedDate:
    year_first = _YEAR_FIRST_DATE.match(cleaned)
    if year_first:
        year, month, day = (int(part) for part in year_first.groups())
        return ParsedDate(_calendar_date(year, month, day), ambiguous=False)
    numeric = _NUMERIC_DATE.match(cleaned)
    if numeric:
        day, month = int(numeric[1]), int(numeric[2])
        year = int(numeric[3]) + (2000 if len(numeric[3]) == 2 else 0)  # 0001 is the year 1, not 2001
        if month > 12 and _is_calendar_date(year, day, month):  # written month first: 09/15/2022
            meant = dt.date(year, day, month)
            raise Invalid(
                f"Did you mean {human_date(meant)}? Numbers are read day first here, so please write the "
                f"month in words, e.g. {human_date(meant)}, or the year first, e.g. {meant.isoformat()}."
            )
        return ParsedDate(_calendar_date(year, month, day), ambiguous=day <= 12 and month <= 12 and day != month)
    # Parse twice with different defaults: a part missing from the text shows up as a difference.
    # "the", as in "March the 3rd", is a word the parser does not know.
    cleaned = _THE.sub(" ", cleaned)
    try:
        first = date_parser.parse(cleaned, dayfirst=True, default=dt.datetime(2000, 1, 1))
        second = date_parser.parse(cleaned, dayfirst=True, default=dt.datetime(2001, 2, 2))
    except (ValueError, OverflowError):
        raise Invalid(f"I couldn't read that as a date. Please write it like {_DATE_EXAMPLE}.") from None
    if first != second or first.time() != dt.time():
        raise Invalid(f"Please give a full date with day, month and year, like {_DATE_EXAMPLE}.")
    return ParsedDate(first.date(), ambiguous=False)


def _is_calendar_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _calendar_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Invalid(f"That is not a real calendar date. Please write it like {_DATE_EXAMPLE}.") from None


def human_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)
_DECIMAL = re.compile(r"^\d+([.,]\d+)?$", re.ASCII)
_WHOLE = re.compile(r"^\d+$|^\d{1,3}(,\d{3})+$", re.ASCII)
_UNITS = re.compile(r"\s*(hours?|hrs?|h)\.?$", re.IGNORECASE)
_NUMBER_MAX_LENGTH = 30  # "2,000.5 hours" is 13; a longer answer is not a number typed by hand


def number(raw: str, *, maximum: float, example: str) -> float:
    typed = raw.strip()
    cleaned = _UNITS.sub("", typed).replace(" ", "") if len(typed) <= _NUMBER_MAX_LENGTH else ""
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif _DECIMAL.match(cleaned):
        cleaned = cleaned.replace(",", ".")
    else:
        raise Invalid(_with_example("Please answer with a number; decimals are fine.", example))
    value = float(cleaned)
    if not value <= maximum:  # also catches a number too long to be finite
        raise Invalid(_too_large(cleaned, format_number(maximum), example))
    return value


def whole_number(raw: str, *, maximum: int, example: str) -> int:
    cleaned = raw.strip()
    if len(cleaned) > _NUMBER_MAX_LENGTH or not _WHOLE.match(cleaned):
        raise Invalid(_with_example("Please answer with a whole number.", example))
    value = int(cleaned.replace(",", ""))
    if value > maximum:
        raise Invalid(_too_large(cleaned, str(maximum), example))
    return value


def _too_large(typed: str, maximum: str, example: str) -> str:
    shown = typed if len(typed) <= 15 else "That number"
    return _with_example(f"{shown} looks like a typo: the most this accepts is {maximum}.", example)


def format_number(value: float) -> str:
    """52.5 -> "52.5", 50.0 -> "50", 0.1000000001 -> "0.1" (at most 6 decimals)."""
    return f"{value:f}".rstrip("0").rstrip(".")


NOT_OFFERED = "That isn't one of the answers offered. Please pick one of those below (you can type its number, e.g. 1)."


def choice(raw: str, options: tuple[Option, ...], *, in_a_sentence: bool = True) -> str:
    """Pick an option by its value, its number in the list, its label or an alias, typed loosely;
    with ``in_a_sentence``, also by the one option a sentence names ("it was her manager")."""
    typed = _loose(raw)
    number = choice_number(typed, len(options))
    if number is not None:
        return options[number - 1].value
    for option in options:
        if typed in {_loose(option.value), _loose(option.label), *map(_loose, option.aliases)}:
            return option.value
    words = set(typed.split())
    containing = [option for option in options if words and words <= set(_loose(option.label).split())]
    if len(containing) == 1:
        return containing[0].value
    named = _named_in(typed, options) if in_a_sentence and "?" not in raw else []  # a question answers nothing
    if len(named) == 1:
        return named[0].value
    if len(named) > 1 or len(containing) > 1:
        candidates = " or ".join(f"“{option.label}”" for option in named or containing)
        raise Invalid(
            f"Your answer could be {candidates}: which one is it? Please pick one below (or type its number)."
        )
    labels = {_loose(option.label): option for option in options}
    close = difflib.get_close_matches(typed, list(labels), n=2, cutoff=0.8)
    if len(close) == 1:
        return labels[close[0]].value
    raise Invalid(NOT_OFFERED)


# Words that may turn a sentence against the option it names ("not the manager"); "t" is what is
# left of "don't" or "isn't" once punctuation is dropped.
_NEGATIONS = frozenset({"not", "no", "never", "t", "nor", "neither"})


def _named_in(typed: str, options: tuple[Option, ...]) -> list[Option]:
    """The options whose label or alias appears in the sentence as whole words. A phrase within a
    longer one of another option counts only as the longer ("accredited" in "non accredited"), and
    a negation outside the phrases found makes the sentence name nothing, unless what it names is
    itself a negation ("no, I'm not a member")."""
    tokens = typed.split()
    spans: list[tuple[int, int, Option]] = []
    for option in options:
        for phrase in {_loose(option.label), *map(_loose, option.aliases)}:
            words = phrase.split()
            spans += [
                (start, start + len(words), option)
                for start in range(len(tokens) - len(words) + 1)
                if words and tokens[start : start + len(words)] == words
            ]
    kept = [
        (start, end, option)
        for start, end, option in spans
        if not any(
            other is not option and outer_start <= start and end <= outer_end and outer_end - outer_start > end - start
            for outer_start, outer_end, other in spans
        )
    ]
    covered = {index for start, end, _ in kept for index in range(start, end)}
    named = {id(option) for _, _, option in kept}
    # A negation agrees with an option that is one ("no, I'm not a member").
    agreeing = all(_loose(option.label) in _NEGATIONS for _, _, option in kept)
    if not agreeing and any(token in _NEGATIONS for index, token in enumerate(tokens) if index not in covered):
        return []
    return [option for option in options if id(option) in named]


def exact_choice(raw: str, options: tuple[Option, ...]) -> str | None:
    """The option whose value, label or alias is typed (case and punctuation aside), or None:
    no number and no near miss, for a choice that can't be undone."""
    typed = _loose(raw)
    for option in options:
        if typed in {_loose(option.value), _loose(option.label), *map(_loose, option.aliases)}:
            return option.value
    return None


_CHOICE_NUMBER = re.compile(r"[0-9]{1,4}")


def choice_number(typed: str, count: int) -> int | None:
    """The number of one of ``count`` listed choices, typed in ASCII digits, or None.

    Only ASCII: "²" and "①" are digits to ``str.isdigit`` (and "٣" to ``str.isdecimal``), but
    ``int`` can't read the first two; and a long run of digits is no choice's number."""
    if not _CHOICE_NUMBER.fullmatch(typed):
        return None
    number = int(typed)
    return number if 1 <= number <= count else None


def _loose(value: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", value.casefold()).split())


MEGABYTE = 1_000_000
_ACCEPTED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    mime: str


def evidence_file(upload: IncomingFile, *, max_bytes: int) -> CheckedFile:
    """Accept PDF, JPEG or PNG up to ``max_bytes``, judged by the content, not the file name."""
    size = upload.byte_size
    if size > max_bytes:  # also for a file not fetched because the platform said it is too large
        raise Invalid(
            f"That file is {megabytes(size)}; the limit is {megabytes(max_bytes)}. "
            "Please send a smaller PDF, JPEG or PNG (a scan at 150 dpi is usually enough)."
        )
    if upload.content is None:
        raise Invalid("I couldn't fetch that file. Please send it again as a PDF, JPEG or PNG, e.g. certificate.pdf.")
    if size == 0:
        raise Invalid("That file is empty. Please send a PDF, JPEG or PNG, e.g. certificate.pdf.")
    mime = filetype.guess_mime(upload.content)
    if mime not in _ACCEPTED_TYPES:
        raise Invalid(
            "That file is not a PDF, JPEG or PNG (judged by its content, whatever its name). "
            "Please send the certificate or letter as one of those, e.g. certificate.pdf."
        )
    return CheckedFile(name=upload.name, content=upload.content, mime=mime)


def megabytes(size: int) -> str:
    """Sizes in decimal megabytes, as Telegram states its 20 MB limit (20,000,000 bytes)."""
    return f"{size / MEGABYTE:.1f}".removesuffix(".0") + " MB"


def _with_example(message: str, example: str) -> str:
    return f"{message} For example: {example}" if example else message
