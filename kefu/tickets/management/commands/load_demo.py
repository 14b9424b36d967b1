"""manage.py load_demo — load the demo mall, property project and web shop (idempotent)."""

from __future__ import annotations

import unicodedata

from django.core.management.base import BaseCommand, CommandError

from kefu.tickets.demo import DemoConflict, load_demo
from kefu.tickets.demo.people import DEMO_PASSWORD


def _width(text: str) -> int:
    # CJK characters take two terminal columns; pad by display width so the table lines up.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Load the demo sites, staff, customers and 3,000 work orders; does nothing if they are already there."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=3000, help="number of work orders (default 3000)")
        parser.add_argument("--customers", type=int, default=300, help="number of customers (default 300)")

    def handle(self, *args, orders, customers, **options):
        try:
            summary = load_demo(orders=orders, customers=customers)
        except DemoConflict as exc:
            raise CommandError(str(exc)) from None
        if summary.created:
            c = summary.counts
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded in {summary.seconds:.1f} s: {c['sites']} sites, {c['departments']} departments, "
                    f"{c['shops']} shops, {c['staff']} staff, {c['customers']} customers, "
                    f"{c['work_orders']} work orders, {c['events']} history events."
                )
            )
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self._logins(summary.logins)

    def _logins(self, rows):
        header = ("username", "name", "role", "title", "sites")
        body = [(u, n, str(r), t, s) for u, n, r, t, s, _new in rows]
        widths = [max(_width(str(row[i])) for row in [header, *body]) for i in range(len(header))]
        line = "  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True))
        self.stdout.write("")
        self.stdout.write(line)
        self.stdout.write("-" * _width(line))
        for row in body:
            self.stdout.write("  ".join(_pad(str(v), w) for v, w in zip(row, widths, strict=True)))
        kept = [u for u, *_rest, new in rows if new is False]
        self.stdout.write("")
        self.stdout.write(f"Password for the demo logins: {DEMO_PASSWORD}")
        if kept:
            self.stdout.write(f"Accounts that already existed kept their own password: {', '.join(kept)}")
