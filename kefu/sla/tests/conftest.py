import pytest

from conftest import make_user
from kefu.accounts.models import Role


@pytest.fixture(autouse=True)
def default_policies(db):
    """A transactional test elsewhere may have flushed the migration's rows; put the shipped policies back."""
    from kefu.accounts.models import User
    from kefu.sla.defaults import install_default_policies
    from kefu.sla.models import SlaConfigEvent, SlaPolicy, SlaTarget

    install_default_policies(SlaPolicy, SlaTarget, SlaConfigEvent, User)


@pytest.fixture
def admin_user(site):
    return make_user(Role.ADMIN, sites=[site], username="sla-admin")


@pytest.fixture
def duty_site(site, admin_user):
    """Round-the-clock hours, so business time equals calendar time and tests don't depend on the hour they run."""
    from kefu.sla.config_services import set_site_calendar

    set_site_calendar(site, actor=admin_user, weekly={}, around_the_clock=True)
    return site


class FrozenClock:
    def __init__(self, monkeypatch):
        from django.utils import timezone

        self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **kw):
        from datetime import timedelta

        self.now += timedelta(**kw)
        return self.now


@pytest.fixture
def clock_at(monkeypatch):
    """Only the clock is faked: services read timezone.now(), which this fixture moves by hand."""
    return FrozenClock(monkeypatch)
