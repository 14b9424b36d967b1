"""Fixtures of the repair tests: real services, real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from conftest import make_user
from kefu.accounts.models import Department, Role
from kefu.repairs import fieldwork
from kefu.repairs.services import create_repair

# The smallest valid PNG (1×1 transparent pixel): what a canvas signature posts, only smaller.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000185d4cf0f0000000049454e44ae426082"
)


def png(name="signature.png") -> ContentFile:
    return ContentFile(PNG_1X1, name=name)


@pytest.fixture
def security_dept(site):
    return Department.objects.create(site=site, name="保安部")


@pytest.fixture
def guard(site, security_dept):
    """A technician-role member of 保安部: not the department the repairs go to."""
    return make_user(Role.TECHNICIAN, sites=[site], departments=[security_dept], username="guard")


@pytest.fixture
def other_site_technician(other_site):
    dept = Department.objects.create(site=other_site, name="工程部")
    return make_user(Role.TECHNICIAN, sites=[other_site], departments=[dept], username="tech_other")


def repair_fields(site, engineering, customer, **kw) -> dict:
    fields = dict(
        site_id=site.id,
        fault="卫生间地漏返水",
        reporter_type="resident",
        location_kind="unit",
        building="3栋",
        unit="2单元1502",
        access="owner_home",
        contact_name="张伟",
        contact_phone="13812345678",
        department_id=engineering.id,
        customer_id=customer.id,
        priority=2,
        description="业主来电：主卫地漏往上冒水，已影响楼下。",
        dispatch_note="带疏通工具，先查楼下天花。",
    )
    fields.update(kw)
    return fields


@pytest.fixture
def make_repair(site, engineering, customer, agent):
    def _make(actor=None, **kw):
        return create_repair(actor=actor or agent, **repair_fields(site, engineering, customer, **kw))

    return _make


@pytest.fixture
def on_site(make_repair, technician):
    """A repair accepted and arrived at by the 工程部 technician."""
    sheet = make_repair()
    fieldwork.accept_repair(sheet, actor=technician)
    return fieldwork.record_arrival(sheet, actor=technician)


@pytest.fixture
def completed(on_site, technician):
    fieldwork.add_part(on_site, actor=technician, name="地漏芯", quantity="1", unit="个")
    fieldwork.record_fee(on_site, actor=technician, chargeable=True, amount="50.00", settlement="wechat")
    return fieldwork.complete_repair(
        on_site, actor=technician, work_done="疏通下水管，更换地漏芯", result="排水正常，不再返水", labour_minutes=45
    )


def later(minutes=1):
    return timezone.now() + timedelta(minutes=minutes)
