"""Chinese phone numbers: parse, normalise and mask (mobile 138****5678, landline 010****5678)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from .errors import ErrorCode, ServiceError

MOBILE = "mobile"
LANDLINE = "landline"
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u3000()（）.]")


@dataclass(frozen=True)
class Phone:
    national: str  # digits with trunk prefix, e.g. 13812345678 or 01012345678: what staff type and search by
    e164: str
    kind: str


def to_ascii_digits(raw: str) -> str:
    # NFKC folds full-width digits and plus signs (１３８、＋８６) to ASCII.
    return unicodedata.normalize("NFKC", raw or "")


def parse_phone(raw: str) -> Phone | None:
    """Return the normalised number, or None when it is not a valid Chinese mobile or landline number."""
    text = _SEPARATORS.sub("", to_ascii_digits(raw))
    if not text or len(text) > 20 or not re.fullmatch(r"\+?\d+", text):
        return None
    if text.startswith("0086"):
        text = "+86" + text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = "+" + text  # 86 followed by an 11-digit mobile, as exported by chat apps
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    kind_code = phonenumbers.number_type(number)
    if kind_code == PhoneNumberType.MOBILE:
        kind = MOBILE
    elif kind_code in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        kind = LANDLINE
    else:
        return None
    nsn = phonenumbers.national_significant_number(number)
    national = nsn if kind == MOBILE else "0" + nsn
    # The library forgives dialling prefixes (e.g. a leading 1100 or 17951); staff must have typed the number
    # itself, optionally after +86, so anything beyond the number's own digits is refused.
    typed = text[3:] if text.startswith("+86") else text
    if typed not in (national, nsn):
        return None
    return Phone(
        national=national, e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), kind=kind
    )


def optional_phone(raw: str, field: str, error: ErrorCode) -> str:
    """An optional number a form stores as typed by staff: empty, or valid and normalised (13812345678), else
    `error` on `field`."""
    value = (raw or "").strip()
    if not value:
        return ""
    phone = parse_phone(value)
    if phone is None:
        raise ServiceError(error, fields={field: [error.message]})
    return phone.national


def search_digits(raw: str) -> str:
    """Digits of a partly typed number, as stored in `national` (drops +86 / 0086)."""
    written = to_ascii_digits(raw).strip().lstrip("(")
    text = re.sub(r"[^0-9]", "", written)
    international = text.startswith("0086") or (text.startswith("86") and (written.startswith("+") or len(text) > 11))
    if international:
        text = text[4:] if text.startswith("0086") else text[2:]
        # A landline written after +86 drops its trunk 0 (+86 10 …); stored numbers keep it (010 …).
        if (text and text[0] in "23456789") or text.startswith("10"):
            text = "0" + text
    return text


def mask_phone(national: str) -> str:
    """Keep the first three and last four digits: 13812345678 -> 138****5678."""
    if not national:
        return ""
    if len(national) <= 7:
        return national[:1] + "*" * (len(national) - 1)
    return national[:3] + "*" * (len(national) - 7) + national[-4:]
