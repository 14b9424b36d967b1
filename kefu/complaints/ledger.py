"""The complaint ledger (用户投诉台帐) as an Excel file: rows read in chunks and written by XlsxWriter in
constant-memory mode (each row goes to disk as it is written), so memory stays flat however many complaints
there are; personal data masked unless the actor may and does ask to reveal it.

openpyxl (DESIGN.md's exporter) needs ~48 s for 100,000 complaints in write-only mode, past issue 3's 30 s."""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from zoneinfo import ZoneInfo

import xlsxwriter
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.errors import ServiceError
from kefu.core.phones import mask_phone, parse_phone
from kefu.customers.errors import CustomerError
from kefu.tickets.models import Channel
from kefu.tickets.transitions import Status

from .models import (
    Compensation,
    CompensationKind,
    CustomerAnswer,
    LedgerExport,
    Liability,
    Path,
    Proposal,
    Severity,
)
from .selectors import ledger_for

CHUNK = 2000
_MOBILE = re.compile(r"1\d{10}")
# Characters XML 1.0 forbids; they cannot come from our forms, but a ledger must never be a broken file.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cell(value):
    if isinstance(value, str) and not value.isprintable():  # a C-speed check; only odd text pays for the regex
        return _ILLEGAL.sub("", value)
    return value


def mask_contact(contact: str) -> str:
    if _MOBILE.fullmatch(contact or ""):
        return mask_phone(contact)  # the usual case, without the full parse (a third of the export's time)
    phone = parse_phone(contact)
    if phone is not None:
        return mask_phone(phone.national)
    value = (contact or "").strip()
    if "@" in value:
        local, _sep, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return value[:2] + "***" + value[-2:] if len(value) > 6 else "***"


def columns() -> list[str]:
    return [
        _("Work-order number"), _("Complaint time"), _("Site"), _("Complainant"), _("Contact"), _("Channel"), pgettext("complaint ledger", "Category"),
        _("Severity"), _("Matter"), _("Details"), pgettext("complaint ledger", "Product or service"), pgettext("complaint ledger", "Shop / merchant"), _("Staff involved"),
        _("Customer's demand"), _("Apology / acknowledgement"), _("Taken to the office area"), _("Handling path"),
        _("Promised reply time"), _("Approved solution"), _("Customer's answer"), _("Compensation"),
        _("Handling and result"), _("Root cause"), _("Preventive measure"), _("Liability"), _("Status"),
        _("Closed at"),
    ]  # fmt: skip


_FIELDS = (
    "work_order_id", "work_order__number", "complained_at", "site__name", "complainant_name", "contact",
    "work_order__channel", "category", "severity", "work_order__subject", "work_order__description",
    "work_order__product", "work_order__shop__name", "work_order__staff_involved", "demand", "apology_note",
    "taken_to_office_at", "path", "promised_reply_at", "work_order__resolution", "root_cause", "preventive_measure",
    "liability", "work_order__status", "work_order__closed_at", "work_order__customer_id", "site__time_zone",
)  # fmt: skip


def _extras(ids: list[int]) -> tuple[dict, dict, dict]:
    """Per complaint of the chunk: the last approved solution, the last answer, the compensations (3 queries)."""
    solutions, answers, remedies = {}, {}, defaultdict(list)
    for cid, text in (
        Proposal.objects.filter(complaint_id__in=ids, status__in=["approved", "accepted", "rejected"])
        .order_by("complaint_id", "number")
        .values_list("complaint_id", "text")
    ):
        solutions[cid] = text
    yes, no = _("accepted"), _("not accepted")
    for cid, accepted, opinion in (
        CustomerAnswer.objects.filter(complaint_id__in=ids)
        .order_by("complaint_id", "id")
        .values_list("complaint_id", "accepted", "opinion")
    ):
        answers[cid] = f"{yes if accepted else no}{(': ' + opinion) if opinion else ''}"
    kinds = dict(CompensationKind.choices)
    for cid, kind, item, amount in (
        Compensation.objects.filter(complaint_id__in=ids)
        .order_by("id")
        .values_list("complaint_id", "kind", "item", "amount")
    ):
        remedies[cid].append(" ".join(str(x) for x in (kinds[kind], item, f"¥{amount}" if amount else "") if x))
    return solutions, answers, remedies


