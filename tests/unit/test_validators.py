"""Pure tests of the answer parsers (``conversations.application.validators``) and of reading and showing
answers by field kind (``conversations.application.parsing``)."""

from __future__ import annotations

import datetime as dt

import pytest

from conversations.application import parsing
from conversations.application import validators as v
from conversations.application.flow import CENTER_TYPES, LETTER_AUTHORS, TRAINING_MODES, Flow
from conversations.application.policy import ACCREDITED, NON_ACCREDITED, Policy
from conversations.messages import Inbound, IncomingFile
from tests.conftest import JPEG, PDF, PNG

MB = 1_000_000  # sizes are decimal megabytes, as Telegram states its limit


# --- text --------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "   ", "\n\t "])
def test_text_refuses_empty_or_whitespace(raw):
    with pytest.raises(v.Invalid, match="can't be empty"):
        v.text(raw)


def test_text_folds_whitespace():
    assert v.text("  Global   Mentoring\n\tAcademy  ") == "Global Mentoring Academy"


def test_text_accepts_exactly_max_length():
    assert v.text("x" * 10, max_length=10) == "x" * 10


def test_text_refuses_over_max_length_with_count():
    with pytest.raises(v.Invalid) as error:
        v.text("x" * 11, max_length=10)
    assert "11 characters" in str(error.value)
    assert "10" in str(error.value)


def test_text_max_length_counts_after_folding():
    assert v.text("a" + " " * 50 + "b", max_length=3) == "a b"


def test_text_invalid_message_gives_example_when_one_is_known():
    with pytest.raises(v.Invalid) as error:
        v.text("", example="IMC-104233")
    assert "For example: IMC-104233" in str(error.value)


# --- person_name -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["Jo", "Maria Gonzalez", "Zoë O'Brien-Núñez", "x" * 120])
def test_person_name_accepts(raw):
    assert v.person_name(raw) == raw


def test_person_name_folds_whitespace():
    assert v.person_name("  Maria   Gonzalez ") == "Maria Gonzalez"


@pytest.mark.parametrize("raw", ["A", "12345", "--", "", "x" * 121])
def test_person_name_refuses(raw):
    with pytest.raises(v.Invalid) as error:
        v.person_name(raw)
    assert "For example: Maria Gonzalez" in str(error.value)


# --- postal_address ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "saved"),
    [
        ("12 Harbour Road, Dublin D02 X285, Ireland", "12 Harbour Road, Dublin D02 X285, Ireland"),
        ("Hauptstraße 5\n10115 Berlin\nGermany", "Hauptstraße 5, 10115 Berlin, Germany"),
        ("Calle Mayor 3,  ,Madrid , 28013, Spain ", "Calle Mayor 3, Madrid, 28013, Spain"),  # postcode on its own
        ("Plot 7 Ring Road, Accra, Ghana", "Plot 7 Ring Road, Accra, Ghana"),  # no postcodes in Ghana
    ],
)
def test_postal_address_accepts_street_city_and_country(raw, saved):
    assert v.postal_address(raw) == saved


@pytest.mark.parametrize(
    "raw",
    [
        "Dublin",  # a single word
        "12 Harbour Road, Dublin",  # no country
        "Hauptstraße 5, 10115, Germany",  # no city: a postcode is not one
        "12 Harbour Road, Dublin, D02 X285",  # the country is not last
        "",
    ],
)
def test_postal_address_refuses_what_plainly_lacks_a_part(raw):
    with pytest.raises(v.Invalid) as error:
        v.postal_address(raw)
    assert "the street with the number, the city with its postcode" in str(error.value)
    assert "For example: 12 Harbour Road, Dublin D02 X285, Ireland" in str(error.value)


# --- email -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("maria@example.org", "maria@example.org"),
        ("  maria@example.org  ", "maria@example.org"),
        ("Maria@EXAMPLE.ORG", "Maria@example.org"),
    ],
)
def test_email_accepts_and_lowercases_domain(raw, expected):
    assert v.email(raw) == expected


@pytest.mark.parametrize("raw", ["maria@", "maria.example.org", "a b@c.d", "", "@example.org"])
def test_email_refuses_with_example(raw):
    with pytest.raises(v.Invalid) as error:
        v.email(raw)
    assert "For example" in str(error.value)
    assert "maria@example.org" in str(error.value)


