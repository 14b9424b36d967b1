from django.utils.translation import gettext_lazy as _

from kefu.core.errors import ErrorCode


class WorkOrderError(ErrorCode):
    TRANSITION_NOT_ALLOWED = (_("This action is not possible in the work order's current status."), 409)
    REASON_REQUIRED = (_("Please give a reason."), 400)
    CUSTOMER_REQUIRED = (_("Choose or create the customer; only inquiries may be anonymous."), 400)
    CUSTOMER_NOT_IN_SITE = (_("The customer belongs to another site."), 400)
    SUBJECT_REQUIRED = (_("Enter a subject."), 400)
    RESOLUTION_REQUIRED = (_("Record how the matter was handled and its result before resolving."), 400)
    CUSTOMER_RESPONSE_REQUIRED = (_("Record the answer given to the customer before closing."), 400)
    BODY_REQUIRED = (_("The text may not be empty."), 400)
    TRANSFER_TARGET_REQUIRED = (_("Choose a department or a colleague to transfer to."), 400)
    NOT_YOUR_ORDER = (_("This work order is not assigned to you or your department."), 403)
    ATTACHMENT_TOO_LARGE = (_("The file is too large."), 400)
    ATTACHMENT_TYPE = (_("This file type is not allowed. Use images, PDF, Office documents or text."), 400)
    ATTACHMENT_EMPTY = (_("The file is empty."), 400)
