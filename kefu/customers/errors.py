from django.utils.translation import gettext_lazy as _

from kefu.core.errors import ErrorCode


class CustomerError(ErrorCode):
    INVALID_PHONE = (_("Enter a valid Chinese mobile or landline number, e.g. 13812345678 or 010-12345678."), 400)
    PHONE_REQUIRED = (_("At least one phone number is required."), 400)
    DUPLICATE_PHONE = (_("This phone number is already on the customer."), 400)
    NAME_REQUIRED = (_("The customer's name is required."), 400)
    REASON_REQUIRED = (_("Say why you need to see the full number."), 400)
    KEY_CUSTOMER_REASON_REQUIRED = (_("Say why the customer is (no longer) a key customer."), 400)
    REVEAL_NOT_ALLOWED = (_("Your role may not see full customer phone numbers."), 403)
    CREDIT_REASON_REQUIRED = (_("Give the reason for the credit rating."), 400)
    NOT_ENTERPRISE = (_("Contacts and qualification documents belong to enterprise customers only."), 400)
    CONTACT_NAME_REQUIRED = (_("The contact's name is required."), 400)
    DOCUMENT_EMPTY = (_("The file is empty."), 400)
    DOCUMENT_TOO_LARGE = (_("The file is too large."), 400)
    DOCUMENT_TYPE = (_("Only PDF, JPEG and PNG files are accepted as qualification documents."), 400)
    EXPORT_UNMASKED_NOT_ALLOWED = (_("Your role may not export full phone numbers."), 403)