def test_email_refusal_is_one_plain_sentence_then_the_example():
    with pytest.raises(v.Invalid) as error:
        v.email("maria.example.org")
    assert str(error.value) == (
        "That doesn't look like an email address: an email address must have an @-sign. For example: maria@example.org"
    )


def test_email_accepts_a_local_part_of_64_characters():
    assert v.email("a" * 64 + "@example.org") == "a" * 64 + "@example.org"


def test_email_refuses_a_local_part_over_64_characters():
    # RFC 5321: mail servers may refuse a longer one, so the decision would never arrive.
    with pytest.raises(v.Invalid, match="too long before the @-sign") as error:
        v.email("a" * 65 + "@example.org")
    assert "For example: maria@example.org" in str(error.value)


def test_email_refuses_an_address_over_254_characters():
    domain = ".".join(["d" * 60] * 4) + ".org"
    with pytest.raises(v.Invalid, match="too long"):
        v.email("a" * 64 + "@" + domain)


def test_email_message_uses_given_example():
    with pytest.raises(v.Invalid) as error:
        v.email("nope", example="sam.okafor@example.net")
    assert "For example: sam.okafor@example.net" in str(error.value)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("maria@example.org", "MARIA@Example.org", True),
        ("maria@example.org", "mario@example.org", False),
        ("maria@example.org", None, False),
        (None, None, False),
        ("", "", False),
    ],
)
def test_same_email(a, b, expected):
    assert v.same_email(a, b) is expected


# --- date --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-01",
        " 2024-03-01 ",
        "2024-3-1",
        "1 March 2024",
        "March 1 2024",
        "1st of March, 2024",
        "1 Mar 2024",
        "March the 1st 2024",
        "the 1st of March 2024",
    ],
)
def test_date_reads_iso_and_written_dates(raw):
    assert v.date(raw) == v.ParsedDate(dt.date(2024, 3, 1), ambiguous=False)


@pytest.mark.parametrize("raw", ["03/04/2024", "03.04.2024", "03-04-2024", "3/4/2024"])
def test_numeric_date_is_read_day_first_and_flagged_ambiguous(raw):
    assert v.date(raw) == v.ParsedDate(dt.date(2024, 4, 3), ambiguous=True)


def test_numeric_date_with_day_over_12_is_not_ambiguous():
    assert v.date("13/04/2024") == v.ParsedDate(dt.date(2024, 4, 13), ambiguous=False)


def test_numeric_date_with_day_equal_to_month_is_not_ambiguous():
    assert v.date("04/04/2024") == v.ParsedDate(dt.date(2024, 4, 4), ambiguous=False)


@pytest.mark.parametrize(
    ("raw", "meant", "iso"),
    [
        ("09/15/2022", "15 September 2022", "2022-09-15"),
        ("12/31/24", "31 December 2024", "2024-12-31"),
        ("2.29.2024", "29 February 2024", "2024-02-29"),
    ],
)
def test_a_month_first_date_gets_did_you_mean_and_both_forms_that_are_read(raw, meant, iso):
    with pytest.raises(v.Invalid) as error:
        v.date(raw)
    assert str(error.value) == (
        f"Did you mean {meant}? Numbers are read day first here, so please write the month in words, "
        f"e.g. {meant}, or the year first, e.g. {iso}."
    )
    assert v.date(meant).value == v.date(iso).value


@pytest.mark.parametrize("raw", ["02/31/2022", "02.30.2023"])
def test_a_date_wrong_both_ways_is_not_a_calendar_date(raw):
    with pytest.raises(v.Invalid, match="not a real calendar date"):
        v.date(raw)


def test_leap_day_in_leap_year_is_accepted():
    assert v.date("2024-02-29").value == dt.date(2024, 2, 29)


@pytest.mark.parametrize("raw", ["31/02/2024", "2023-02-29", "2024-13-01", "29/02/2023"])
def test_date_refuses_dates_not_on_the_calendar(raw):
    with pytest.raises(v.Invalid) as error:
        v.date(raw)
    assert "not a real calendar date" in str(error.value)
    assert "2024-03-01" in str(error.value)


@pytest.mark.parametrize("raw", ["March 2024", "2024", "10 March 2024 10:30"])
def test_date_refuses_incomplete_dates(raw):
    with pytest.raises(v.Invalid) as error:
        v.date(raw)
    assert "full date" in str(error.value)
    assert "2024-03-01" in str(error.value)


