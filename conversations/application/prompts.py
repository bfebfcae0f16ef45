"""Everything the bot says that is not a field's own prompt: progress, menus, status, help."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from conversations.application import introductions
from conversations.application.fields import Kind, Step
from conversations.application.flow import Flow
from conversations.application.machine import Conversation, NavigationState
from conversations.application.parsing import expectation, show
from conversations.application.policy import Policy
from conversations.application.summary import Issue, completion, frozen_quote, issues, kept_ineligible, quote
from conversations.application.validators import YES_NO, Option
from conversations.dossier import lifecycle
from conversations.dossier.numbers import dossier_number, pdf_name
from conversations.messages import KEEP, KEEP_WORD, Choice, FormOffer, Outbound
from storage.models import Dossier, DossierStatus, StatusChange

DATE_EXAMPLE = "15 September 2022"  # written out: never read the wrong way round

COMMANDS = (
    ("/help", "what the current question needs"),
    ("/back", "the previous question (your answer is kept)"),
    ("/skip", "leave out an optional question"),
    ("/keep", "keep the saved answer and go on (or send keep)"),
    ("/summary", "everything you have entered (one section: /summary Training)"),
    ("/edit", "change any answer"),
    ("/status", "where your application stands"),
    ("/cancel", "withdraw your draft and delete it"),
    ("/restart", "clear your answers and start over"),
    ("/faq", "questions and answers about the credential"),
    ("/human", "ask a person at IMC's credentialing support"),
    ("/stop_reminders", "no more reminders"),
    ("/start_reminders", "reminders again"),
)

CONSENT_FIRST = "To begin, please answer the question below with yes or no (/start shows the welcome again)."
NO_CONSENT = (
    "Understood. Nothing has been stored. Without that consent the application can't go ahead here; "
    "if you change your mind, send any message to start again."
)
WITHDRAWN = (
    "Your draft has been withdrawn and everything you entered here has been deleted. "
    "Send any message if you want to start a new application."
)
TRY_AGAIN = (
    "Sorry, something went wrong on our side and that message was not saved. Everything you saved "
    "before is safe. Please send it again in a moment."
)
CONFIRMATIONS: dict[str, str] = {
    NavigationState.CONFIRM_CANCEL: (
        "Withdraw your application? Everything you entered, files included, will be deleted. This can't be undone."
    ),
    NavigationState.CONFIRM_RESTART: "Start over? Your answers and files will be cleared (your consent is kept).",
}
KEEP_OR_CHANGE_OPTIONS = (
    Option("change", "Change it now", ("change it", "correct it", "fix it")),
    Option("keep", "Keep and continue", ("keep it", "continue", "go on", "carry on", "keep and go on")),
)
ANSWER_OR_QUESTION_OPTIONS = (
    Option("answer", "It's my answer", ("answer", "my answer", "its my answer", "it is my answer", "the answer")),
    Option("question", "It's a question", ("question", "a question", "its a question", "it is a question")),
)
SUBMIT_OPTIONS = (
    Option("submit", "Submit now", ("yes", "yes submit", "submit it", "send", "send it", "resubmit", "yes resubmit")),
    Option("not_yet", "Not yet", ("no", "wait", "later", "back")),
)
_FROZEN_HOW = (
    "To ask for a change, send /human and what should change, e.g. /human Please correct my email address; "
    "IMC's credentialing support can reopen answers."
)
_LABEL_LIMIT = 60


STALE_BUTTON = "That button belongs to an earlier question or list, so I didn't use it. Here is the current question."
KEPT_INELIGIBLE = "Kept your answer to {label}. /edit changes it later; the review lists what is left to meet."
# Before consent nothing is kept, and support needs the question and who asked to answer it.
PERSON_AFTER_CONSENT = (
    "A person from IMC's credentialing support can answer once you have agreed to the consent "
    "question: to answer, they keep your question and who asked it."
)
ASK_A_PERSON = (
    "What would you like to ask IMC's credentialing support? Send your question as your next message "
    "(or /start to go back to the question)."
)
# What an applicant may say when there is nothing to answer: a thank-you, an "ok".
COURTESY = Option(
    "thanks",
    "Thanks",
    (
        "thank you",
        "thanks a lot",
        "thank you very much",
        "many thanks",
        "thx",
        "ty",
        "ok",
        "okay",
        "ok thanks",
        "ok thank you",
        "great",
        "great thanks",
        "perfect",
        "got it",
        "cool",
    ),
)
SIDE_MENU_HINT = "You can also just answer the question above (/start shows it again; nothing is lost)."


def side_menu_hint(step: Step | None) -> str:
    """Said under a list shown besides the question, which is not asked again there (its numbers
    would collide with the list's): the question itself, where there is one."""
    if step is None:
        return SIDE_MENU_HINT
    if step.field.options:
        return (
            f"You can also just answer “{step.field.label}” by typing your choice in words "
            "(/start shows the question again; nothing is lost)."
        )
    return f"You can also just answer the question: {_prompt_line(step)} (nothing is lost)."


def _prompt_line(step: Step) -> str:
    field = step.field
    return f"{field.prompt} (e.g. {DATE_EXAMPLE})" if field.kind is Kind.DATE else field.prompt


def unsupported(what: str) -> str:
    return (
        f"Sorry, I can't use {what}. Please type your answer, press a button, or send a PDF, JPEG or PNG file. "
        "To change an earlier answer, use /edit."
    )


def reply(notes: Sequence[str], question: Outbound | None) -> Outbound:
    """The notes of this turn, then the question the applicant is asked now, as one message."""
    if question is None:
        return Outbound("\n\n".join(notes))
    return replace(question, text="\n\n".join([*notes, question.text]))


def choose(text: str, options: Sequence[Option]) -> Outbound:
    return Outbound(text, tuple(Choice(option.value, option.label) for option in options))


def saved(label: str, shown: str, note: str = "", *, met: Sequence[str] = ()) -> str:
    """The line for a saved answer; ``met``: the rules it now meets, where the answer it replaced broke them."""
    return f"✓ {label}: {shown}" + (f" {note}" if note else "") + (f" — {'; '.join(met)}" if met else "")


def answer_line(conversation: Conversation, step: Step, note: str = "") -> str:
    """The line for the saved answer to ``step``: ✓, or ⚠ and why when it breaks a rule."""
    shown = show(step.field, conversation.answers[step.key])
    problems = conversation.problems(step)
    return (
        kept_ineligible(step.field.label, shown, problems, note) if problems else saved(step.field.label, shown, note)
    )


def keep_or_change(conversation: Conversation, step: Step) -> Outbound:
    """Asked after an answer that breaks an eligibility rule: the answer with why, and the choice."""
    slip = "If you answered No by mistake" if step.field.kind is Kind.YES_NO else "If that was a typo"
    text = (
        f"{answer_line(conversation, step)}\n"
        "Your answer is saved; the application can be submitted once this is met. "
        f"{slip}, choose Change it now. Otherwise keep it and continue: you can change it later with /edit."
    )
    return choose(text, KEEP_OR_CHANGE_OPTIONS)


def answer_or_question(step: Step) -> Outbound:
    """Asked when an answer also reads as a question: nothing is saved until the applicant says."""
    return choose(f"Is that your answer to “{step.field.label}”, or a question for me?", ANSWER_OR_QUESTION_OPTIONS)


def form_ineligible(lines: Sequence[str]) -> str:
    """After a form, the answers it saved that break eligibility rules, with why."""
    return "\n".join(
        [*lines, "These answers are saved; the application can be submitted once they are met. /edit changes one."]
    )


def unknown_command(name: str) -> str:
    return f"I don't know /{name}. " + commands_line()


def commands_line() -> str:
    return "Commands: " + ", ".join(command for command, _ in COMMANDS) + "."


def done(conversation: Conversation) -> str:
    """E.g. "about 45% done" (see ``completion``); "just started" and "all questions answered" at the ends."""
    share = completion(conversation.flow, conversation.answers, today=conversation.today, policy=conversation.policy)
    if share.done == 100:
        return "all questions answered"
    return f"about {share.done}% done" if share.done else "just started"


def progress(conversation: Conversation, step: Step) -> str:
    """E.g. "Section 2 of 4 · Training · about 20% done"."""
    total = len(conversation.flow.sections)
    return f"Section {step.section_number} of {total} · {step.section.title} · {done(conversation)}"


def question(conversation: Conversation, step: Step, *, introduce: bool = True) -> Outbound:
    """The question of ``step``, after its introduction if it has one and ``introduce``."""
    field = step.field
    introduction = introductions.introduction(conversation.flow, step, conversation.answers) if introduce else ""
    lines = [f"{introduction}\n"] if introduction else []
    lines.append(progress(conversation, step))
    if step.repeat is not None:
        lines.append(f"{step.repeat.title} {step.number} of {step.repeat.count}")
    lines.append(_prompt_line(step))
    if step.key in conversation.answers and field.revisable:
        saved_now = show(field, conversation.answers[step.key])
        problems = conversation.problems(step)
        flagged = kept_ineligible("Saved answer", saved_now, problems) if problems else f"Saved answer: {saved_now}"
        lines.append(f"{flagged} (send {KEEP_WORD} to keep it)")
    if field.optional and "/skip" not in field.prompt:
        lines.append("This one is optional: send /skip to leave it out.")
    choices = [Choice(option.value, option.label) for option in field.options]
    if step.key in conversation.answers and field.revisable:
        choices.append(KEEP)
    form = FormOffer(step.form, step.group) if step.form else None
    return Outbound("\n".join(lines), tuple(choices), expects_file=field.kind is Kind.FILE, form=form)


def help_text(conversation: Conversation) -> str:
    step = conversation.step
    lines = []
    if step is not None:
        lines.append(f"This question needs: {expectation(step.field, conversation.policy)}")
        lines.append("It is optional (/skip)." if step.field.optional else "It is required.")
    lines.append("You can also ask for:")
    lines.extend(f"  {command} — {what}" for command, what in COMMANDS)
    lines.append("Everything is saved as you go: you can stop at any time and come back.")
    return "\n".join(lines)


def issue_line(issue: Issue) -> str:
    """A line of what stops submission, e.g. • Training · Training hours: why."""
    return f"• {issue.step.group} · {issue.step.field.label}: {issue.message}"


def _issue_lines(conversation: Conversation, *, missing: bool = True) -> list[str]:
    found = issues(conversation.flow, conversation.answers, today=conversation.today, policy=conversation.policy)
    return [issue_line(issue) for issue in found if missing or not issue.missing]


def reopened_status(conversation: Conversation) -> str:
    """What is open while IMC asks for information, and where the applicant is."""
    flow, step = conversation.flow, conversation.step
    asked = ", ".join(f"{flow.step(key).group} · {flow.step(key).field.label}" for key in conversation.reopened)
    where = f" You are at {step.group} · {step.field.label}." if step else ""
    return f"Open for your answer: {asked}.{where} Answer them, then resubmit."


def no_such_section(wanted: str, flow: Flow) -> str:
    titles = ", ".join(section.title for section in flow.sections)
    return f"There is no section called “{wanted}”. Try one of: {titles}, or a reference, e.g. /summary Reference 2."


def draft_status(conversation: Conversation) -> str:
    flow = conversation.flow
    step = conversation.step
    where = f" You are in section {step.section_number} of {len(flow.sections)} ({step.section.title})." if step else ""
    lines = [f"Status: draft, not submitted yet, {done(conversation)}.{where}"]
    problems = _issue_lines(conversation, missing=False)
    if problems:
        lines += ["To fix before submitting:", *problems]
    return "\n".join(lines)


def _group_steps(conversation: Conversation) -> dict[str, list[Step]]:
    """Answered questions the applicant may change, by group (only the reopened ones while IMC
    asks for information)."""
    reopened = conversation.reopened
    groups: dict[str, list[Step]] = {}
    for step in conversation.flow.applicable(
        conversation.answers, today=conversation.today, policy=conversation.policy
    ):
        if reopened and step.key not in reopened:
            continue
        if step.field.revisable and step.key in conversation.answers:
            groups.setdefault(step.group, []).append(step)
    return groups


def edit_groups(conversation: Conversation) -> tuple[Option, ...]:
    return tuple(Option(group, group) for group in _group_steps(conversation))


def edit_fields(conversation: Conversation) -> tuple[Option, ...]:
    steps = _group_steps(conversation).get(conversation.edit_group or "", [])
    return tuple(
        Option(
            step.key,
            _shorten(f"{step.field.label}: {show(step.field, conversation.answers[step.key])}"),
            (step.field.label,),
        )
        for step in steps
    )


def edit_group_menu(conversation: Conversation) -> Outbound:
    return choose("Which part would you like to change? (/back returns)", edit_groups(conversation))


def edit_field_menu(conversation: Conversation) -> Outbound:
    return choose("Which answer would you like to change? (/back returns)", edit_fields(conversation))


def confirmation(conversation: Conversation) -> Outbound:
    """The yes-or-no question of the confirmation the conversation is at (cancel or restart)."""
    return replace(choose(CONFIRMATIONS[conversation.state], YES_NO), final=True)


def frozen(what: str) -> str:
    return f"Your application is submitted and frozen, so {what}. {_FROZEN_HOW}"


def final_choice(options: Sequence[Option], *, number: bool) -> str:
    """Said when a choice that can't be undone was not made by its button or its words (``number``:
    a number was typed)."""
    words = " or ".join(f"“{option.label.lower()}”" for option in options)
    return f"Please type {words}, or press its button" + (" (a number alone is not enough here)." if number else ".")


def submit_confirmation(conversation: Conversation) -> Outbound:
    """Asked before submitting: what freezes, and the fee that will be due."""
    if conversation.reopened:
        text = (
            "Resubmit now? IMC gets the new version, and your answers are frozen again: they can no "
            "longer be changed here (IMC can reopen them if it needs more information)."
        )
    else:
        fee = quote(conversation.answers, conversation.policy).fee_usd
        member = "IMC member" if conversation.answers.get("is_member") == "yes" else "not an IMC member"
        text = (
            "Submit your application now? Once submitted, your answers are frozen: they can no longer be "
            "changed here (IMC can reopen them if it needs more information).\n"
            f"The application fee of {fee} USD ({member}) will then be due."
        )
    return replace(choose(text, SUBMIT_OPTIONS), final=True)


def find_answered_step(conversation: Conversation, wanted: str) -> Step | None:
    """An answered question by its key (``training_hours``) or label (``training hours``)."""
    wanted_loose = wanted.casefold().replace("_", " ").strip()
    for steps in _group_steps(conversation).values():
        for step in steps:
            if wanted_loose in (step.key.replace("_", " "), step.field.label.casefold()):
                return step
    return None


def _shorten(text: str) -> str:
    return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 1] + "…"


