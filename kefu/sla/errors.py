from django.utils.translation import gettext_lazy as _

from kefu.core.errors import ErrorCode


class SlaError(ErrorCode):
    PROMISE_REQUIRED = (_("Tell the customer when you will reply: a promised reply time is required."), 400)
    PROMISE_IN_PAST = (_("The promised reply time must lie in the future."), 400)
    PROMISE_ON_FINISHED_ORDER = (
        _("The work order is resolved, closed or cancelled: reopen it before promising a reply."),
        409,
    )
    PROMISE_REASON_REQUIRED = (_("Say why the promised reply time changes."), 400)
    ESCALATION_REASON_REQUIRED = (_("An escalation needs a reason."), 400)
    SKIP_LEVEL_ONLY_URGENT = (_("Only urgent matters may skip a level."), 400)
    ESCALATION_ON_FINISHED_ORDER = (
        _("The work order is resolved, closed or cancelled: reopen it before escalating."),
        409,
    )
    ESCALATION_REPEATED = (
        _("This work order was escalated to the same level a few minutes ago; add a note instead of escalating again."),
        409,
    )
    BAD_HOURS = (_("Hours must look like 09:00-12:00, in order and not overlapping."), 400)
    BAD_HOLIDAY_FILE = (_("The holiday file could not be read."), 400)
    HOLIDAY_YEAR_MISMATCH = (_("Every date in the file must lie in the year being imported."), 400)
    APOLOGY_REQUIRED = (
        _("The call was answered after the standard number of rings: confirm that you apologised."),
        400,
    )
    BAD_RINGS = (_("Enter the number of rings (0 to 30)."), 400)
    NO_RECIPIENT = (_("Nobody holds the role this escalation goes to at this site."), 400)