@pytest.mark.parametrize("raw", ["garbage", "", "next week please"])
def test_date_refuses_garbage(raw):
    with pytest.raises(v.Invalid) as error:
        v.date(raw)
    assert "2024-03-01" in str(error.value)


@pytest.mark.parametrize("raw", ["0001-01-01", "01/01/0001", "1 January 1850", "1899-12-31", "2101-01-01"])
def test_date_refuses_years_outside_1900_to_2100(raw):
    with pytest.raises(v.Invalid, match="between 1900 and 2100") as error:
        v.date(raw)
    assert "2024-03-01" in str(error.value)


@pytest.mark.parametrize(("raw", "year"), [("1900-01-01", 1900), ("31 December 2100", 2100)])
def test_date_accepts_the_first_and_last_years(raw, year):
    assert v.date(raw).value.year == year


def test_date_refuses_text_too_long_for_a_date():
    with pytest.raises(v.Invalid, match="too long for a date"):
        v.date("1 March 2024 " * 10)


def test_year_first_date_with_slashes_is_read_year_month_day():
    # Nobody writes year-day-month: 2024/03/01 is 1 March 2024, as 2024-03-01 is.
    assert v.date("2024/03/01").value == dt.date(2024, 3, 1)


def test_numeric_date_with_two_digit_year_is_flagged_ambiguous():
    # 03/04/24 could mean 4 March as much as 03/04/2024 can; the applicant should be told.
    assert v.date("03/04/24") == v.ParsedDate(dt.date(2024, 4, 3), ambiguous=True)


def test_human_date():
    assert v.human_date(dt.date(2024, 3, 1)) == "1 March 2024"


# --- number ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("52.5", 52.5),
        ("52,5", 52.5),
        ("1,500", 1500.0),
        ("1,500.5", 1500.5),
        ("50 hours", 50.0),
        ("50h", 50.0),
        ("1 hour", 1.0),
        ("0", 0.0),
        (" 2000 ", 2000.0),
    ],
)
def test_number_accepts(raw, expected):
    assert v.number(raw, maximum=2000, example="52.5") == expected


@pytest.mark.parametrize("raw", ["-3", "abc", "", "fifty", "52.5.1"])
def test_number_refuses_non_numbers_with_example(raw):
    with pytest.raises(v.Invalid) as error:
        v.number(raw, maximum=2000, example="52.5")
    assert "For example: 52.5" in str(error.value)


def test_number_above_maximum_looks_like_a_typo():
    with pytest.raises(v.Invalid) as error:
        v.number("2001", maximum=2000, example="52.5")
    assert "2001 looks like a typo" in str(error.value)
    assert "2000" in str(error.value)


def test_number_with_hundreds_of_digits_is_refused_not_crashed():
    # float() of 400 nines is infinity; the typo message must not crash formatting it.
    with pytest.raises(v.Invalid):
        v.number("9" * 400, maximum=2000, example="52.5")


def test_number_refuses_an_answer_too_long_to_be_typed_as_one():
    # Reading the unit at the end of a long run of spaces takes time that grows as its square.
    with pytest.raises(v.Invalid, match="Please answer with a number"):
        v.number("1" + " " * 40 + "hours", maximum=2000, example="52.5")


@pytest.mark.parametrize(("value", "expected"), [(50.0, "50"), (52.5, "52.5"), (0.0, "0"), (0.1, "0.1")])
def test_format_number(value, expected):
    assert v.format_number(value) == expected


# --- whole_number ------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("12", 12), ("1,200", 1200), (" 0 ", 0), ("10000", 10000)])
def test_whole_number_accepts(raw, expected):
    assert v.whole_number(raw, maximum=10_000, example="12") == expected


@pytest.mark.parametrize("raw", ["10.5", "-1", "", "twelve"])
def test_whole_number_refuses_with_example(raw):
    with pytest.raises(v.Invalid) as error:
        v.whole_number(raw, maximum=10_000, example="12")
    assert "whole number" in str(error.value)
    assert "For example: 12" in str(error.value)


def test_whole_number_above_maximum_looks_like_a_typo():
    with pytest.raises(v.Invalid) as error:
        v.whole_number("10001", maximum=10_000, example="12")
    assert "10001 looks like a typo" in str(error.value)


def test_whole_number_refuses_comma_decimal():
    # "10,5" is ten and a half written with a decimal comma (number() reads "52,5" as 52.5),
    # so it must be refused like "10.5", not read as 105.
    with pytest.raises(v.Invalid):
        v.whole_number("10,5", maximum=10_000, example="12")


