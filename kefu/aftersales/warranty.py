"""The pure rules: warranty eligibility and the front-desk receipt check, computed from a rule snapshot.

The limit is inclusive: a product bought on day D with N warranty days is in warranty through D + N and out of
it from D + N + 1 (the seeds do not say otherwise; "保修期 N 天" is read as N full days after the purchase day).
Dates are calendar days in the site's business time zone (Asia/Shanghai by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .models import Eligibility, Remedy, ReturnKind, ReturnOrigin


def local_date(moment: datetime, time_zone: str) -> date:
    """The calendar day of an aware moment at the site (a 00:30 Shanghai visit is that day, not the UTC day before)."""
    return moment.astimezone(ZoneInfo(time_zone or "Asia/Shanghai")).date()


def warranty_until(purchased_on: date, warranty_days: int) -> date:
    return purchased_on + timedelta(days=warranty_days)


@dataclass(frozen=True)
class Decision:
    eligibility: str
    reason: str
    warranty_until: date


def decide(snapshot: dict, *, purchased_on: date, on: date, exclusions_found: list[str]) -> Decision:
    until = warranty_until(purchased_on, snapshot["warranty_days"])
    if exclusions_found:
        return Decision(
            Eligibility.NOT_COVERED,
            _("Not covered: %(items)s (exclusions of the %(category)s rule).")
            % {"items": "、".join(exclusions_found), "category": snapshot["category"]},
            until,
        )
    facts = {"days": snapshot["warranty_days"], "until": until.isoformat(), "on": on.isoformat()}
    if on <= until:
        return Decision(
            Eligibility.IN_WARRANTY, _("In warranty: %(days)s days, through %(until)s (checked %(on)s).") % facts, until
        )
    return Decision(
        Eligibility.OUT_OF_WARRANTY,
        _("Out of warranty: %(days)s days ended on %(until)s (checked %(on)s).") % facts,
        until,
    )


def offered_remedies(eligibility: str, snapshot: dict) -> list[str]:
    """Unrepairable: exchange/refund only in warranty and as the rule allows; otherwise a paid repair or the
    product handed back."""
    if eligibility == Eligibility.IN_WARRANTY:
        out = []
        if snapshot.get("allow_exchange"):
            out.append(Remedy.EXCHANGE)
        if snapshot.get("allow_refund"):
            out.append(Remedy.REFUND)
        return out
    return [Remedy.PAID_REPAIR, Remedy.RETURN_PRODUCT]


def receipt_findings(
    snapshot: dict,
    *,
    kind: str,
    origin: str,
    purchased_on: date,
    on: date,
    receipt_present: bool,
    receipt_on: date | None,
    goods_intact: bool,
) -> list[str]:
    """Every reason the receipt fails the return rules (empty: it passes). The same rules for every customer."""
    problems = []
    if snapshot.get("receipt_required") and not receipt_present:
        problems.append(_("No purchase receipt presented."))
    if receipt_present and receipt_on and receipt_on != purchased_on:
        problems.append(_("The receipt date differs from the purchase date recorded at intake."))
    if origin == ReturnOrigin.DESK:
        # A warranty remedy was already decided against the warranty window; a desk return has its own window.
        days = snapshot["return_days"] if kind == ReturnKind.RETURN else snapshot["exchange_days"]
        if on > purchased_on + timedelta(days=days):
            problems.append(_("More than %(days)s days since the purchase.") % {"days": days})
        if not goods_intact:
            problems.append(_("The goods are not in a returnable condition."))
    return problems
