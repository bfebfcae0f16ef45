"""How often a free-text answer is checked ("Is that your answer …, or a question for me?"), and
how often a question is taken for an answer.

    .venv/bin/python bench/answer_or_question.py [--list]

(a) Real answers: every free-text answer of the test application (``tests.conftest.FULL_APPLICATION``,
given through the engine), and the realistic answers below, each at its question: how many get
the check (target: at most 5%). (b) Questions: the sets of the independent writers in
tests/data/faq_writers (but the held-out one), each asked at the program-name question: how many
would be stored as the answer without the check (target 0), how many get the check, and how many
go straight to the knowledge base. ``--list`` names the answers checked and the questions stored.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conversations.application.asking import Asking, LookedUp, Reading  # noqa: E402
from conversations.application.engine import ConversationEngine  # noqa: E402
from conversations.application.fields import Kind, Step  # noqa: E402
from conversations.application.flow import Flow  # noqa: E402
from conversations.application.policy import Policy  # noqa: E402
from conversations.messages import Inbound, IncomingFile  # noqa: E402
from conversations.support.faq.index import FaqIndex  # noqa: E402
from conversations.support.faq.knowledge import load  # noqa: E402
from storage.database import make_engine  # noqa: E402
from storage.files import FileStore  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.unit_of_work import Storage  # noqa: E402
from tests.conftest import FULL_APPLICATION, ManualClock  # noqa: E402

MAX_CHECKED_ANSWERS = 0.05
WRITERS = ROOT / "tests" / "data" / "faq_writers"
# The held-out writer's set (f-breaks) is not read here: it is for the FAQ's final figures alone.
WRITER_SETS = ("a-phone.yaml", "b-nonnative.yaml", "c-long.yaml", "d-terse.yaml", "e-mixed.yaml")
ASKED_AT = "program_name"

# Answers applicants give to the free-text questions, by question: names, programs, centers,
# addresses, written as people write them (titles, lower case, initials, punctuation).
REALISTIC_ANSWERS: dict[str, tuple[str, ...]] = {
    "full_name": (
        "Maria Gonzalez",
        "maria gonzalez",
        "Dr. Amal Haddad",
        "Jean-Luc Picard",
        "María José Fernández",
        "O'Connor, Siobhan",
        "Li Wen",
        "Prof. John A. Smith Jr.",
    ),
    "center_name": (
        "Global Mentoring Academy",
        "Hi-Tech Mentors Ltd",
        "Mentoring Excellence Institute",
        "European Mentoring and Coaching Council",
        "O'Brien Training Services",
        "The Mentoring School",
        "University of Leeds",
        "IMC",
        "mentoring academy berlin",
    ),
    "program_name": (
        "Mentoring Skills Level 2",
        "My Mentoring Program",
        "How To Mentor Well",
        "Foundations of Professional Mentoring",
        "Certificate in Mentoring Practice",
        "Advanced Mentoring for Leaders",
        "Supervision in Mentoring",
        "The Art of Mentoring",
        "Mentoring Fundamentals (online)",
        "CPM Preparation Course",
        "Training for Mentors",
        "mentoring course",
        "Fee Structures in Mentoring Programs",
        "What Mentors Need",
        "Eligibility and Ethics in Mentoring",
        "Coaching & Mentoring Diploma",
        "Level 5 Certificate in Coaching and Mentoring",
        "Mentor Training 101",
    ),
    "instructor_name": ("Dr. Amal Haddad", "Sam Okafor", "Prof. Ines Duarte", "several trainers"),
    "ref1_mentee_name": (
        "Jordan Lee",
        "Mentee 1",
        "Mentee One",
        "Anna-Maria Rossi",
        "K. Tanaka",
        "Chen Wei",
        "jordan lee",
    ),
    "supervisor_name": ("Sam Okafor", "Dr. Helen Brooks", "Ms. Ada Obi"),
    "supervisor_address": (
        "12 Harbour Road, Dublin, Ireland",
        "12 Harbour Road, Dublin D02 X285, Ireland",
        "Flat 3, 45 King Street, Manchester M2 4LQ, United Kingdom",
        "Hauptstrasse 5, 10115 Berlin, Germany",
        "221B Baker Street\nLondon NW1 6XE\nUnited Kingdom",
        "P.O. Box 1234, Nairobi 00100, Kenya",
        "5 rue de la Paix, 75002 Paris, France",
        "my office: 7 Elm Street, Boston MA 02108, USA",
    ),
}


def _inbound(text: str) -> Inbound:
    return Inbound("bench", "bench", "bench", text=text)


def reading(asking: Asking, index: FaqIndex, step: Step, text: str) -> Reading:
    """How the engine takes ``text`` at ``step``, the message looked up as before a turn (a
    message is looked up whenever the reading may use the index's answer)."""
    return asking.reading(_inbound(text), step, Policy(), LookedUp(text.strip(), index.ask(text.strip())))


def application_answers(asking: Asking) -> list[tuple[Step, str]]:
    """The free-text answers of the test application, each with its question, as the engine asked them."""
    workdir = Path(tempfile.mkdtemp(prefix="cmm-bench-"))
    database = make_engine(f"sqlite:///{workdir / 'answers.sqlite3'}")
    upgrade(database)
    storage = Storage(database, FileStore(workdir / "files"), ManualClock())
    engine = ConversationEngine(storage, policy=Policy(), asking=asking)
    found = []
    for number, answer in enumerate(FULL_APPLICATION):
        with storage.transaction() as tx:
            applicant = tx.applicants.find("bench", "walk")
            state = tx.applicants.draft_of(applicant).state if applicant else None
        step = engine.flow.step(state) if state and engine.flow.has_step(state) else None
        if isinstance(answer, bytes):
            engine.handle(Inbound("bench", "walk", f"a{number}", file=IncomingFile("letter.pdf", answer)))
            continue
        text = str(answer)
        if step is not None and step.field.kind is Kind.TEXT:
            found.append((step, text))
        engine.handle(Inbound("bench", "walk", f"a{number}", text=text))
    database.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="name the answers checked and the questions stored")
    args = parser.parse_args()
    index = FaqIndex(load())
    asking = Asking(index=index)
    flow = Flow()

    answers = application_answers(asking)
    answers += [(flow.step(key), text) for key, texts in REALISTIC_ANSWERS.items() for text in texts]
    checked = [(step, text) for step, text in answers if reading(asking, index, step, text) is not Reading.ANSWER]
    share = len(checked) / len(answers)
    realistic = sum(map(len, REALISTIC_ANSWERS.values()))
    print(f"real answers     {len(answers)} free-text answers ({len(answers) - realistic} of the test application)")
    print(f"checked          {len(checked)} ({share:.1%}; target <= {MAX_CHECKED_ANSWERS:.0%})")
    if args.list:
        for step, text in checked:
            print(f"  {step.field.label}: {text!r}")

    at = flow.step(ASKED_AT)
    print(f"\nquestions asked at “{at.field.label}”")
    for name in WRITER_SETS:
        questions = [item["q"] for item in yaml.safe_load((WRITERS / name).read_text(encoding="utf-8"))]
        readings = {question: reading(asking, index, at, question) for question in questions}
        counts = Counter(readings.values())
        print(
            f"  {name:18} {len(questions)} questions: stored as the answer {counts[Reading.ANSWER]} (target 0), "
            f"checked {counts[Reading.EITHER]}, answered at once {counts[Reading.QUESTION]}"
        )
        if args.list:
            for question, read in readings.items():
                if read is Reading.ANSWER:
                    print(f"    stored: {question}")


if __name__ == "__main__":
    main()
