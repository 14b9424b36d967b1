"""Identity documents at a claim: check the number's shape, keep only a masked form (never the full number)."""

from __future__ import annotations

import re
import unicodedata

from .models import IdType

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_GENERIC = re.compile(r"^[A-Z0-9]{5,30}$")
_LAST4 = re.compile(r"^[A-Z0-9]{4}$")


def normalise(raw: str) -> str:
    # Full-width digits and letters (１２３Ｘ) fold to ASCII; spaces and dashes are separators people type.
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return re.sub(r"[\s\-]", "", text)


def resident_id_valid(number: str) -> bool:
    """GB 11643 check: 17 digits and a check character computed from them."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17]


def mask_id_number(id_type: str, raw: str) -> str | None:
    """The masked form to store, or None when the input is not a plausible number of that document.

    Staff may type the whole number (checked, then masked at once) or only its last four characters."""
    number = normalise(raw)
    if _LAST4.fullmatch(number):
        return "*" * 4 + number
    if id_type == IdType.RESIDENT_ID:
        if not resident_id_valid(number):
            return None
    elif not _GENERIC.fullmatch(number):
        return None
    return "*" * (len(number) - 4) + number[-4:]
