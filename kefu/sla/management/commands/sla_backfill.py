from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from kefu.accounts.services import get_system_actor
from kefu.sla.services import start_missing_clocks


class Command(BaseCommand):
    help = "Start deadline clocks for recent open work orders that have none (after a bulk load or an upgrade)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="only orders created in the last N days")

    def handle(self, *args, days, **options):
        started = start_missing_clocks(actor=get_system_actor(), since=timezone.now() - timedelta(days=days))
        self.stdout.write(f"deadline clocks started for {started} open work orders")
