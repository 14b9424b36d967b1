from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.errors import ErrorCode


class LostFoundError(ErrorCode):
    WHAT_REQUIRED = (_("Say what was found."), 400)
    PLACE_REQUIRED = (_("Enter the place."), 400)
    FINDER_REQUIRED = (_("Enter who found the item."), 400)
    TIME_IN_FUTURE = (_("The time may not lie in the future."), 400)
    NOT_FROM_HOLDER = (
        _("A handover must start from the current holder of the item; the custody chain may have no gap."),
        409,
    )
    SAME_HOLDER = (_("The item is already held by this person or place."), 400)
    HOLDER_REQUIRED = (_("Enter who receives the item."), 400)
    ITEM_CLOSED = (_("This item has already been claimed or disposed of."), 409)
    IDENTITY_NOT_CHECKED = (_("Check the claimant's identity document before handing the item over."), 400)
    ID_NUMBER_INVALID = (_("The document number is not valid."), 400)
    SIGNATURE_REQUIRED = (_("The claimant must sign with their name."), 400)
    SIGNATURE_MISMATCH = (_("The signed name must be the claimant's name."), 400)
    SIGNATURE_IMAGE = (_("The drawn signature must be a PNG image of at most 256 KB."), 400)
    CLAIMANT_REQUIRED = (_("Enter the claimant's name."), 400)
    PHONE_INVALID = (_("Enter a valid Chinese mobile or landline number, e.g. 13812345678 or 010-12345678."), 400)
    NOT_DUE_FOR_DISPOSAL = (_("Only items left unclaimed past the site's deadline can be disposed of."), 409)
    DECISION_REQUIRED = (_("Choose a decision."), 400)
    REASON_REQUIRED = (pgettext_lazy("disposal", "Give the reason for the decision."), 400)
    RECIPIENT_REQUIRED = (_("Name who receives the item (police station, charity …)."), 400)
    DAYS_RANGE = (_("Enter a number of days between 1 and 3650."), 400)
    PHOTO_TYPE = (_("The photo must be a JPEG, PNG, GIF or WebP image."), 400)
    PHOTO_TOO_LARGE = (_("The photo is too large."), 400)
    PHOTO_EMPTY = (_("The file is empty."), 400)
    NOT_A_LOSS_REPORT = (_("Choose an open lost-and-found work order of the same site."), 400)
    APPEARANCE_REQUIRED = (_("Describe the missing person (appearance, clothing)."), 400)
    BROADCAST_TEXT_REQUIRED = (_("Enter the text that was broadcast."), 400)
    CHANNEL_REQUIRED = (_("Choose the channel."), 400)
    BEFORE_LAST_SEEN = (_("The time cannot be earlier than when the person was last seen."), 400)
    ALREADY_FOUND = (_("The outcome of this report has already been recorded."), 409)
    OUTCOME_REQUIRED = (_("Choose the outcome."), 400)
    HANDED_TO_REQUIRED = (_("Name the guardian or officer the person was handed to."), 400)
    PERSON_NOT_FOUND_YET = (
        _("A lost-person report is resolved only by recording that the person was found and with whom."),
        409,
    )
    REPORTER_REQUIRED = (_("Choose the reporting customer or enter their name and phone."), 400)