def test_whole_number_with_thousands_of_digits_is_refused_not_crashed():
    # int() refuses to read more than 4,300 digits, with a ValueError that is not Invalid.
    with pytest.raises(v.Invalid, match="whole number"):
        v.whole_number("9" * 5000, maximum=10_000, example="12")


@pytest.mark.parametrize("raw", ["²", "①"])
def test_whole_number_refuses_digit_like_symbols_as_invalid(raw):
    # str.isdigit() is true for these but int() cannot read them; the engine only catches Invalid.
    with pytest.raises(v.Invalid):
        v.whole_number(raw, maximum=10_000, example="12")


# --- choice ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hybrid", "hybrid"),
        ("3", "hybrid"),
        (" 1 ", "in_person"),
        ("HYBRID", "hybrid"),
        ("self paced", "self_paced"),
        ("Self-paced online", "self_paced"),
        ("Online (live)", "online_live"),
        ("face to face", "in_person"),
        ("virtual", "online_live"),
        ("live", "online_live"),
    ],
)
def test_choice_training_modes(raw, expected):
    assert v.choice(raw, TRAINING_MODES) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("accredited", "accredited"), ("ETP", "endorsed"), ("not accredited", "non_accredited"), ("3", "non_accredited")],
)
def test_choice_center_types(raw, expected):
    assert v.choice(raw, CENTER_TYPES) == expected


def test_choice_refuses_word_contained_in_two_options_and_asks_which():
    with pytest.raises(v.Invalid) as error:
        v.choice("online", TRAINING_MODES)
    assert "could be “Online (live)” or “Self-paced online”: which one is it?" in str(error.value)


@pytest.mark.parametrize("raw", ["9", "0", "5", "carrier pigeon", ""])
def test_choice_refuses_out_of_range_number_or_unknown(raw):
    with pytest.raises(v.Invalid, match="isn't one of the answers offered"):
        v.choice(raw, TRAINING_MODES)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("y", "yes"),
        ("Yes", "yes"),
        ("YES I DO", "yes"),
        ("1", "yes"),
        ("nope", "no"),
        ("2", "no"),
        ("No", "no"),
        ("I don't", "no"),
        ("not yet", "no"),
    ],
)
def test_choice_yes_no(raw, expected):
    assert v.choice(raw, v.YES_NO) == expected


def test_choice_yes_no_refuses_three():
    with pytest.raises(v.Invalid, match="isn't one of the answers offered"):
        v.choice("3", v.YES_NO)


@pytest.mark.parametrize("raw", ["²", "①"])
def test_choice_refuses_digit_like_symbols_as_invalid(raw):
    # str.isdigit() is true for these but int() cannot read them; the engine only catches Invalid.
    with pytest.raises(v.Invalid):
        v.choice(raw, TRAINING_MODES)


def test_choice_refuses_thousands_of_digits_as_invalid():
    with pytest.raises(v.Invalid, match="isn't one of the answers offered"):
        v.choice("1" * 5000, TRAINING_MODES)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("her manager", "manager"),
        ("It was her manager.", "manager"),
        ("my boss", "manager"),
        ("my mentee's manager", "manager"),  # "mentee" within the longer "mentee's manager"
        ("the mentee themselves", "mentee"),
        ("HR at her company", "organization"),
    ],
)
def test_choice_reads_the_option_a_sentence_names(raw, expected):
    assert v.choice(raw, LETTER_AUTHORS) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("it's non accredited", NON_ACCREDITED), ("an accredited one", ACCREDITED), ("yes, please", "yes")],
)
def test_a_phrase_within_a_longer_one_counts_as_the_longer(raw, expected):
    assert v.choice(raw, CENTER_TYPES + v.YES_NO) == expected


def test_a_sentence_naming_two_options_asks_which():
    with pytest.raises(v.Invalid) as error:
        v.choice("the mentee and her manager together", LETTER_AUTHORS)
    assert "could be “The mentee” or “The mentee's manager”: which one is it?" in str(error.value)


@pytest.mark.parametrize("raw", ["not her manager", "I'm not sure", "was it her manager?", "carrier pigeon"])
def test_a_negation_or_a_question_names_no_option(raw):
    with pytest.raises(v.Invalid, match="isn't one of the answers offered"):
        v.choice(raw, LETTER_AUTHORS + v.YES_NO)


