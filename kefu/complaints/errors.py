from django.utils.translation import gettext_lazy as _

from kefu.core.errors import ErrorCode


class ComplaintError(ErrorCode):
    COMPLAINANT_REQUIRED = (_("Enter the complainant's name."), 400)
    CONTACT_REQUIRED = (_("Enter how to reach the complainant."), 400)
    MATTER_REQUIRED = (_("Describe the matter complained about."), 400)
    PRODUCT_REQUIRED = (_("Name the product or service involved."), 400)
    CATEGORY_REQUIRED = (_("Choose a complaint category of this site."), 400)
    DEMAND_REQUIRED = (_("Record what the customer wants (their demand)."), 400)
    APOLOGY_REQUIRED = (_("Record the apology / acknowledgement given to the customer."), 400)
    COMPLAINED_AT_FUTURE = (_("The complaint time cannot lie in the future."), 400)
    OFFICE_TIME_INVALID = (
        _("The time taken to the office area must lie between the complaint time and now."),
        400,
    )
    NOT_A_COMPLAINT = (_("This work order is not a complaint."), 400)
    ALREADY_REGISTERED = (_("This complaint already has its case file."), 409)
    CASE_FILE_MISSING = (_("Register the complaint's case file (category, demand, apology) first."), 409)
    PATH_ALREADY_CHOSEN = (_("The handling path of this complaint has already been chosen."), 409)
    INVESTIGATION_ONLY = (_("This step belongs to the investigation path: start the investigation first."), 409)
    COMPLAINT_FINISHED = (_("This complaint is already settled or closed."), 409)
    RESOLUTION_REQUIRED = (_("Record how the complaint was resolved on the spot."), 400)
    ACCEPTANCE_REQUIRED = (
        _("Resolve on the spot only when the customer accepts; otherwise start an investigation."),
        400,
    )
    PROMISE_REQUIRED = (_("Tell the customer when you will reply: enter the promised reply time."), 400)
    TOLD_CUSTOMER_REQUIRED = (_("Record what the customer was told."), 400)
    TASK_OWNER_REQUIRED = (_("Choose who is responsible for this coordination task."), 400)
    TASK_DUE_REQUIRED = (_("Enter a due time in the future for this coordination task."), 400)
    TASK_SHOP_REQUIRED = (_("Choose the shop this task goes to."), 400)
    TASK_DEPARTMENT_REQUIRED = (_("Choose the department this task goes to."), 400)
    TASK_OWNER_NOT_OF_SHOP = (_("The owner of a shop task must be staff of the site or of that shop."), 400)
    TASK_OWNER_NOT_OF_DEPARTMENT = (
        _("The owner of a department task must belong to that department, or be a supervisor or manager."),
        400,
    )
    TASK_INSTRUCTION_REQUIRED = (_("Say what is asked of the party."), 400)
    TASK_RESPONSE_REQUIRED = (_("Write the response."), 400)
    TASK_ALREADY_RESPONDED = (_("This task has already been answered."), 409)
    NOT_YOUR_TASK = (_("This coordination task is not yours to answer."), 403)
    PROPOSAL_REQUIRED = (_("Write the proposed solution."), 400)
    TWO_PROPOSALS_REQUIRED = (_("Record at least two proposed solutions before one is approved."), 409)
    PROPOSAL_NOT_CURRENT = (_("This proposal belongs to an earlier round."), 409)
    ROUND_ALREADY_APPROVED = (_("A proposal of this round is already approved."), 409)
    NO_APPROVED_PROPOSAL = (
        _("The customer may hear a solution only after a supervisor or manager approved one of two or more proposals."),
        409,
    )
    SHOP_CONFIRMATION_REQUIRED = (
        _(
            "Every shop involved must have its responsible person confirm the approved solution before the reply; "
            "still to confirm: %(shops)s."
        ),
        409,
    )
    SHOP_NOT_INVOLVED = (_("This shop is not involved in this complaint."), 400)
    SHOP_REQUIRED = (_("Choose the involved shop whose responsible person confirmed."), 400)
    SHOP_ALREADY_CONFIRMED = (_("This shop has already confirmed the approved solution."), 409)
    SHOP_CONFIRMER_REQUIRED = (_("Name the shop's responsible person who confirmed."), 400)
    NOT_THIS_SHOP = (_("Only the responsible person of the shop involved may confirm."), 403)
    APOLOGY_REPEAT_REQUIRED = (_("Confirm that the apology was repeated when the customer was told."), 400)
    REPLY_TEXT_REQUIRED = (_("Write what the customer was told (result and handling)."), 400)
    NOT_YET_REPLIED = (_("Tell the customer the approved solution before recording the answer."), 409)
    OPINION_REQUIRED = (_("Record the customer's further opinion when the solution is not accepted."), 400)
    GENERIC_REPLY_BLOCKED = (
        _("Complaint replies go through the complaint panel, after a solution is approved."),
        409,
    )
    NOT_ACCEPTED_YET = (
        _("The customer has not accepted a solution: keep following up, or a manager closes it as unresolved."),
        409,
    )
    CANCEL_BLOCKED = (
        _("A complaint under investigation cannot be cancelled: it stays open until the customer accepts a solution "
          "or a manager closes it as unresolved with a reason."),
        409,
    )  # fmt: skip
    ROOT_CAUSE_REQUIRED = (_("Record the root cause of the complaint before closing."), 400)
    MEASURE_REQUIRED = (_("Record the preventive measure before closing."), 400)
    REASON_REQUIRED = (_("Say why the complaint is closed unresolved."), 400)
    CUSTOMER_RESPONSE_REQUIRED = (_("Record the final answer given to the customer."), 400)
    AMOUNT_REQUIRED = (_("Enter the amount for a refund or a compensation in money."), 400)
    AMOUNT_INVALID = (_("The amount must be a positive number of yuan with at most two decimals."), 400)
    APPROVER_REQUIRED = (_("Name a supervisor or manager of the site who approved the compensation."), 400)
    BAD_CATEGORIES = (_("List at least one category, each 1 to 30 characters, without repeats."), 400)
    BAD_THRESHOLD = (_("The threshold and the period must be at least 1."), 400)
