"""The CMM application, declared as data: four sections of fields, the 5 references as one
repeated sub-form. The state machine (``machine.py``) and the engine are built from this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from conversations.application import consistency as c
from conversations.application import eligibility as e
from conversations.application.fields import Field, Kind, Repeated, Section, Step
from conversations.application.policy import ACCREDITED, ENDORSED, NON_ACCREDITED, Policy
from conversations.application.scope import Scope, reference_key
from conversations.application.validators import YES_NO, Option, person_name, postal_address, title

CONSENT = "consent"

CENTER_TYPES = (
    Option(ACCREDITED, "Accredited Training Center", ("accredited", "atc")),
    Option(ENDORSED, "Endorsed Training Provider", ("endorsed", "etp")),
    Option(NON_ACCREDITED, "Non-Accredited Training Center", ("non accredited", "not accredited", "nonaccredited")),
)
TRAINING_MODES = (
    Option("in_person", "In person", ("in-person", "face to face", "classroom", "onsite", "on site")),
    Option("online_live", "Online (live)", ("live online", "virtual", "online live")),
    Option("hybrid", "Hybrid", ("blended", "mixed")),
    Option("self_paced", "Self-paced online", ("self paced", "self-paced", "on demand", "recorded")),
)
SETTINGS = (
    Option("internal", "Internal (mentoring at work)", ("internal", "at work", "work", "inside")),
    Option("external", "External", ("outside",)),
)
LETTER_AUTHORS = (
    Option("mentee", "The mentee", ("mentee",)),
    Option("manager", "The mentee's manager", ("manager", "boss", "line manager", "mentee's manager", "supervisor")),
    Option("organization", "An organization representative", ("organization", "organisation", "representative", "hr")),
)
FOCUS_AREAS = (
    Option("skills", "Mentoring skills development", ("skills", "mentoring skills")),
    Option("domain", "Domain knowledge development", ("domain", "domain knowledge", "knowledge")),
    Option("both", "Both", ("both of them", "all")),
)


def _is_member(scope: Scope) -> bool:
    return scope.answer("is_member") == "yes"


def _has_letter(scope: Scope) -> bool:
    return scope.sibling("letter") is not None


APPLICANT = Section(
    "applicant",
    "About you",
    (
        Field(
            CONSENT,
            Kind.YES_NO,
            "Consent",
            (
                "Do you consent to IMC storing and processing the data you give here for the review of your "
                "credential application?"
            ),
            options=YES_NO,
            revisable=False,
        ),
        Field(
            "full_name",
            Kind.TEXT,
            "Full name",
            "What is your full name, as it should appear on the credential?",
            example="Maria Gonzalez",
            validator=person_name,
            headline=True,
        ),
        Field(
            "email",
            Kind.EMAIL,
            "Email",
            "What is your email address? IMC sends its decision there.",
            example="maria@example.org",
            checks=(c.own_email_not_taken,),
            headline=True,
        ),
        Field(
            "is_member",
            Kind.YES_NO,
            "IMC member",
            "Are you an IMC member? (It decides the fee.)",
            options=YES_NO,
            headline=True,
        ),
        Field(
            "membership_number",
            Kind.TEXT,
            "Membership number",
            "What is your IMC membership number?",
            example="IMC-104233",
            optional=True,
            when=_is_member,
            ready="your IMC membership number, if you are a member",
        ),
    ),
)

TRAINING = Section(
    "training",
    "Training",
    (
        Field(
            "center_name",
            Kind.TEXT,
            "Training center",
            "Which training center delivered your mentoring training?",
            example="Global Mentoring Academy",
            validator=title,
            headline=True,
        ),
        Field("center_type", Kind.CHOICE, "Center type", "What kind of center is it?", options=CENTER_TYPES),
        Field(
            "program_name",
            Kind.TEXT,
            "Program",
            "What is the name of the mentor training program?",
            example="Foundations of Professional Mentoring",
            validator=title,
        ),
        Field(
            "training_hours",
            Kind.NUMBER,
            "Training hours",
            "How many hours of mentoring training did you complete?",
            example="52.5",
            rules=(e.enough_training_hours,),
            ready="your training's hours and dates",
            headline=True,
        ),
        Field("training_mode", Kind.CHOICE, "Mode", "How was the program delivered?", options=TRAINING_MODES),
        Field(
            "training_start_date",
            Kind.DATE,
            "Start date",
            "When did the program start?",
            checks=(c.not_in_future, c.training_start_before_end),
        ),
        Field(
            "training_end_date",
            Kind.DATE,
            "End date",
            "When did the program end? It must be completed.",
            checks=(c.not_in_future, c.training_end_after_start),
        ),
        Field(
            "instructor_name",
            Kind.TEXT,
            "Instructor",
            "What is the instructor's name?",
            example="Dr. Amal Haddad",
            validator=person_name,
            ready="the instructor's name and email",
        ),
        Field(
            "instructor_email",
            Kind.EMAIL,
            "Instructor email",
            "What is the instructor's email address?",
            example="amal.haddad@academy.example",
        ),
        Field(
            "training_evidence",
            Kind.FILE,
            "Evidence",
            (
                "Please send your evidence of training: a certificate of completion, or a letter from the training "
                "organization naming the program, the dates of attendance and the total hours (PDF, JPEG or PNG)."
            ),
            ready="your training certificate as a PDF, JPEG or PNG",
        ),
    ),
)

REFERENCES = Repeated(
    "ref",
    "Reference",
    "References",
    (
        Field(
            "mentee_name",
            Kind.TEXT,
            "Mentee",
            "What is the mentee's name?",
            example="Jordan Lee",
            validator=person_name,
            ready="the mentee's name",
        ),
        Field(
            "mentee_email",
            Kind.EMAIL,
            "Mentee email",
            "What is the mentee's email address?",
            example="jordan.lee@example.com",
            checks=(c.mentee_email_is_someone_else, c.mentee_email_distinct),
            ready="their email",
        ),
        Field(
            "start_date",
            Kind.DATE,
            "Start date",
            "When did the mentoring engagement start?",
            checks=(c.not_in_future, c.reference_start_before_end),
            ready="the engagement's start and end dates",
        ),
        Field(
            "end_date",
            Kind.DATE,
            "End date",
            "When did it end? It must be completed.",
            checks=(c.not_in_future, c.reference_end_after_start),
        ),
        Field(
            "setting",
            Kind.CHOICE,
            "Setting",
            "What kind of engagement was it?",
            options=SETTINGS,
        ),
        Field(
            "letter",
            Kind.FILE,
            "Reference letter",
            (
                "If you have a reference letter or email about this engagement (from the mentee, their manager or an "
                "authorized representative of the organization), send it now as a PDF, JPEG or PNG. "
                "It should name you, the mentee, the mentee's email and the dates. No letter? Send /skip."
            ),
            optional=True,
            skip_note="No letter: the details you gave are enough, and IMC may contact the mentee to verify.",
            ready="a reference letter if you have one",
        ),
        Field(
            "letter_author",
            Kind.CHOICE,
            "Letter from",
            "Who wrote the letter?",
            options=LETTER_AUTHORS,
            when=_has_letter,
        ),
        Field(
            "confidentiality",
            Kind.YES_NO,
            "Confidentiality agreement",
            "Is the engagement under a confidentiality agreement? (If so, the letter may leave details out.)",
            options=YES_NO,
            when=_has_letter,
        ),
    ),
    count=5,
    form=True,
)

EXPERIENCE = Section(
    "experience",
    "Experience",
    (
        Field(
            "holds_cpm",
            Kind.YES_NO,
            "Holds the CPM",
            "Do you hold the Certified Professional Mentor (CPM) credential?",
            options=YES_NO,
            rules=(e.holds_cpm,),
        ),
        Field(
            "cpm_number",
            Kind.TEXT,
            "CPM number",
            "What is your CPM credential number?",
            example="CPM-2019-0457",
            optional=True,
            headline=True,
        ),
        Field(
            "cpm_issue_date",
            Kind.DATE,
            "CPM issued",
            "When was your CPM credential issued?",
            checks=(c.not_in_future,),
            rules=(e.full_cpm_cycle,),
            ready="your CPM credential's number and issue date",
        ),
        Field(
            "engagements",
            Kind.WHOLE_NUMBER,
            "Completed engagements",
            "How many mentoring engagements have you started and completed?",
            example="12",
            rules=(e.enough_engagements,),
            headline=True,
        ),
        REFERENCES,
    ),
)

SUPERVISION = Section(
    "supervision",
    "Supervision",
    (
        Field(
            "supervisor_name",
            Kind.TEXT,
            "Supervisor",
            "Who is your mentoring supervisor?",
            example="Sam Okafor",
            validator=person_name,
            ready="your supervisor's name, email and postal address",
            headline=True,
        ),
        Field(
            "supervisor_email",
            Kind.EMAIL,
            "Supervisor email",
            "What is your supervisor's email address?",
            example="sam.okafor@example.net",
            checks=(c.supervisor_email_is_someone_else,),
            headline=True,
        ),
        Field(
            "supervisor_address",
            Kind.TEXT,
            "Supervisor address",
            (
                "What is your supervisor's postal address? Please give the street and number, the city with its "
                "postcode (none where the country has no postcodes) and the country, separated by commas."
            ),
            example="12 Harbour Road, Dublin D02 X285, Ireland",
            validator=postal_address,
        ),
        Field("focus_area", Kind.CHOICE, "Focus area", "What is the focus of the supervision?", options=FOCUS_AREAS),
        Field(
            "supervisor_fit",
            Kind.YES_NO,
            "Supervisor fit",
            (
                "Is your supervisor a practicing mentor with relevant experience, "
                "who knows IMC's Mentoring Definition, "
                "Core Competencies and Code of Ethics?"
            ),
            options=YES_NO,
            rules=(e.supervisor_fits,),
        ),
        Field(
            "supervision_commitment",
            Kind.YES_NO,
            "Supervision commitment",
            "Will you complete 5 mentoring supervision sessions every year? (They are needed to renew the credential.)",
            options=YES_NO,
            rules=(e.commits_to_supervision,),
        ),
        Field(
            "continuous_learning",
            Kind.YES_NO,
            "Continuous learning",
            ("Do you declare your commitment to continuous learning and development as a mentor, as IMC requires?"),
            options=YES_NO,
            rules=(e.declares_continuous_learning,),
        ),
    ),
    form=True,
)

SECTIONS = (APPLICANT, TRAINING, EXPERIENCE, SUPERVISION)


class Flow:
    """The sections expanded into the ordered steps the conversation walks through."""

    def __init__(self, sections: tuple[Section, ...] = SECTIONS) -> None:
        self.sections = sections
        self.steps: tuple[Step, ...] = tuple(self._expand())
        self._by_key = {step.key: step for step in self.steps}
        self._index = {step.key: index for index, step in enumerate(self.steps)}

    def _expand(self) -> Iterator[Step]:
        for number, section in enumerate(self.sections, start=1):
            for item in section.items:
                if isinstance(item, Repeated):
                    for repeat in range(1, item.count + 1):
                        for field in item.fields:
                            yield Step(reference_key(repeat, field.key), field, section, number, item, repeat)
                else:
                    yield Step(item.key, item, section, number)

    def step(self, key: str) -> Step:
        return self._by_key[key]

    def index(self, key: str) -> int:
        """Where the question ``key`` stands in the flow."""
        return self._index[key]

    def has_step(self, key: str) -> bool:
        return key in self._by_key

    def scope(self, step: Step, answers: Mapping[str, Any], *, today: dt.date, policy: Policy) -> Scope:
        return Scope(answers, today, policy, step.number if step.repeat else None)

    def applies(self, step: Step, answers: Mapping[str, Any], *, today: dt.date, policy: Policy) -> bool:
        when = step.field.when
        return when is None or when(self.scope(step, answers, today=today, policy=policy))

    def first_waiting(
        self,
        answers: Mapping[str, Any],
        *,
        today: dt.date,
        policy: Policy,
        start: int = 0,
        stop: int | None = None,
        reopened: Collection[str] = (),
    ) -> Step | None:
        """The first question from position ``start`` up to ``stop`` that applies and waits for an
        answer: one not answered yet, or one of ``reopened`` (the questions IMC asked about)."""
        for step in self.steps[start:stop]:
            if (step.key not in answers or step.key in reopened) and self.applies(
                step, answers, today=today, policy=policy
            ):
                return step
        return None

    def applicable(self, answers: Mapping[str, Any], *, today: dt.date, policy: Policy) -> list[Step]:
        return [step for step in self.steps if self.applies(step, answers, today=today, policy=policy)]
