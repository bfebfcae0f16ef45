"""Moving through the application: the applicant's commands (/back, /edit, /skip, ...), the
menus and confirmations, the choice to change or keep an answer that breaks an eligibility rule,
the check whether an answer that also reads as a question is one, where a question
leads next (also while IMC has reopened some answers), forms, and the review with its
submission. Every method changes only the turn's conversation (and the transaction it carries;
an evidence file goes to the file store); the engine saves and replies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from conversations.application import prompts, review
from conversations.application.answering import Answering
from conversations.application.asking import Asking, LookedUp
from conversations.application.fields import Step
from conversations.application.flow import Flow
from conversations.application.forms import form_steps
from conversations.application.machine import AnswerOrQuestion, Conversation, KeepOrChange, NavigationState
from conversations.application.policy import Policy
from conversations.application.side_menu import list_name
from conversations.application.summary import dossier_content, flatten, section_steps, summary
from conversations.application.turn import MENUS, Turn, Withdrawn
from conversations.application.validators import YES_NO, Invalid, Option, choice, choice_number, exact_choice
from conversations.commands import Command
from conversations.dossier import lifecycle
from conversations.dossier.emails import status_email
from conversations.messages import KEEP_WORD, Outbound
from conversations.notices import email_applicant, send_copy
from conversations.support.faq.knowledge import Result
from storage.files import FileStore
from storage.models import Dossier, saved_id


@dataclass(frozen=True)
class _Place:
    """A state outside the questions: what it does with the applicant's message (``take``), and
    what it asks (``ask``)."""

    take: Callable[[Turn], None]
    ask: Callable[[Turn], Outbound]


def _of_conversation(prompt: Callable[[Conversation], Outbound]) -> Callable[[Turn], Outbound]:
    """A question that needs only the conversation, as a place's ``ask``."""
    return lambda turn: prompt(turn.conversation)


def _answered_by_the_status(turn: Turn) -> None:
    """When submitted, any message is answered with the status, which the question shows; one
    that may be meant to change an answer also hears how to ask for that. A thank-you or an "ok"
    is only answered kindly."""
    inbound = turn.inbound
    if inbound.file is None and exact_choice(inbound.text, (prompts.COURTESY,)):
        turn.notes.append(prompts.nothing_to_do(turn.conversation.policy))
        turn.ask_again = False
    elif inbound.file is not None or inbound.text.strip():
        turn.notes.append(prompts.frozen("answers can't be changed here"))


