"""Coordination tasks (CMP-09, CMP-12): owner, due time, response, files; each party sees only its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from kefu.accounts.models import Role, Shop
from kefu.complaints import selectors, task_services
from kefu.complaints.models import CoordinationTask
from kefu.core.errors import ServiceError
from kefu.core.models import Notification


def _task(complaint, actor, owner, **kw):
    params = dict(
        party="shop",
        owner_id=owner.id,
        instruction="请提供该衬衫的进货检测报告",
        due_at=timezone.now() + timedelta(hours=2),
    )
    params.update(kw)
    return task_services.assign_coordination_task(complaint, actor=actor, **params)


def test_coordination_task_needs_owner_and_due_time(investigating, agent, shop_user):
    with pytest.raises(ServiceError) as exc:
        _task(investigating, agent, shop_user, owner_id=None)
    assert exc.value.code == "task_owner_required"
    with pytest.raises(ServiceError) as exc:
        _task(investigating, agent, shop_user, due_at=timezone.now() - timedelta(minutes=1))
    assert exc.value.code == "task_due_required"
    assert not CoordinationTask.objects.exists()
    task = _task(investigating, agent, shop_user)
    assert task.shop_id == investigating.work_order.shop_id and task.status == "open"
    assert Notification.objects.filter(recipient=shop_user, kind="complaint_task").exists()


def test_tasks_go_to_departments_and_floor_managers(investigating, agent, technician, engineering, supervisor):
    with pytest.raises(ServiceError) as exc:
        _task(investigating, agent, technician, party="department")
    assert exc.value.code == "task_department_required"
    dept_task = _task(investigating, agent, technician, party="department", department_id=engineering.id)
    floor_task = _task(investigating, agent, supervisor, party="floor_manager", instruction="请楼管调取监控")
    assert selectors.get_task_for(technician, dept_task.pk) == dept_task
    assert floor_task.party == "floor_manager"


def test_shop_task_owner_must_belong_to_that_shop(investigating, agent, site):
    other = make_user(Role.SHOP, sites=[site], shop=Shop.objects.create(site=site, number="B1-01", name="甜品站"))
    with pytest.raises(ServiceError) as exc:
        _task(investigating, agent, other)
    assert exc.value.code == "task_owner_not_of_shop"


def test_department_task_owner_belongs_to_that_department_or_leads(
    investigating, agent, technician, engineering, supervisor, site
):
    """协调相关部门: the department answers through its own people; a supervisor or manager may take it on."""
    from kefu.accounts.models import Department

    security = Department.objects.create(site=site, name="保安部")
    with pytest.raises(ServiceError) as exc:
        _task(investigating, agent, technician, party="department", department_id=security.id)
    assert exc.value.code == "task_owner_not_of_department" and exc.value.fields == {"owner": [exc.value.message]}
    with pytest.raises(ServiceError):
        _task(investigating, agent, agent, party="department", department_id=engineering.id)
    assert not CoordinationTask.objects.exists()
    assert _task(investigating, agent, supervisor, party="department", department_id=security.id).owner == supervisor
    assert _task(investigating, agent, technician, party="department", department_id=engineering.id).owner == technician


def test_shop_user_sees_only_its_own_coordination_tasks(investigating, agent, shop_user, site, technician, engineering):
    mine = _task(investigating, agent, shop_user)
    dept = _task(investigating, agent, technician, party="department", department_id=engineering.id)
    other = make_user(Role.SHOP, sites=[site], shop=Shop.objects.create(site=site, number="B1-02", name="咖啡馆"))
    assert list(selectors.tasks_for(shop_user)) == [mine]
    assert list(selectors.tasks_for(other)) == []
    with pytest.raises(ServiceError) as exc:
        selectors.get_task_for(shop_user, dept.pk)
    assert exc.value.code == "not_found"
    with pytest.raises(ServiceError) as exc:
        task_services.respond_to_task(mine, actor=other, response="不是我们的")
    assert exc.value.code == "not_your_task"


def test_task_response_with_attachment_is_logged(investigating, agent, shop_user):
    task = _task(investigating, agent, shop_user)
    with pytest.raises(ServiceError) as exc:
        task_services.respond_to_task(task, actor=shop_user, response="  ")
    assert exc.value.code == "task_response_required"
    pdf = SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    row = task_services.add_task_attachment(task, actor=shop_user, uploaded=pdf)
    assert row.original_name == "检测报告.pdf"
    with pytest.raises(ServiceError):
        task_services.add_task_attachment(
            task,
            actor=shop_user,
            uploaded=SimpleUploadedFile("x.exe", b"MZ\x90", content_type="application/x-msdownload"),
        )
    task = task_services.respond_to_task(task, actor=shop_user, response="检测报告显示缩水率合格,愿意换货。")
    assert task.status == "responded" and task.responded_by == shop_user
    with pytest.raises(ServiceError) as exc:
        task_services.respond_to_task(task, actor=shop_user, response="再说一次")
    assert exc.value.code == "task_already_responded"
    assert list(investigating.events.values_list("event_type", flat=True))[-3:] == [
        "task_assigned", "task_file_added", "task_responded",
    ]  # fmt: skip


def test_other_sites_staff_cannot_see_or_answer_a_task(investigating, agent, shop_user, outsider):
    task = _task(investigating, agent, shop_user)
    with pytest.raises(ServiceError) as exc:
        selectors.get_task_for(outsider, task.pk)
    assert exc.value.code == "not_found"
    with pytest.raises(ServiceError) as exc:
        task_services.respond_to_task(task, actor=outsider, response="x")
    assert exc.value.code == "not_found"
