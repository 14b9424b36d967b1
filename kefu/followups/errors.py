from django.utils.translation import gettext_lazy as _

from kefu.core.errors import ErrorCode


class FollowUpError(ErrorCode):
    NOT_OPEN = (_("This follow-up visit is already finished."), 409)
    NOT_YOURS = (_("This follow-up visit is assigned to a colleague."), 403)
    SATISFACTION_REQUIRED = (_("Record the customer's satisfaction when the customer was reached."), 400)
    SCORE_RANGE = (_("The score must be a whole number from 1 to 5."), 400)
    OUTCOME_WITHOUT_CONTACT = (_("Satisfaction and score can only be recorded when the customer was reached."), 400)
    NAMED_PERSON_REQUIRED = (_("Choose the person who does these visits."), 400)
    ASSIGNEE_NOT_AT_SITE = (_("This person does not work at the site."), 400)
    VALUE_OUT_OF_RANGE = (_("The value is outside the allowed range."), 400)
    UNKNOWN_HOLIDAY = (_("Unknown holiday."), 400)
    YEAR_OUT_OF_RANGE = (_("Plans can be generated for this year and the next one only."), 400)
    NO_ASSIGNEE = (_("Nobody at the site can do this visit; assign the revisit roles first."), 400)