def _local(value, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else None


def _rows(qs, *, reveal: bool, seen_customers: set | None):
    zones: dict[str, ZoneInfo] = {}
    labels = {
        "channel": {k: str(v) for k, v in Channel.choices},
        "severity": {k: str(v) for k, v in Severity.choices},
        "path": {k: str(v) for k, v in Path.choices},
        "liability": {k: str(v) for k, v in Liability.choices},
        "status": {k: str(v) for k, v in Status.choices},
    }

    def zone(name: str) -> ZoneInfo:
        if name not in zones:
            try:
                zones[name] = ZoneInfo(name or settings.TIME_ZONE)
            except (ValueError, KeyError):
                zones[name] = ZoneInfo(settings.TIME_ZONE)
        return zones[name]

    chunk: list[tuple] = []

    def flush():
        solutions, answers, remedies = _extras([r[0] for r in chunk])
        for r in chunk:
            (pk, number, at, site, name, contact, channel, category, severity, subject, description, product, shop,
             staff, demand, apology, office_at, path, promised, resolution, cause, measure, liability, status,
             closed_at, customer_id, tz_name) = r  # fmt: skip
            tz = zone(tz_name)  # times as the site's own staff read them
            if seen_customers is not None and customer_id:
                seen_customers.add(customer_id)
            yield [
                number, _local(at, tz), site, name, contact if reveal else mask_contact(contact),
                labels["channel"].get(channel, channel), category, labels["severity"].get(severity, severity),
                subject, description or None, product or None, shop, staff or None, demand, apology, _local(office_at, tz),
                labels["path"].get(path) or None, _local(promised, tz), solutions.get(pk), answers.get(pk),
                "; ".join(remedies.get(pk, ())) or None, resolution or None, cause or None, measure or None,
                labels["liability"].get(liability, liability), labels["status"].get(status, status), _local(closed_at, tz),
            ]  # fmt: skip

    for row in qs.values_list(*_FIELDS).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def export_ledger(actor, *, filters: dict, reveal: bool = False, reason: str = ""):
    """Write the ledger to an anonymous temporary file and return it (positioned at 0; closing deletes it).

    An unmasked export needs REVEAL_CUSTOMER_PHONE and a reason, and logs one data-access row per customer."""
    qs = ledger_for(actor, filters)
    reason = (reason or "").strip()
    if reveal:
        if not has_capability(actor, Capability.REVEAL_CUSTOMER_PHONE):
            raise ServiceError(CustomerError.REVEAL_NOT_ALLOWED)
        if not reason:
            raise ServiceError(
                CustomerError.REASON_REQUIRED, fields={"reason": [CustomerError.REASON_REQUIRED.message]}
            )
    seen: set[int] = set()
    header = columns()
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    count = 0
    try:
        # What a customer typed stays text: "=…" is never a formula, "http…" never a link (spreadsheet injection).
        book = xlsxwriter.Workbook(
            handle,
            {
                "constant_memory": True,
                "tmpdir": tempfile.gettempdir(),
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        sheet = book.add_worksheet(_("Complaint ledger"))
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, header, book.add_format({"bold": True}))
        for count, row in enumerate(_rows(qs, reveal=reveal, seen_customers=seen if reveal else None), start=1):
            sheet.write_row(count, 0, [_cell(v) for v in row])
        book.close()
    except BaseException:
        handle.close()
        raise
    with transaction.atomic():
        LedgerExport.objects.create(
            actor=actor,
            event_type="ledger_exported_unmasked" if reveal else "ledger_exported",
            new={
                "filters": {k: str(v) for k, v in filters.items() if v},
                "rows": count,
                "masked": not reveal,
                "customers": sorted(seen) if reveal else None,
            },
            note=reason[:500],
        )
    handle.seek(0)
    return handle