@pytest.mark.parametrize("raw", ["no im not a member", "no, I'm not a member", "nope not a member"])
def test_a_negation_agrees_with_no(raw):
    assert v.choice(raw, v.YES_NO) == "no"


def test_choice_in_a_sentence_can_be_turned_off():
    with pytest.raises(v.Invalid):
        v.choice("it was her manager", LETTER_AUTHORS, in_a_sentence=False)


@pytest.mark.parametrize(("typed", "expected"), [("1", 1), ("4", 4), ("04", 4)])
def test_choice_number_reads_ascii_digits(typed, expected):
    assert v.choice_number(typed, 4) == expected


@pytest.mark.parametrize("typed", ["0", "5", "", " 1", "²", "①", "٣", "1.0", "-1", "1" * 5000])
def test_choice_number_is_none_for_anything_else(typed):
    assert v.choice_number(typed, 4) is None


# --- evidence_file -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [("certificate.pdf", PDF, "application/pdf"), ("scan.png", PNG, "image/png"), ("scan.jpg", JPEG, "image/jpeg")],
)
def test_evidence_file_accepts_by_content(name, content, mime):
    checked = v.evidence_file(IncomingFile(name, content), max_bytes=20 * MB)
    assert checked == v.CheckedFile(name=name, content=content, mime=mime)


def test_evidence_file_type_comes_from_content_not_name():
    checked = v.evidence_file(IncomingFile("photo.png", PDF), max_bytes=20 * MB)
    assert checked.mime == "application/pdf"
    assert checked.name == "photo.png"


def test_evidence_file_refuses_text_named_pdf():
    with pytest.raises(v.Invalid, match="not a PDF, JPEG or PNG"):
        v.evidence_file(IncomingFile("cert.pdf", b"just some text, not a pdf\n"), max_bytes=20 * MB)


def test_evidence_file_refuses_empty():
    with pytest.raises(v.Invalid, match="empty"):
        v.evidence_file(IncomingFile("cert.pdf", b""), max_bytes=20 * MB)


