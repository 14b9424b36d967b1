from django.utils.translation import gettext_lazy as _

from kefu.core.errors import ErrorCode


class SuggestionError(ErrorCode):
    CONTENT_REQUIRED = (_("Enter the content of the suggestion."), 400)
    PROPOSER_NAME_REQUIRED = (_("Enter the proposer's name."), 400)
    PROPOSER_CONTACT_REQUIRED = (_("Enter the proposer's contact details (phone, e-mail or address)."), 400)
    CATEGORY_REQUIRED = (_("Choose a category."), 400)
    CATEGORY_NAME_TAKEN = (_("This site already has a category of that name."), 400)
    STEP_NOT_ALLOWED = (_("This step is not possible at the suggestion's current stage."), 409)
    EVALUATION_REQUIRED = (_("Record the feasibility evaluation before deciding on the suggestion."), 409)
    FORWARD_REQUIRED = (
        _("Report the suggestion to the leadership or submit it to a department before adopting it."),
        409,
    )
    CONCLUSION_REQUIRED = (_("Choose the feasibility conclusion."), 400)
    EVALUATOR_REQUIRED = (_("Name who evaluated the suggestion."), 400)
    FORWARD_TARGET_REQUIRED = (_("Choose the leader or the department the suggestion goes to."), 400)
    REASON_REQUIRED = (_("Give the reason for the decision."), 400)
    FORWARD_NOTE_REQUIRED = (_("Say what the leadership or the department is asked to do."), 400)
    PLAN_REQUIRED = (_("An adopted suggestion needs an implementation plan."), 400)
    PLAN_OWNER_REQUIRED = (_("Name the person responsible for the implementation."), 400)
    PLAN_DUE_REQUIRED = (_("Set the date by which the implementation is due."), 400)
    PLAN_DUE_IN_PAST = (_("The due date cannot lie in the past."), 400)
    PROGRESS_REQUIRED = (_("Describe the progress made."), 400)
    RESULT_REQUIRED = (_("Describe what was implemented."), 400)
    FEEDBACK_REQUIRED = (_("Enter what the proposer was told."), 400)
    FEEDBACK_CHANNEL_REQUIRED = (_("Choose how the proposer was told."), 400)
    FEEDBACK_MUST_THANK = (_("Thank the proposer for the suggestion and confirm that you did."), 400)
    FEEDBACK_IN_FUTURE = (_("The feedback cannot be dated in the future."), 400)
    FEEDBACK_BEFORE_CLOSE = (_("Tell the proposer the outcome (and thank them) before closing the suggestion."), 409)
    CLOSE_REASON_REQUIRED = (
        _("The implementation is not completed yet: give the reason for closing the suggestion now."),
        400,
    )
    USE_SUGGESTION_PANEL = (_("Close an adopted suggestion from its suggestion panel, giving the reason."), 409)
    ORDER_NOT_OPEN = (_("The work order is resolved, closed or cancelled; reopen it first."), 409)
    NOT_A_SUGGESTION = (_("This work order is not a suggestion."), 400)


class InquiryError(ErrorCode):
    QUESTION_REQUIRED = (_("Enter the question the customer asked."), 400)
    ANSWER_REQUIRED = (_("Enter the answer given to the customer."), 400)
    CONFIRM_NO_FURTHER_QUESTIONS = (
        _("Ask whether the customer has any other question, and confirm that all were answered."),
        400,
    )
    PROMISE_REQUIRED = (_("Tell the customer when you will reply: a promised reply time is required."), 400)
    TOLD_CUSTOMER_REQUIRED = (_("Enter what the customer was told."), 400)
    NOT_AN_INQUIRY = (_("This work order is not an inquiry."), 400)
    ORDER_NOT_OPEN = (_("The inquiry is already answered, closed or cancelled; reopen it first."), 409)