def changes(
    flow: Flow, before: Mapping[str, Any], after: Mapping[str, Any], *, today: dt.date, policy: Policy
) -> list[str]:
    """What a new version changed, one line per answer: "Training · Training hours: 42 → 52"."""
    lines = []
    for step in flow.applicable(after, today=today, policy=policy):
        old, new = before.get(step.key), after.get(step.key)
        if old != new:
            lines.append(f"{step.group} · {step.field.label}: {show(step.field, old)} → {show(step.field, new)}")
    return lines


def resubmitted(dossier: Dossier, changed: Sequence[str]) -> str:
    listed = "\n".join(f"  • {line}" for line in changed) or "  (no answer changed)"
    return (
        f"✓ Resubmitted. Version {dossier.version} of your application {dossier_number(dossier)} went to IMC "
        f"on {dossier.submitted_at:%d %B %Y at %H:%M} UTC, with these changes:\n{listed}"
    )


def submitted(dossier: Dossier, answers: Mapping[str, Any], policy: Policy, *, by_email: bool = False) -> str:
    """The receipt of a submission, for the chat or ``by_email``."""
    fee = quote(answers, policy)
    heard = _heard(policy, answers.get("email"), by_email=by_email)
    status = "in /status in your chat with the assistant" if by_email else "in /status"
    lines = [
        f"✓ Submitted. Your dossier {dossier_number(dossier)} (version {dossier.version}) was received on "
        f"{dossier.submitted_at:%d %B %Y at %H:%M} UTC.",
        "",
        "What happens next:",
        f"1. Payment: the application fee is {fee.fee_usd} USD, due now; "
        + (
            f"how to pay is just below, and {status} until it is paid."
            if policy.tells_how_to_pay
            else f"IMC will send you payment instructions, and the fee shows {status} until it is paid."
        ),
        f"   Once IMC's support team confirms the payment, you hear of it {heard}.",
        "2. Review: IMC assesses your application and contacts your references to verify your mentoring "
        "experience; they may contact you too.",
    ]
    if fee.review_weeks:
        low, high = fee.review_weeks
        lines.append(f"   For your training center type this takes about {low}–{high} weeks.")
    lines.append(f"3. Decision: you hear the result {heard}.")
    return "\n".join(lines)


