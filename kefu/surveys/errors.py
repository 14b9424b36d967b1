from django.utils.translation import gettext_lazy as _

from kefu.core.errors import ErrorCode


class SurveyError(ErrorCode):
    NAME_REQUIRED = (_("The name is required."), 400)
    QUESTIONS_REQUIRED = (_("A questionnaire needs at least one question."), 400)
    QUESTION_TEXT_REQUIRED = (_("Every question needs its text."), 400)
    OPTIONS_REQUIRED = (_("A choice question needs at least two different options."), 400)
    ONE_SATISFACTION_QUESTION = (_("Mark exactly one 1–5 scale question as the satisfaction question."), 400)
    TEMPLATE_IN_USE = (
        _("Surveys were already sent with this questionnaire; its questions can no longer change. Create a new one."),
        409,
    )
    TEMPLATE_INACTIVE = (_("This questionnaire is switched off."), 400)
    TEMPLATE_OTHER_SITE = (_("This questionnaire belongs to another site: choose one of the chosen site's."), 400)
    DUPLICATE_NAME = (_("A questionnaire of this name already exists on the site."), 400)
    BAD_PERIOD = (_("The end of the period lies before its start."), 400)
    CAMPAIGN_INACTIVE = (_("This campaign is switched off."), 400)
    # The public link: every refusal is a clear page and a 4xx, never an error page.
    LINK_INVALID = (_("This survey link is not valid. Please use the link exactly as you received it."), 400)
    LINK_UNKNOWN = (_("This survey does not exist."), 404)
    LINK_EXPIRED = (_("This survey link has expired. Thank you all the same."), 410)
    LINK_USED = (_("This survey has already been answered. Thank you for your feedback."), 410)
    ANSWER_REQUIRED = (_("Please answer this question."), 400)
    ANSWER_INVALID = (_("Please choose one of the offered answers."), 400)
    ANSWER_TOO_LONG = (_("The answer is too long."), 400)
    ANSWERS_INVALID = (_("Some answers are missing or invalid. Please check them."), 400)
