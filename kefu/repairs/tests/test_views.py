"""The repair pages: intake, the technician's list and work page, the panel on the order page."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import detail_page_reads
from kefu.customers.models import Customer
from kefu.repairs.models import RepairPart, RepairSheet
from kefu.tickets.models import WorkOrder

from .conftest import PNG_1X1

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _intake(site, engineering, **kw):
    data = {
        "site": site.id,
        "customer_phone": "13812345678",
        "customer_name": "张伟",
        "reporter_type": "resident",
        "channel": "phone",
        "location_kind": "unit",
        "building": "3栋",
        "unit": "2单元1502",
        "fault": "客厅灯不亮",
        "priority": "3",
        "access": "owner_home",
        "contact_name": "张伟",
        "department": engineering.id,
    }
    data.update(kw)
    return data


def test_intake_files_the_repair_under_the_existing_caller(site, engineering, customer, agent):
    r = _client(agent).post("/repairs/new/", _intake(site, engineering))
    order = WorkOrder.objects.get()
    assert r.status_code == 302 and r.url == f"/work-orders/{order.pk}/"
    assert order.customer == customer and order.repair_sheet.contact_name == "张伟"
    assert Customer.objects.count() == 1


def test_intake_with_bad_input_shows_the_chinese_message_and_writes_nothing(site, engineering, customer, agent):
    r = _client(agent).post("/repairs/new/", _intake(site, engineering, location_kind="public", area=""))
    assert r.status_code == 400
    assert "请写明位置" in r.content.decode()
    assert not WorkOrder.objects.exists() and not RepairSheet.objects.exists()


def test_intake_warns_when_nobody_in_the_department_can_receive_the_repair(site, security_dept, customer, agent):
    r = _client(agent).post("/repairs/new/", _intake(site, security_dept), follow=True)
    text = r.content.decode()
    assert r.status_code == 200 and "保安部" in text
    assert "无在岗人员" in text


def test_intake_is_for_desk_roles(technician):
    assert _client(technician).get("/repairs/new/").status_code == 403


def test_technician_works_the_repair_on_his_page(make_repair, technician):
    sheet = make_repair()
    client = _client(technician)
    page = client.get("/repairs/").content.decode()
    assert sheet.work_order.number in page and "我的维修单" in page
    pk = sheet.work_order_id
    assert client.post(f"/repairs/{pk}/accept/").status_code == 302
    assert client.post(f"/repairs/{pk}/arrive/", {"arrived_at": "2020-01-01T08:00"}).status_code == 400
    assert client.post(f"/repairs/{pk}/arrive/", {"arrived_at": ""}).status_code == 400
    sheet.refresh_from_db()
    assert sheet.arrived_at is None
    from django.utils import timezone

    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")
    assert client.post(f"/repairs/{pk}/arrive/", {"arrived_at": now}).status_code == 302
    r = client.post(f"/repairs/{pk}/part/", {"name": "灯管", "quantity": "0", "unit": "根"})
    assert r.status_code == 400 and "数量必须大于零" in r.content.decode() and not RepairPart.objects.exists()
    assert client.post(f"/repairs/{pk}/part/", {"name": "灯管", "quantity": "1", "unit": "根"}).status_code == 302
    assert client.post(f"/repairs/{pk}/fee/", {"charge": "free"}).status_code == 302
    r = client.post(f"/repairs/{pk}/complete/", {"work_done": "更换灯管", "result": "", "labour_minutes": "20"})
    assert r.status_code == 400 and "维修结果" in r.content.decode()
    assert client.post(f"/repairs/{pk}/complete/", {"work_done": "更换灯管", "result": "灯亮了"}).status_code == 302
    import base64

    signature = "data:image/png;base64," + base64.b64encode(PNG_1X1).decode()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")
    r = client.post(
        f"/repairs/{pk}/confirm/", {"confirmed_by_name": "张伟", "confirmed_at": now, "signature": signature}
    )
    assert r.status_code == 302
    sheet.refresh_from_db()
    assert sheet.stage == "confirmed" and sheet.signature is not None
    assert sheet.work_order.status == "resolved"


def test_technician_page_records_labour_time_a_chargeable_fee_and_photos(make_repair, technician):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    sheet = make_repair()
    client = _client(technician)
    pk = sheet.work_order_id
    client.post(f"/repairs/{pk}/accept/")
    client.post(f"/repairs/{pk}/arrive/", {"arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")})
    r = client.post(f"/repairs/{pk}/fee/", {"charge": "charged", "fee_amount": "", "settlement": "cash"})
    assert r.status_code == 400 and "金额" in r.content.decode()
    fee = {"charge": "charged", "fee_amount": "80.5", "settlement": "cash", "receipt_number": "SJ-0012"}
    assert client.post(f"/repairs/{pk}/fee/", fee).status_code == 302
    photo = SimpleUploadedFile("fault.png", PNG_1X1, content_type="image/png")
    assert client.post(f"/repairs/{pk}/photo/", {"file": photo}).status_code == 302
    done = {"work_done": "更换地漏芯", "result": "排水正常", "labour_minutes": "35"}
    assert client.post(f"/repairs/{pk}/complete/", done).status_code == 302
    sheet.refresh_from_db()
    assert (sheet.labour_minutes, str(sheet.fee_amount), sheet.settlement) == (35, "80.50", "cash")
    assert sheet.receipt_number == "SJ-0012" and sheet.stage == "completed"
    assert list(sheet.work_order.attachments.values_list("original_name", flat=True)) == ["fault.png"]
    page = client.get(f"/repairs/{pk}/").content.decode()
    assert "fault.png" in page and "80.50" in page


def test_another_departments_repair_page_is_a_404(make_repair, guard, security_dept, technician):
    theirs = make_repair(department_id=security_dept.id)
    assert _client(technician).get(f"/repairs/{theirs.work_order_id}/").status_code == 404
    assert _client(technician).post(f"/repairs/{theirs.work_order_id}/accept/").status_code == 404
    assert _client(guard).get(f"/repairs/{theirs.work_order_id}/").status_code == 200


def test_other_site_repair_page_is_a_404(make_repair, outsider):
    sheet = make_repair()
    assert _client(outsider).get(f"/repairs/{sheet.work_order_id}/").status_code == 404


def test_order_page_shows_the_repair_panel(make_repair, agent):
    sheet = make_repair()
    page = _client(agent).get(f"/work-orders/{sheet.work_order_id}/").content.decode()
    assert 'data-testid="repair-panel"' in page and f"/repairs/{sheet.work_order_id}/" in page


def test_menu_entries_by_role(agent, technician):
    assert "/repairs/new/" in _client(agent).get("/repairs/").content.decode()
    page = _client(technician).get("/repairs/").content.decode()
    assert "/repairs/new/" not in page and 'href="/repairs/"' in page


def test_order_page_reads_the_sheet_without_reading_the_order_again(make_repair, agent):
    page, reads = detail_page_reads(agent, make_repair().work_order_id)
    assert 'data-testid="repair-panel"' in page and reads == 1
