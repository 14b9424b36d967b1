from django.utils.translation import gettext_lazy as _

from kefu.core.errors import ErrorCode


class AfterSalesError(ErrorCode):
    RULE_REQUIRED = (_("Choose the product category (warranty rule)."), 400)
    CATEGORY_TAKEN = (_("This category already has a warranty rule at this site."), 400)
    PURCHASE_IN_FUTURE = (_("The purchase date cannot be in the future."), 400)
    NOT_AFTER_SALES = (_("This work order is not an after-sales case."), 404)
    WRONG_STAGE = (_("This step is not possible at the case's current stage."), 409)
    ORDER_NOT_OPEN = (_("The work order is no longer open."), 409)
    UNKNOWN_EXCLUSION = (_("This exclusion is not in the category's warranty rule."), 400)
    OVERRIDE_REASON_REQUIRED = (_("An override needs a reason."), 400)
    OVERRIDE_SAME = (_("The override must change the eligibility."), 400)
    NOT_DECIDED = (_("Check the eligibility first."), 409)
    NOT_COVERED = (_("The product is not covered by after-sales service; no repair path can be chosen."), 409)
    DEPARTMENT_REQUIRED = (_("An on-site repair needs the department to dispatch the technician."), 400)
    INBOUND_MISSING = (_("Record the parcel received from the customer first."), 409)
    OUTBOUND_MISSING = (_("Record the return shipment (company and tracking number) first."), 409)
    SHIPMENT_EXISTS = (_("This shipment is already recorded."), 409)
    NOT_MAIL_IN = (_("Shipments are recorded for mail-in repairs only."), 409)
    REMEDY_NOT_OFFERED = (_("This remedy is not offered for the case's eligibility and warranty rule."), 400)
    QUOTE_REQUIRED = (_("A paid repair needs the quoted amount."), 400)
    AMOUNT_INVALID = (_("Enter an amount greater than 0 with at most two decimals."), 400)
    NOT_NOTIFIED = (_("Record the notification to the customer first."), 409)
    RETURN_NOT_ALLOWED = (_("A return or exchange can only be opened for a return/exchange request."), 409)
    RETURN_WRONG_STATUS = (_("This step is not possible at the return's current status."), 409)
    NOT_YOUR_SHOP = (_("Only the shop of this purchase can confirm."), 403)
    SHOP_PERSON_REQUIRED = (_("Name the shop person who confirmed."), 400)
    REFUSAL_EXPLAINED = (_("A refusal needs the reason and the alternative offered to the customer."), 400)
    CASE_NOT_FINISHED = (_("Finish the after-sales steps (hand-over, return or cashier) before resolving."), 409)
