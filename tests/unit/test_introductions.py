"""The welcome (how long applying takes, what to have ready) and the references' introduction,
read from the flow."""

from __future__ import annotations

from conversations.application.fields import Field, Kind, Repeated, Section
from conversations.application.flow import CONSENT, Flow
from conversations.application.introductions import have_ready, minutes, question_range, sub_form, welcome
from conversations.support.faq.knowledge import load


def test_the_estimate_counts_the_questions_an_applicant_may_be_asked():
    flow = Flow()
    assert question_range(flow) == (54, 65)  # a membership number, and a letter's author and confidentiality x 5
    assert minutes(flow) == (25, 50)


def test_the_welcome_says_how_long_and_what_to_have_ready():
    text = welcome(Flow())
    assert "54 to 65 questions, about 25–50 minutes in all" in text
    assert "you can stop and come back any time" in text
    for needed in (
        "your training certificate as a PDF, JPEG or PNG",
        "your CPM credential's number and issue date",
        "for each of the 5 references, the mentee's name, their email, the engagement's start and end dates "
        "and a reference letter if you have one",
        "your supervisor's name, email and postal address",
    ):
        assert needed in text
    assert len(text.splitlines()) <= 4


def test_both_follow_the_form():
    consent = Field(CONSENT, Kind.YES_NO, "Consent", "Do you consent?")
    visits = Repeated(
        "visit", "Visit", "Visits", (Field("place", Kind.TEXT, "Place", "Where?", ready="the address"),), count=3
    )
    flow = Flow(
        (
            Section(
                "only",
                "Only",
                (consent, Field("passport", Kind.FILE, "Passport", "Your passport?", ready="your passport"), visits),
            ),
        )
    )
    assert have_ready(flow) == ["your passport", "for each of the 3 visits, the address"]
    assert question_range(flow) == (4, 4)
    assert sub_form(visits) == "Now the 3 visits. For each one, have ready the address."


def test_the_faq_gives_the_same_time_to_complete_as_the_welcome():
    """The knowledge base knows nothing of the form, so its answer is checked against it here."""
    [entry] = [entry for entry in load() if entry.id == "completion-time"]
    (fewest, most), (low, high) = question_range(Flow()), minutes(Flow())
    assert f"about {low} to {high} minutes ({fewest} to {most} questions" in entry.answer