def copy_caption(dossier: Dossier) -> str:
    """Said with the applicant's copy of a dossier version (the PDF)."""
    return (
        f"Your copy of application {dossier_number(dossier)} (version {dossier.version}), as submitted: "
        f"{pdf_name(dossier)}"
    )


def copy_and_receipt(answers: Mapping[str, Any], policy: Policy) -> str:
    """Said in the chat after a submission's receipt: what follows it, the PDF and the email."""
    lines = ["Your copy of the dossier as submitted, a PDF, follows."]
    if policy.sends_email:
        lines.append(f"This receipt is also emailed to {answers.get('email')}.")
    return "\n".join(lines)


def _heard(policy: Policy, address: str | None = None, *, by_email: bool = False) -> str:
    """Where the applicant hears of a change: the chat, and email when IMC sends it (said in the
    chat, or ``by_email``, where "here" would be the inbox)."""
    if by_email:
        return "by email and in your chat with IMC's application assistant"
    if not policy.sends_email:
        return "here"
    return f"here and by email to {address}" if address else "here and by email"


def nothing_to_do(policy: Policy) -> str:
    """Said to a thank-you or an "ok" after submission."""
    return (
        f"All set: there is nothing more to do for now. You will hear {_heard(policy)} when anything "
        "changes (/status shows where your application stands)."
    )


