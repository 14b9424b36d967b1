"""Archive second cut: credit rating (evented), enterprise contacts (masked), documents (permission), export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from kefu.accounts.models import Role
from kefu.core.errors import ServiceError
from kefu.customers import archive, exports
from kefu.customers.models import CustomerDocument, CustomerEvent, CustomerExport, EnterpriseContact
from kefu.customers.services import create_customer

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test document\n"


@pytest.fixture
def company(site, agent):
    return create_customer(
        actor=agent, site_id=site.id, name="锦华贸易有限公司", phones=["02112345678"], kind="enterprise"
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_credit_rating_change_is_evented_with_old_and_new(customer, agent):
    archive.rate_customer_credit(customer, actor=agent, rating="good", reason="按时付款")
    archive.rate_customer_credit(customer, actor=agent, rating="poor", reason="两次逾期")
    customer.refresh_from_db()
    assert (customer.credit_rating, customer.credit_reason) == ("poor", "两次逾期")
    events = list(CustomerEvent.objects.filter(customer=customer, event_type="credit_rated").order_by("id"))
    assert [(e.old["credit_rating"], e.new["credit_rating"]) for e in events] == [("", "good"), ("good", "poor")]
    assert events[1].actor == agent and events[1].old["credit_reason"] == "按时付款"


@pytest.mark.parametrize("rating, reason", [("excellent", "好"), ("good", ""), ("good", "x" * 201)])
def test_bad_credit_rating_is_refused_and_nothing_written(customer, agent, rating, reason):
    with pytest.raises(ServiceError) as err:
        archive.rate_customer_credit(customer, actor=agent, rating=rating, reason=reason)
    assert err.value.status == 400
    customer.refresh_from_db()
    assert customer.credit_rating == "" and not CustomerEvent.objects.filter(event_type="credit_rated").exists()


def test_credit_rating_of_another_site_is_not_found(customer, outsider):
    with pytest.raises(ServiceError) as err:
        archive.rate_customer_credit(customer, actor=outsider, rating="good", reason="x")
    assert err.value.status == 404
    assert (
        _client(outsider)
        .post(reverse("customers:rate_credit", args=[customer.pk]), {"rating": "good", "reason": "x"})
        .status_code
        == 404
    )


def test_enterprise_contact_phone_is_masked_on_the_page_and_in_the_event(company, agent):
    contact = archive.add_enterprise_contact(company, actor=agent, name="王经理", title="采购经理", phone="13912345678")
    assert contact.masked == "139****5678"
    event = CustomerEvent.objects.get(event_type="contact_added")
    assert event.new["phone"] == "139****5678"
    body = _client(agent).get(reverse("customers:detail", args=[company.pk])).content.decode()
    assert "139****5678" in body and "13912345678" not in body and "王经理" in body


def test_contacts_belong_to_enterprises_only(customer, agent):
    with pytest.raises(ServiceError) as err:
        archive.add_enterprise_contact(customer, actor=agent, name="王", phone="13912345678")
    assert err.value.code == "not_enterprise" and not EnterpriseContact.objects.exists()


def test_contact_with_invalid_phone_is_refused(company, agent):
    with pytest.raises(ServiceError) as err:
        archive.add_enterprise_contact(company, actor=agent, name="王", phone="12345")
    assert err.value.code == "invalid_phone" and not EnterpriseContact.objects.exists()


def test_document_is_served_only_to_permitted_users(company, agent, technician, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = archive.add_customer_document(
        company, actor=agent, doc_type="business_licence", uploaded=SimpleUploadedFile("执照.pdf", PDF)
    )
    assert doc.file.path.startswith(str(tmp_path)) and "执照" not in doc.file.name  # opaque name, outside the DB
    url = reverse("customers:document", args=[doc.pk])
    response = _client(agent).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert _client(technician).get(url).status_code == 403
    assert _client(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    assert CustomerEvent.objects.filter(event_type="document_added").count() == 1


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("a.exe", b"MZ\x90\x00", "document_type"),
        ("fake.pdf", b"GIF89a", "document_type"),
        ("empty.pdf", b"", "document_empty"),
    ],
)
def test_bad_document_is_refused_and_nothing_stored(company, agent, settings, tmp_path, name, content, code):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ServiceError) as err:
        archive.add_customer_document(
            company, actor=agent, doc_type="other_qualification", uploaded=SimpleUploadedFile(name, content)
        )
    assert err.value.code == code
    assert not CustomerDocument.objects.exists() and not any(tmp_path.rglob("*.*"))


def test_too_large_document_is_refused(company, agent, settings, tmp_path):
    settings.MEDIA_ROOT, settings.KEFU_ATTACHMENT_MAX_BYTES = tmp_path, 10
    with pytest.raises(ServiceError) as err:
        archive.add_customer_document(
            company, actor=agent, doc_type="tax_registration", uploaded=SimpleUploadedFile("a.pdf", PDF)
        )
    assert err.value.code == "document_too_large" and not CustomerDocument.objects.exists()


def _sheet(content: bytes):
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_export_is_masked_by_default_and_logged(customer, supervisor):
    response = _client(supervisor).get(reverse("customers:export"), {"download": "1", "tier": "C"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    header, rows = _sheet(response.content)
    assert [r[1] for r in rows] == ["张伟"] and rows[0][4] == "138****5678"
    assert "13812345678" not in str(rows)
    log = CustomerExport.objects.get()
    assert (log.actor, log.event_type, log.new) == (
        supervisor,
        "customers_exported",
        {"filters": {"tier": "C"}, "masked": True, "rows": 1},
    )


def test_unmasked_export_needs_reveal_and_is_logged_as_such(customer, supervisor):
    content, count = exports.export_customers(actor=supervisor, filters={}, unmasked=True)
    assert count == 1 and _sheet(content)[1][0][4] == "13812345678"
    assert CustomerExport.objects.get().new["masked"] is False
    lead = make_user(Role.SUPERVISOR, sites=supervisor.sites.all())
    from kefu.accounts import permissions

    # A role with export but without reveal (none in the table today): refuse the unmasked export.
    original = permissions.ROLE_CAPABILITIES[Role.SUPERVISOR]
    permissions.ROLE_CAPABILITIES[Role.SUPERVISOR] = original - {permissions.Capability.REVEAL_CUSTOMER_PHONE}
    try:
        with pytest.raises(ServiceError) as err:
            exports.export_customers(actor=lead, filters={}, unmasked=True)
    finally:
        permissions.ROLE_CAPABILITIES[Role.SUPERVISOR] = original
    assert err.value.code == "export_unmasked_not_allowed" and CustomerExport.objects.count() == 1


def test_export_needs_export_customers(agent):
    assert _client(agent).get(reverse("customers:export"), {"download": "1"}).status_code == 403
    assert not CustomerExport.objects.exists()


def test_export_leaves_out_other_sites(customer, other_site, outsider, supervisor):
    create_customer(actor=outsider, site_id=other_site.id, name="外站客户", phones=["13700000000"])
    _header, rows = _sheet(exports.export_customers(actor=supervisor, filters={})[0])
    assert [r[1] for r in rows] == ["张伟"]


def test_export_with_bad_filters_is_refused_and_not_logged(supervisor):
    with pytest.raises(ServiceError):
        exports.clean_export_filters({"tier": "Z"})
    assert _client(supervisor).get(reverse("customers:export"), {"download": "1", "tier": "Z"}).status_code == 400
    assert not CustomerExport.objects.exists()


def test_formula_like_names_are_exported_as_text(site, agent, supervisor):
    create_customer(actor=agent, site_id=site.id, name="=HYPERLINK(1)", phones=["13600000000"])
    _header, rows = _sheet(exports.export_customers(actor=supervisor, filters={})[0])
    assert rows[0][1] == "'=HYPERLINK(1)"


def test_archive_changes_are_history_events_in_order(company, agent, manager, settings, tmp_path):
    """Every archive change of the second cut is one CustomerEvent, in the order made, with who and what changed."""
    from kefu.customers.services import set_key_customer, update_customer

    settings.MEDIA_ROOT = tmp_path
    update_customer(company, actor=manager, changes={"tier": "A"})
    set_key_customer(company, actor=manager, flagged=True, reason="政府单位")
    archive.rate_customer_credit(company, actor=manager, rating="good", reason="按时付款")
    contact = archive.add_enterprise_contact(company, actor=agent, name="王经理", phone="13912345678")
    archive.add_customer_document(
        company, actor=agent, doc_type="business_licence", uploaded=SimpleUploadedFile("执照.pdf", PDF)
    )
    archive.remove_enterprise_contact(contact, actor=agent)
    events = list(CustomerEvent.objects.filter(customer=company).order_by("id"))
    assert [(e.event_type, e.actor) for e in events] == [
        ("customer_created", agent),
        ("customer_changed", manager),
        ("key_customer_changed", manager),
        ("credit_rated", manager),
        ("contact_added", agent),
        ("document_added", agent),
        ("contact_removed", agent),
    ]
    assert (events[1].old, events[1].new) == ({"tier": "C"}, {"tier": "A"})
    assert events[2].new == {"is_key_customer": True, "key_customer_reason": "政府单位"}
    assert events[6].old == {"contact": contact.pk, "name": "王经理"}


def test_archive_history_cannot_be_rewritten(company, agent):
    """无涂改: the event table refuses updates and deletes (database triggers), so a correction is a new event."""
    from django.db import DatabaseError, transaction

    event = CustomerEvent.objects.get(customer=company)
    with pytest.raises(DatabaseError), transaction.atomic():
        CustomerEvent.objects.filter(pk=event.pk).update(event_type="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        CustomerEvent.objects.filter(pk=event.pk).delete()
    assert CustomerEvent.objects.get(pk=event.pk).event_type == "customer_created"


def test_masked_export_also_masks_email_and_address(customer, supervisor):
    customer.email, customer.address = "zhangwei@example.com", "广州市天河区体育西路103号维多利广场A座"
    customer.save(update_fields=["email", "address"])
    header, rows = _sheet(exports.export_customers(actor=supervisor, filters={})[0])
    assert rows[0][5] == "z***@example.com" and rows[0][6] == "广州市天河区****"
    header, rows = _sheet(exports.export_customers(actor=supervisor, filters={}, unmasked=True)[0])
    assert rows[0][5] == "zhangwei@example.com" and rows[0][6].endswith("A座")