class Navigation:
    def __init__(
        self, flow: Flow, *, policy: Policy, asking: Asking, files: FileStore, staff_destinations: Sequence[str]
    ) -> None:
        self.flow = flow
        self.policy = policy
        self.asking = asking
        self.answering = Answering(flow, policy=policy, files=files)
        self.staff_destinations = tuple(staff_destinations)
        self._commands: dict[str, Callable[[Turn, str], None]] = {
            "start": self._start,
            "help": self._help,
            "back": self._back,
            "skip": self._skip,
            "keep": self._keep,
            "summary": self._summary,
            "edit": self._edit,
            "status": self._status,
            "cancel": self._cancel,
            "restart": self._restart,
            "faq": self._faq,
            "human": self._human,
            "stop_reminders": self._stop_reminders,
            "start_reminders": self._start_reminders,
        }
        confirmation = _Place(self._confirm, _of_conversation(prompts.confirmation))
        self._places: dict[str, _Place] = {
            NavigationState.REVIEW: _Place(self._review_choice, self._review),
            NavigationState.EDIT_GROUP: _Place(self._pick_group, _of_conversation(prompts.edit_group_menu)),
            NavigationState.EDIT_FIELD: _Place(self._pick_field, _of_conversation(prompts.edit_field_menu)),
            NavigationState.CONFIRM_CANCEL: confirmation,
            NavigationState.CONFIRM_RESTART: confirmation,
            NavigationState.CONFIRM_SUBMIT: _Place(self._confirm_submit, _of_conversation(prompts.submit_confirmation)),
            NavigationState.KEEP_OR_CHANGE: _Place(self._keep_or_change, self._keep_or_change_question),
            NavigationState.ANSWER_OR_QUESTION: _Place(self._answer_or_question, self._answer_or_question_question),
            NavigationState.SUBMITTED: _Place(_answered_by_the_status, self._submitted_status),
        }

    @staticmethod
    def _review(turn: Turn) -> Outbound:
        """The whole review on arriving there (or on /start); after anything else done at the
        review (or its confirmation), only its choice again."""
        there = (NavigationState.REVIEW, NavigationState.CONFIRM_SUBMIT)
        if turn.began_in in there and not turn.show_whole:
            return review.review_again(turn.conversation)
        return review.review(turn.conversation)

    def _submitted_status(self, turn: Turn, *, by_email: bool = False) -> Outbound:
        return prompts.submitted_status(
            turn.submitted_dossier(), turn.tx.dossiers.history(turn.applicant_id), self.policy, by_email=by_email
        )

    def run_command(self, turn: Turn, command: Command) -> None:
        handler = self._commands.get(command.name)
        if handler is None:
            turn.notes.append(prompts.unknown_command(command.name))
        else:
            handler(turn, command.argument)

    def take(self, turn: Turn) -> None:
        """The applicant's message (not a command) where the conversation stands: an answer to
        the question, or a choice in the review, a menu or a confirmation."""
        conversation = turn.conversation
        step = conversation.step
        if step is None:
            self._places[conversation.state].take(turn)
        elif turn.inbound.file is None and turn.inbound.text.strip().casefold() == KEEP_WORD and self._has_saved(turn):
            self._keep(turn, "")
        elif (problems := self.answering.answer(turn, step)) is not None:
            if problems:
                self._ask_keep_or_change(turn, step)
            else:
                self.advance(turn)

    def question(self, turn: Turn) -> Outbound:
        """What the conversation asks where it stands."""
        conversation = turn.conversation
        step = conversation.step
        return prompts.question(conversation, step) if step is not None else self._places[conversation.state].ask(turn)

    def submit_form(self, turn: Turn, key: str, raw: dict[str, str]) -> None:
        conversation = turn.conversation
        if conversation.state == NavigationState.SUBMITTED:
            turn.notes.append(prompts.frozen("it can't be changed here"))
            return
        steps = form_steps(self.flow, key, conversation.answers, today=conversation.today, policy=self.policy)
        if self.answering.answer_form(turn, steps, raw):
            self._after_form(turn, steps)

    def _after_form(self, turn: Turn, steps: Sequence[Step]) -> None:
        """Carry on from the form: at the first question of the form's part still unanswered
        (e.g. the reference letter), or after it, if the applicant was within the form's part."""
        conversation = turn.conversation
        if conversation.editing:
            self._return(turn)
            return
        current = conversation.step
        if current is None or current.form != steps[0].form:
            return  # filled in ahead (or from a menu): the current question stays
        conversation.jump_to(conversation.resume_point(start=self.flow.index(steps[0].key)))

    def advance(self, turn: Turn) -> None:
        conversation = turn.conversation
        if conversation.editing:
            self._return(turn)
        elif conversation.reopened:
            self._next_reopened(turn)
        else:
            conversation.trigger("next")

    def _next_reopened(self, turn: Turn) -> None:
        """While IMC asks for information, only the questions it named (and any the new answers
        make necessary) are asked, in order; then the review, to resubmit."""
        conversation = turn.conversation
        here = conversation.index
        conversation.jump_to(
            conversation.resume_point(start=0 if here is None else here + 1, reopened=conversation.reopened)
        )

    def _return(self, turn: Turn) -> None:
        """Leave an edit or a menu for where the applicant was. Questions the change made
        necessary (say, who wrote a letter that is now given) are asked first."""
        conversation = turn.conversation
        back_to = conversation.return_to or NavigationState.REVIEW
        conversation.edit_group = None
        question = self._about(turn, back_to)
        newly_needed = conversation.first_waiting(
            stop=self.flow.index(question) if self.flow.has_step(question) else None
        )
        if newly_needed is not None:
            conversation.editing = True  # answering it returns here again
            conversation.jump_to(newly_needed.key)
            return
        conversation.return_to = None
        conversation.editing = False
        if back_to != NavigationState.KEEP_OR_CHANGE:
            conversation.keep_or_change = None
        if back_to != NavigationState.ANSWER_OR_QUESTION:
            conversation.answer_or_question = None
        conversation.jump_to(back_to)
        if conversation.step is not None and not conversation.applies(conversation.step):
            conversation.trigger("next")
        elif back_to == NavigationState.KEEP_OR_CHANGE and not self._kept_ineligible(turn):
            self._carry_on(turn)  # the answer was put right meanwhile (say, with /edit)

    @staticmethod
    def _about(turn: Turn, place: str) -> str:
        """The question a place is about: the one of the keep-or-change choice or of the
        answer-or-question check; a question is about itself."""
        return turn.conversation.asked_about(place) or place

    def _remember_position(self, turn: Turn) -> None:
        conversation = turn.conversation
        if conversation.state not in MENUS and conversation.return_to is None:
            conversation.return_to = conversation.state

    @staticmethod
    def _picked(turn: Turn, options: tuple[Option, ...]) -> str | None:
        """The choice made by its button (or the terminal's number for it: both name the list) or
        by its words; never by a bare number, which may have been meant for another list."""
        inbound = turn.inbound
        if inbound.choice_for == turn.conversation.list_name and any(
            option.value == inbound.text for option in options
        ):
            return inbound.text
        return exact_choice(inbound.text, options)

    def _final_choice(self, turn: Turn, options: tuple[Option, ...]) -> str | None:
        """``_picked``; None, and what to do in the notes, when nothing is."""
        picked = self._picked(turn, options)
        if picked is None:
            turn.notes.append(prompts.final_choice(options, number=turn.inbound.text.strip().isdecimal()))
        return picked

    def _review_choice(self, turn: Turn) -> None:
        picked = self._final_choice(turn, review.REVIEW_OPTIONS)
        if picked == "edit":
            self._edit(turn, "")
        elif picked == "submit" and not turn.conversation.trigger("ask_submit"):
            turn.notes.append("The application can't be submitted yet; see what is left below.")

    def _confirm_submit(self, turn: Turn) -> None:
        picked = self._final_choice(turn, prompts.SUBMIT_OPTIONS)
        conversation = turn.conversation
        if picked == "not_yet":
            turn.notes.append("Nothing was submitted.")
            conversation.jump_to(NavigationState.REVIEW)
            return
        if picked is None:
            return
        if not conversation.trigger("submit"):  # an answer changed meanwhile (say, in a form)
            conversation.jump_to(NavigationState.REVIEW)
            turn.notes.append("The application can't be submitted yet; see what is left below.")
            return
        content = dossier_content(self.flow, conversation.answers, today=conversation.today, policy=self.policy)
        if not conversation.close_reopened():
            dossier = turn.tx.dossiers.submit(turn.applicant_id, content, destinations=self.staff_destinations)
            receipt = prompts.submitted(dossier, conversation.answers, self.policy)
            emailed = prompts.submitted(dossier, conversation.answers, self.policy, by_email=True)
            self._handed_over(turn, dossier, receipt, emailed)
            return
        previous = turn.submitted_dossier()
        changes = prompts.changes(
            self.flow,
            flatten(self.flow, previous.content),
            conversation.answers,
            today=conversation.today,
            policy=self.policy,
        )
        dossier = turn.tx.dossiers.submit(
            turn.applicant_id,
            content,
            destinations=self.staff_destinations,
            status=lifecycle.advance(previous.status, "resubmit"),
            changes=changes,
        )
        receipt = prompts.resubmitted(dossier, changes)
        self._handed_over(turn, dossier, receipt, receipt, changes)

    def _handed_over(
        self, turn: Turn, dossier: Dossier, receipt: str, emailed: str, changes: Sequence[str] = ()
    ) -> None:
        """The reply to a submission (``receipt``, then the status), and what follows it in the
        same transaction: the applicant's copy of the dossier, and the receipt by email (``emailed``)."""
        turn.notes += [receipt, prompts.copy_and_receipt(turn.conversation.answers, self.policy)]
        send_copy(turn.tx, turn.consented_applicant, saved_id(dossier), prompts.copy_caption(dossier), changes)
        status = self._submitted_status(turn, by_email=True).text
        body = f"{emailed}\n\n{status}\n\nYour copy of the dossier as submitted is attached."
        email = status_email(dossier, dossier.status, body, sends_email=self.policy.sends_email, copy_with=changes)
        if email is not None:
            email_applicant(turn.tx, turn.applicant_id, email)

    def _ask_keep_or_change(self, turn: Turn, step: Step) -> None:
        """After an answer that breaks an eligibility rule: change it now, or keep it and go on."""
        conversation = turn.conversation
        conversation.keep_or_change = KeepOrChange(step.key, list_name("ineligible-", turn.inbound.event_id))
        conversation.trigger("ask_keep_or_change")

    def _kept_step(self, turn: Turn) -> Step:
        choice = turn.conversation.keep_or_change
        if choice is None:
            raise RuntimeError("the keep-or-change choice is asked about no answer")
        return self.flow.step(choice.key)

    def _kept_ineligible(self, turn: Turn) -> bool:
        """Whether the answer the keep-or-change choice is about still breaks a rule."""
        conversation = turn.conversation
        step = self._kept_step(turn)
        return bool(conversation.problems(step))

    def ask_answer_or_question(self, turn: Turn, step: Step) -> None:
        """After an answer to ``step`` that also reads as a question: nothing is saved
        until the applicant says which it is (``_answer_or_question``)."""
        conversation = turn.conversation
        text = turn.inbound.text.strip()
        looked_up = turn.looked_up
        found = looked_up.result if looked_up is not None and looked_up.question == text else Result(None)
        name = list_name("either-", turn.inbound.event_id)
        conversation.answer_or_question = AnswerOrQuestion(step.key, text, name, found.to_dict())
        conversation.trigger("ask_answer_or_question")

    def answers_the_check(self, turn: Turn) -> bool:
        """Whether the message at the answer-or-question check is for it: one of its two choices,
        or a bare number (which may have been meant for another list, so it is refused). Any
        other message puts the check away (``leave_the_check``) and is taken at the question."""
        typed = turn.inbound.text.strip()
        options = prompts.ANSWER_OR_QUESTION_OPTIONS
        bare_number = turn.inbound.choice_for is None and choice_number(typed, len(options)) is not None
        return bare_number or self._picked(turn, options) is not None

    def _answer_or_question(self, turn: Turn) -> None:
        """At the check, "It's my answer" saves the text as the answer, as if no check had been
        asked (its checks, rules and the keep-or-change choice as usual); "It's a question"
        answers it from the knowledge base and asks the question again; a bare number picks
        nothing."""
        check = self._checked(turn)
        picked = self._final_choice(turn, prompts.ANSWER_OR_QUESTION_OPTIONS)
        if picked is None:
            return
        self.leave_the_check(turn)
        if picked == "answer":
            turn.inbound = replace(turn.inbound, text=check.text, choice_for=None)
            self.take(turn)
        else:
            found = Result.from_dict(check.found, self.asking.entries(turn.tx))
            turn.extra += self.asking.answer(turn.tx, turn.applicant_id, check.text, LookedUp(check.text, found))

    def _checked(self, turn: Turn) -> AnswerOrQuestion:
        check = turn.conversation.answer_or_question
        if check is None:
            raise RuntimeError("the answer-or-question check is asked about no answer")
        return check

    def leave_the_check(self, turn: Turn) -> None:
        """From the answer-or-question check back at its question, the text it kept dropped."""
        conversation = turn.conversation
        if conversation.state == NavigationState.ANSWER_OR_QUESTION:
            conversation.jump_to(self._checked(turn).key)
            conversation.answer_or_question = None

    def _answer_or_question_question(self, turn: Turn) -> Outbound:
        return prompts.answer_or_question(self.flow.step(self._checked(turn).key))

    def _keep_or_change_question(self, turn: Turn) -> Outbound:
        return prompts.keep_or_change(turn.conversation, self._kept_step(turn))

    def _keep_or_change(self, turn: Turn) -> None:
        picked = self._final_choice(turn, prompts.KEEP_OR_CHANGE_OPTIONS)
        if picked == "change":
            self._change_kept(turn)
        elif picked == "keep":
            self._keep_kept(turn)

    def _change_kept(self, turn: Turn) -> None:
        """Back at the question the choice was about: asked again, its answer offered to keep, as
        /back does."""
        conversation = turn.conversation
        conversation.jump_to(self._kept_step(turn).key)
        conversation.keep_or_change = None

    def _keep_kept(self, turn: Turn) -> None:
        turn.notes.append(prompts.KEPT_INELIGIBLE.format(label=self._kept_step(turn).field.label))
        self._carry_on(turn)

    def _carry_on(self, turn: Turn) -> None:
        """Go on from the question the choice was about, where its answer would have led."""
        self._change_kept(turn)
        self.advance(turn)

    def _start(self, turn: Turn, _argument: str) -> None:
        turn.show_whole = True
        if turn.conversation.state == NavigationState.SUBMITTED:
            turn.notes.append("Welcome back!")
        else:
            turn.notes.append("Welcome back! Everything you entered is saved; let's carry on.")

    def _help(self, turn: Turn, _argument: str) -> None:
        turn.notes.append(prompts.help_text(turn.conversation))

    def _back(self, turn: Turn, _argument: str) -> None:
        conversation = turn.conversation
        if conversation.state == NavigationState.ANSWER_OR_QUESTION:
            self.leave_the_check(turn)  # the question the check was about, asked again
        elif conversation.state == NavigationState.SUBMITTED:
            turn.notes.append(prompts.frozen("there is nothing to go back to"))
        elif conversation.state == NavigationState.KEEP_OR_CHANGE:
            self._change_kept(turn)
        elif conversation.state in MENUS or conversation.editing:
            self._return(turn)
        elif conversation.reopened:
            self._back_reopened(turn)
        elif not (conversation.has_move("back") and conversation.trigger("back")):
            turn.notes.append("This is the first question, so there is nothing before it.")

    def _back_reopened(self, turn: Turn) -> None:
        conversation = turn.conversation
        here = conversation.index
        before = len(self.flow.steps) if here is None else here
        earlier = [key for key in conversation.reopened if self.flow.index(key) < before]
        if earlier:
            conversation.jump_to(max(earlier, key=self.flow.index))
        else:
            turn.notes.append("This is the first question IMC asked about, so there is nothing before it.")

    def _skip(self, turn: Turn, _argument: str) -> None:
        self.leave_the_check(turn)
        step = turn.conversation.step
        if step is None:
            turn.notes.append("There is no question to skip here.")
        elif not step.field.optional:
            turn.notes.append("This question is required, so it can't be skipped.")
        else:
            turn.conversation.answers[step.key] = None
            turn.notes.append(step.field.skip_note or f"Skipped: {step.field.label}.")
            self.advance(turn)

    @staticmethod
    def _has_saved(turn: Turn) -> bool:
        """Whether the question asked has a saved answer the applicant may keep."""
        step = turn.conversation.step
        return step is not None and step.field.revisable and step.key in turn.conversation.answers

    def _keep(self, turn: Turn, _argument: str) -> None:
        self.leave_the_check(turn)
        conversation = turn.conversation
        step = conversation.step
        if conversation.state == NavigationState.KEEP_OR_CHANGE:
            self._keep_kept(turn)
        elif step is None or not self._has_saved(turn):
            turn.notes.append("There is no saved answer to keep for this question yet.")
        else:
            turn.notes.append(prompts.answer_line(conversation, step, "(kept)"))
            self.advance(turn)

    def _summary(self, turn: Turn, argument: str) -> None:
        conversation = turn.conversation
        answers, today = conversation.answers, conversation.today
        steps = section_steps(self.flow, answers, argument, today=today, policy=self.policy) if argument else None
        if steps == []:
            turn.notes.append(prompts.no_such_section(argument, self.flow))
        else:
            turn.notes.append(
                summary(self.flow, answers, today=today, policy=self.policy, steps=steps, flag_ineligible=True)
            )

    def _edit(self, turn: Turn, argument: str) -> None:
        conversation = turn.conversation
        if conversation.state == NavigationState.SUBMITTED:
            turn.notes.append(prompts.frozen("it can't be edited here"))
            return
        self._remember_position(turn)
        if argument:
            step = prompts.find_answered_step(conversation, argument)
            if step is not None:
                self._start_editing(turn, step.key)
                return
            turn.notes.append(f"I couldn't find an answered question called “{argument}”. Pick one below.")
        conversation.editing = False
        conversation.trigger("edit")

    def _pick_group(self, turn: Turn) -> None:
        try:
            group = choice(turn.inbound.text, prompts.edit_groups(turn.conversation))
        except Invalid as error:
            step = prompts.find_answered_step(turn.conversation, turn.inbound.text)
            if step is not None:  # the applicant named the question itself
                self._start_editing(turn, step.key)
            else:
                turn.notes.append(str(error))
            return
        turn.conversation.edit_group = group
        turn.conversation.trigger("open_group")

    def _pick_field(self, turn: Turn) -> None:
        try:
            key = choice(turn.inbound.text, prompts.edit_fields(turn.conversation))
        except Invalid as error:
            turn.notes.append(str(error))
            return
        self._start_editing(turn, key)

    def _start_editing(self, turn: Turn, key: str) -> None:
        conversation = turn.conversation
        conversation.editing = True
        conversation.edit_group = None
        conversation.jump_to(key)

    def _status(self, turn: Turn, _argument: str) -> None:
        conversation = turn.conversation
        if conversation.state == NavigationState.SUBMITTED:  # the question shows the status
            return
        if conversation.reopened:  # submitted, and IMC asks for information: the dossier's status
            status = self._submitted_status(turn).text
            turn.notes.append(f"{status}\n{prompts.reopened_status(conversation)}")
        else:
            turn.notes.append(prompts.draft_status(conversation))

    def _faq(self, turn: Turn, argument: str) -> None:
        turn.extra += self.asking.faq_command(turn.tx, turn.applicant_id, argument, turn.looked_up)

    def _human(self, turn: Turn, argument: str) -> None:
        conversation = turn.conversation
        step = conversation.step
        where = f"at {step.group} · {step.field.label}" if step else f"at {conversation.state}"
        passed = self.asking.to_person(turn.tx, turn.consented_applicant, argument, where, self.policy)
        if passed:
            turn.extra += passed
        else:  # nothing to pass yet: the next plain message is the question
            conversation.awaiting_question = True
            turn.notes.append(prompts.ASK_A_PERSON)
            turn.ask_again = False

    def _stop_reminders(self, turn: Turn, _argument: str) -> None:
        turn.tx.applicants.set_reminders(turn.consented_applicant, on=False)
        turn.notes.append("Reminders are off. (/start_reminders turns them on again.)")

    def _start_reminders(self, turn: Turn, _argument: str) -> None:
        turn.tx.applicants.set_reminders(turn.consented_applicant, on=True)
        turn.notes.append("Reminders are on.")

    def _cancel(self, turn: Turn, _argument: str) -> None:
        self._confirm_first(turn, "ask_cancel", "withdraw it")

    def _restart(self, turn: Turn, _argument: str) -> None:
        self._confirm_first(turn, "ask_restart", "start a new one")

    def _confirm_first(self, turn: Turn, trigger: str, what: str) -> None:
        if turn.conversation.state == NavigationState.SUBMITTED or turn.conversation.reopened:
            turn.notes.append(
                f"Your application is already submitted. To {what}, please contact IMC's credentialing support."
            )
            return
        self._remember_position(turn)
        turn.conversation.editing = False
        turn.conversation.trigger(trigger)

    def _confirm(self, turn: Turn) -> None:
        conversation = turn.conversation
        picked = self._final_choice(turn, YES_NO)
        if picked is None:
            return
        if picked == "no":
            turn.notes.append("Nothing was changed.")
            self._return(turn)
        elif conversation.state == NavigationState.CONFIRM_CANCEL:
            turn.outcome = Withdrawn(frozenset(turn.tx.applicants.forget(turn.consented_applicant)))
            turn.notes.append(prompts.WITHDRAWN)
        else:  # the files go with the answers (``ConversationEngine`` lets go of files no answer gives)
            conversation.answers.clear()
            conversation.context.clear()
            conversation.trigger("restart")  # to the consent question, which the applicant has answered
            conversation.give_consent()
            turn.notes.append("Your answers were cleared. Starting over.")