def test_evidence_file_refuses_over_max_bytes_with_sizes_in_mb():
    content = PDF + b"0" * (MB + MB // 2 - len(PDF))
    with pytest.raises(v.Invalid) as error:
        v.evidence_file(IncomingFile("big.pdf", content), max_bytes=MB)
    assert "1.5 MB" in str(error.value)
    assert "limit is 1 MB" in str(error.value)


def test_evidence_file_accepts_exactly_max_bytes():
    content = PDF + b"0" * (MB - len(PDF))
    assert v.evidence_file(IncomingFile("cert.pdf", content), max_bytes=MB).mime == "application/pdf"


# --- parsing.parse -----------------------------------------------------------------------------

FLOW = Flow()


def field(key):
    return FLOW.step(key).field


def said(text="", file=None):
    return Inbound("test", "applicant-1", "e1", text=text, file=file)


def test_parse_text_field():
    assert parsing.parse(field("center_name"), said("  Global  Mentoring Academy "), Policy()).value == (
        "Global Mentoring Academy"
    )


def test_parse_text_field_uses_its_validator():
    with pytest.raises(v.Invalid, match="For example: Maria Gonzalez"):
        parsing.parse(field("full_name"), said("A"), Policy())


def test_parse_text_field_refuses_a_file():
    with pytest.raises(v.Invalid, match="typed answer, not a file"):
        parsing.parse(field("full_name"), said(file=IncomingFile("cert.pdf", PDF)), Policy())


def test_parse_email_field():
    parsed = parsing.parse(field("email"), said("Maria@EXAMPLE.org"), Policy())
    assert parsed == parsing.Parsed("Maria@example.org")


def test_parse_email_field_gives_the_field_example():
    with pytest.raises(v.Invalid, match=r"For example: sam\.okafor@example\.net"):
        parsing.parse(field("supervisor_email"), said("sam"), Policy())


def test_parse_date_field_saves_iso_without_note():
    assert parsing.parse(field("training_start_date"), said("1 March 2024"), Policy()) == parsing.Parsed("2024-03-01")


def test_parse_ambiguous_date_notes_the_other_reading():
    parsed = parsing.parse(field("training_start_date"), said("03/04/2024"), Policy())
    assert parsed.value == "2024-04-03"
    assert "4 March 2024" in parsed.note
    assert "/back" in parsed.note
    assert "2024-03-04" in parsed.note


def test_parse_unambiguous_numeric_date_has_no_note():
    assert parsing.parse(field("ref1_start_date"), said("13/04/2024"), Policy()) == parsing.Parsed("2024-04-13")


def test_parse_number_field():
    assert parsing.parse(field("training_hours"), said("52,5"), Policy()).value == 52.5


def test_parse_number_field_maximum_comes_from_policy():
    with pytest.raises(v.Invalid, match="looks like a typo"):
        parsing.parse(field("training_hours"), said("2001"), Policy())
    assert parsing.parse(field("training_hours"), said("2001"), Policy(max_training_hours=3000)).value == 2001.0


def test_parse_whole_number_field():
    assert parsing.parse(field("engagements"), said("12"), Policy()).value == 12


def test_parse_whole_number_field_maximum_comes_from_policy():
    with pytest.raises(v.Invalid, match="looks like a typo"):
        parsing.parse(field("engagements"), said("11"), Policy(max_engagements=10))


def test_parse_choice_field():
    assert parsing.parse(field("training_mode"), said("3"), Policy()).value == "hybrid"


def test_parse_yes_no_field():
    assert parsing.parse(field("holds_cpm"), said("yep"), Policy()).value == "yes"


def test_parse_file_field():
    parsed = parsing.parse(field("training_evidence"), said(file=IncomingFile("cert.pdf", PDF)), Policy())
    assert parsed.value == {"name": "cert.pdf", "size": len(PDF), "mime": "application/pdf"}
    assert parsed.file == v.CheckedFile("cert.pdf", PDF, "application/pdf")


def test_parse_file_field_limit_comes_from_policy():
    content = PDF + b"0" * (2 * MB)
    with pytest.raises(v.Invalid, match="limit is 1 MB"):
        parsing.parse(
            field("training_evidence"), said(file=IncomingFile("cert.pdf", content)), Policy(max_file_bytes=MB)
        )


def test_parse_required_file_field_refuses_text_without_mentioning_skip():
    with pytest.raises(v.Invalid) as error:
        parsing.parse(field("training_evidence"), said("here it is"), Policy())
    assert "needs a file" in str(error.value)
    assert "/skip" not in str(error.value)


def test_parse_optional_file_field_refuses_text_and_mentions_skip():
    with pytest.raises(v.Invalid) as error:
        parsing.parse(field("ref1_letter"), said("here it is"), Policy())
    assert "needs a file" in str(error.value)
    assert "/skip" in str(error.value)


def test_parse_file_field_refuses_wrong_content():
    with pytest.raises(v.Invalid, match="not a PDF, JPEG or PNG"):
        parsing.parse(field("ref2_letter"), said(file=IncomingFile("letter.pdf", b"plain text")), Policy())


# --- parsing.show ------------------------------------------------------------------------------


def test_show_date():
    assert parsing.show(field("training_start_date"), "2024-03-01") == "1 March 2024"


@pytest.mark.parametrize(("value", "expected"), [(52.5, "52.5"), (50.0, "50")])
def test_show_number(value, expected):
    assert parsing.show(field("training_hours"), value) == expected


def test_show_whole_number():
    assert parsing.show(field("engagements"), 12) == "12"


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("training_mode", "self_paced", "Self-paced online"),
        ("center_type", "endorsed", "Endorsed Training Provider"),
        ("holds_cpm", "no", "No"),
    ],
)
def test_show_choice_label(key, value, expected):
    assert parsing.show(field(key), value) == expected


def test_show_unknown_choice_value_as_is():
    assert parsing.show(field("training_mode"), "carrier_pigeon") == "carrier_pigeon"


@pytest.mark.parametrize(
    ("size", "expected"),
    [(2048, "cert.pdf (2 KB)"), (100, "cert.pdf (1 KB)"), (MB + MB // 2, "cert.pdf (1.5 MB)")],
)
def test_show_file_name_and_size(size, expected):
    value = {"name": "cert.pdf", "size": size, "mime": "application/pdf"}
    assert parsing.show(field("training_evidence"), value) == expected


def test_show_text():
    assert parsing.show(field("center_name"), "Global Mentoring Academy") == "Global Mentoring Academy"


@pytest.mark.parametrize("key", ["ref1_letter", "membership_number", "training_start_date", "training_hours"])
def test_show_none_is_skipped(key):
    assert parsing.show(field(key), None) == "(skipped)"