def _fee_status(dossier: Dossier, policy: Policy) -> list[str]:
    """The fee in the status; while it is due, how to pay it: the link and/or the instructions
    IMC set, with the dossier number to quote, or, with neither, that IMC will send instructions
    and whom to ask meanwhile. (The reply to a submission ends with the status, so it shows them.)"""
    if (fee := lifecycle.fee_words(dossier.status, dossier.fee_status)) != "due":
        return [f"Application fee: {fee}."]
    amount = frozen_quote(dossier.content).fee_usd
    due = f"Application fee: {amount} USD is due." if amount is not None else "Application fee: due."
    if not policy.tells_how_to_pay:
        return [f"{due} IMC will send you payment instructions; questions about paying: /human"]
    how = [f"{due} Pay online: {policy.payment_url}" if policy.payment_url else f"{due} How to pay:"]
    if policy.payment_instructions:
        how += policy.payment_instructions.splitlines()
    return [*how, f"Please quote {dossier_number(dossier)} with your payment."]


def submitted_status(
    dossier: Dossier, history: Sequence[StatusChange], policy: Policy, *, by_email: bool = False
) -> Outbound:
    """Where a submitted application stands, for the chat or ``by_email``."""
    lines = [
        f"Your application {dossier_number(dossier)} (version {dossier.version}) is "
        f"{lifecycle.WORDS.get(dossier.status, dossier.status)}.",
        *_fee_status(dossier, policy),
        "History:",
        *(f"  {change.at:%d %B %Y %H:%M} UTC — {lifecycle.history_words(change)}" for change in history),
    ]
    weeks = dossier.content.get("review_weeks")
    if weeks and history and dossier.status not in (DossierStatus.APPROVED, DossierStatus.REJECTED):
        submitted_on = history[0].at.date()
        earliest, latest = (submitted_on + dt.timedelta(weeks=weeks[0]), submitted_on + dt.timedelta(weeks=weeks[1]))
        lines.append(
            f"Expected decision: between {earliest:%d %B} and {latest:%d %B %Y} "
            f"({weeks[0]}–{weeks[1]} weeks from submission on {submitted_on:%d %B %Y})."
        )
    lines.append(f"You will hear {_heard(policy, by_email=by_email)} when anything changes.")
    return Outbound("\n".join(lines))
