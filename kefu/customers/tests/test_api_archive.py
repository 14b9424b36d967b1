"""Archive API (second cut): credit, enterprise contacts (masked, logged reveal), documents, export (masked, logged)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from conftest import client_for
from kefu.customers import archive
from kefu.customers.models import (
    CustomerDataAccess,
    CustomerDocument,
    CustomerEvent,
    CustomerExport,
    EnterpriseContact,
)
from kefu.customers.services import create_customer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customers/"
PDF = b"%PDF-1.4\n%test document\n"


@pytest.fixture
def company(site, agent):
    return create_customer(
        actor=agent, site_id=site.id, name="锦华贸易有限公司", phones=["02112345678"], kind="enterprise"
    )


@pytest.fixture
def foreign(other_site, outsider):
    return create_customer(
        actor=outsider, site_id=other_site.id, name="远方公司", phones=["02187654321"], kind="enterprise"
    )


@pytest.fixture
def contact(company, agent):
    return archive.add_enterprise_contact(company, actor=agent, name="陈经理", phone="13912345678", title="采购")


@pytest.fixture
def document(company, agent):
    return archive.add_customer_document(
        company, actor=agent, doc_type="business_licence", uploaded=SimpleUploadedFile("执照.pdf", PDF)
    )


def _assert_error(response, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    if field:
        assert field in body["fields"]


def events():
    return CustomerEvent.objects.count()


# --- credit rating -------------------------------------------------------------------------------------------


def test_credit_rating_is_recorded_with_its_reason(agent, customer):
    response = client_for(agent).post(
        f"{BASE}{customer.id}/credit/", {"rating": "good", "reason": "按时付款"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["credit_rating"] == "good" and response.json()["credit_reason"] == "按时付款"
    assert CustomerEvent.objects.filter(customer=customer, event_type="credit_rated").count() == 1


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"rating": "excellent", "reason": "好"}, "rating"),
        ({"rating": "good", "reason": ""}, "reason"),
        ({"rating": "good"}, "reason"),
        ({"rating": "good", "reason": "x" * 201}, "reason"),
    ],
)
def test_credit_rating_bad_input_is_a_structured_400_and_nothing_written(agent, customer, payload, field):
    before = events()
    _assert_error(client_for(agent).post(f"{BASE}{customer.id}/credit/", payload, format="json"), 400, field)
    customer.refresh_from_db()
    assert customer.credit_rating == "" and events() == before


def test_credit_rating_of_another_sites_customer_is_404(agent, foreign):
    _assert_error(
        client_for(agent).post(f"{BASE}{foreign.id}/credit/", {"rating": "good", "reason": "x"}, format="json"), 404
    )
    assert not CustomerEvent.objects.filter(customer=foreign, event_type="credit_rated").exists()


def test_credit_rating_needs_the_archive_right(technician, customer):
    _assert_error(
        client_for(technician).post(f"{BASE}{customer.id}/credit/", {"rating": "good", "reason": "x"}, format="json"),
        403,
    )
    customer.refresh_from_db()
    assert customer.credit_rating == ""


# --- enterprise contacts -------------------------------------------------------------------------------------


def test_contacts_are_listed_and_added_with_masked_numbers(agent, company, contact):
    api = client_for(agent)
    added = api.post(f"{BASE}{company.id}/contacts/", {"name": "李会计", "phone": "13700001111"}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["phone"] == "137****1111"
    body = api.get(f"{BASE}{company.id}/contacts/")
    assert [(c["name"], c["phone"]) for c in body.json()["results"]] == [
        ("陈经理", "139****5678"),
        ("李会计", "137****1111"),
    ]
    assert "13912345678" not in body.content.decode() and "13700001111" not in added.content.decode()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"name": "", "phone": "13700001111"}, "name"),
        ({"name": "李", "phone": "12"}, "phone"),
        ({"name": "李"}, "phone"),
    ],
)
def test_contact_bad_input_is_a_structured_400_and_nothing_written(agent, company, payload, field):
    before = events()
    _assert_error(client_for(agent).post(f"{BASE}{company.id}/contacts/", payload, format="json"), 400, field)
    assert not EnterpriseContact.objects.exists() and events() == before


def test_contacts_belong_to_enterprises_only(agent, customer):
    _assert_error(
        client_for(agent).post(f"{BASE}{customer.id}/contacts/", {"name": "李", "phone": "13700001111"}, format="json"),
        400,
    )
    assert not EnterpriseContact.objects.exists()


def test_contacts_of_another_sites_customer_are_404(agent, outsider, foreign):
    archive.add_enterprise_contact(foreign, actor=outsider, name="王", phone="13600001111")
    api = client_for(agent)
    _assert_error(api.get(f"{BASE}{foreign.id}/contacts/"), 404)
    _assert_error(api.post(f"{BASE}{foreign.id}/contacts/", {"name": "李", "phone": "13700001111"}, format="json"), 404)
    other = EnterpriseContact.objects.get()
    _assert_error(api.delete(f"{BASE}contacts/{other.id}/"), 404)
    _assert_error(api.post(f"{BASE}contacts/{other.id}/reveal/", {"reason": "回电"}, format="json"), 404)
    assert EnterpriseContact.objects.filter(is_active=True).count() == 1 and not CustomerDataAccess.objects.exists()


def test_adding_and_removing_contacts_needs_the_archive_right(technician, company, contact):
    api = client_for(technician)
    _assert_error(api.post(f"{BASE}{company.id}/contacts/", {"name": "李", "phone": "13700001111"}, format="json"), 403)
    _assert_error(api.delete(f"{BASE}contacts/{contact.id}/"), 403)
    assert EnterpriseContact.objects.filter(is_active=True).count() == 1


def test_a_removed_contact_leaves_the_list_and_stays_in_the_history(agent, company, contact):
    api = client_for(agent)
    assert api.delete(f"{BASE}contacts/{contact.id}/").status_code == 204
    assert api.get(f"{BASE}{company.id}/contacts/").json()["results"] == []
    contact.refresh_from_db()
    assert not contact.is_active and CustomerEvent.objects.filter(event_type="contact_removed").count() == 1
    _assert_error(api.delete(f"{BASE}contacts/{contact.id}/"), 404)


def test_revealing_a_contacts_number_is_logged(agent, contact):
    response = client_for(agent).post(f"{BASE}contacts/{contact.id}/reveal/", {"reason": "回电确认"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["number"] == "13912345678" and response["Cache-Control"] == "private, no-store"
    (log,) = CustomerDataAccess.objects.all()
    assert (log.actor, log.event_type, log.note, log.new["contact"]) == (
        agent,
        "contact_phone_revealed",
        "回电确认",
        contact.id,
    )


def test_revealing_a_contacts_number_needs_a_reason_and_the_reveal_right(agent, technician, contact):
    _assert_error(
        client_for(agent).post(f"{BASE}contacts/{contact.id}/reveal/", {"reason": " "}, format="json"), 400, "reason"
    )
    _assert_error(
        client_for(technician).post(f"{BASE}contacts/{contact.id}/reveal/", {"reason": "回电"}, format="json"), 403
    )
    assert not CustomerDataAccess.objects.exists()


# --- qualification documents ---------------------------------------------------------------------------------


def test_documents_are_uploaded_listed_and_downloaded(agent, company):
    api = client_for(agent)
    upload = api.post(
        f"{BASE}{company.id}/documents/",
        {"doc_type": "business_licence", "file": SimpleUploadedFile("执照.pdf", PDF)},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["content_type"] == "application/pdf" and upload.json()["size"] == len(PDF)
    (row,) = api.get(f"{BASE}{company.id}/documents/").json()["results"]
    assert row["id"] == upload.json()["id"] and row["name"] == "执照.pdf"
    download = api.get(f"{BASE}documents/{row['id']}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "doc_type, name, content, field",
    [
        ("business_licence", "执照.pdf", b"MZ\x90\x00 not a pdf", "file"),  # the name says PDF, the bytes do not
        ("business_licence", "run.exe", PDF, "file"),
        ("business_licence", "empty.pdf", b"", "file"),
        ("passport", "执照.pdf", PDF, "doc_type"),
    ],
)
def test_document_bad_input_is_a_structured_400_and_nothing_written(agent, company, doc_type, name, content, field):
    before = events()
    response = client_for(agent).post(
        f"{BASE}{company.id}/documents/",
        {"doc_type": doc_type, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    _assert_error(response, 400, field)
    assert not CustomerDocument.objects.exists() and events() == before


def test_document_over_the_size_limit_is_refused(agent, company, settings):
    settings.KEFU_ATTACHMENT_MAX_BYTES = len(PDF) - 1
    response = client_for(agent).post(
        f"{BASE}{company.id}/documents/",
        {"doc_type": "business_licence", "file": SimpleUploadedFile("a.pdf", PDF)},
        format="multipart",
    )
    _assert_error(response, 400, "file")
    assert not CustomerDocument.objects.exists()


def test_documents_of_another_sites_customer_are_404(agent, outsider, foreign):
    theirs = archive.add_customer_document(
        foreign, actor=outsider, doc_type="business_licence", uploaded=SimpleUploadedFile("a.pdf", PDF)
    )
    api = client_for(agent)
    _assert_error(api.get(f"{BASE}{foreign.id}/documents/"), 404)
    _assert_error(
        api.post(
            f"{BASE}{foreign.id}/documents/",
            {"doc_type": "business_licence", "file": SimpleUploadedFile("b.pdf", PDF)},
            format="multipart",
        ),
        404,
    )
    _assert_error(api.get(f"{BASE}documents/{theirs.id}/download/"), 404)
    assert CustomerDocument.objects.count() == 1


def test_documents_need_the_archive_right(technician, company, document):
    api = client_for(technician)
    _assert_error(api.get(f"{BASE}{company.id}/documents/"), 403)
    _assert_error(api.get(f"{BASE}documents/{document.id}/download/"), 403)
    upload = api.post(
        f"{BASE}{company.id}/documents/",
        {"doc_type": "business_licence", "file": SimpleUploadedFile("b.pdf", PDF)},
        format="multipart",
    )
    _assert_error(upload, 403)
    assert CustomerDocument.objects.count() == 1


# --- export --------------------------------------------------------------------------------------------------


def _sheet(response):
    assert response.status_code == 200, response.content
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


def test_export_is_masked_by_default_and_logged(supervisor, customer):
    rows = _sheet(client_for(supervisor).post(f"{BASE}export/", {}, format="json"))
    assert len(rows) == 2 and "138****5678" in rows[1] and "13812345678" not in rows[1]
    (log,) = CustomerExport.objects.all()
    assert (log.actor, log.event_type, log.new["masked"], log.new["rows"]) == (
        supervisor,
        "customers_exported",
        True,
        1,
    )


def test_unmasked_export_needs_the_reveal_right_and_is_logged_as_such(supervisor, customer):
    rows = _sheet(client_for(supervisor).post(f"{BASE}export/", {"unmasked": True}, format="json"))
    assert "13812345678" in rows[1]
    assert CustomerExport.objects.get().event_type == "customers_exported_unmasked"


def test_export_filters_and_never_lists_another_sites_customers(supervisor, customer, foreign, site):
    create_customer(actor=supervisor, site_id=site.id, name="王芳", phones=["13987654321"], tier="A")
    rows = _sheet(client_for(supervisor).post(f"{BASE}export/", {"tier": "A"}, format="json"))
    assert [r[1] for r in rows[1:]] == ["王芳"]
    rows = _sheet(client_for(supervisor).post(f"{BASE}export/", {}, format="json"))
    assert sorted(r[1] for r in rows[1:]) == ["张伟", "王芳"]


@pytest.mark.parametrize("payload, field", [({"tier": "Z"}, "tier"), ({"site": "x"}, "site"), ({"q": "x" * 101}, "q")])
def test_export_bad_filters_are_a_structured_400_and_not_logged(supervisor, payload, field):
    _assert_error(client_for(supervisor).post(f"{BASE}export/", payload, format="json"), 400, field)
    assert not CustomerExport.objects.exists()


def test_export_needs_the_export_right(agent, customer):
    _assert_error(client_for(agent).post(f"{BASE}export/", {}, format="json"), 403)
    assert not CustomerExport.objects.exists()


def test_the_archive_endpoints_are_in_a_valid_openapi_schema(client):
    from drf_spectacular.validation import validate_schema

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    validate_schema(schema)
    paths = schema["paths"]
    assert "post" in paths[f"{BASE}{{id}}/credit/"] and "post" in paths[f"{BASE}export/"]
    assert {"get", "post"} <= set(paths[f"{BASE}{{id}}/contacts/"]) and "delete" in paths[f"{BASE}contacts/{{id}}/"]
    assert "multipart/form-data" in paths[f"{BASE}{{id}}/documents/"]["post"]["requestBody"]["content"]
    assert "get" in paths[f"{BASE}documents/{{id}}/download/"] and "post" in paths[f"{BASE}contacts/{{id}}/reveal/"]


def test_key_customer_flag_needs_a_lead_but_the_system_rule_always_may(agent, supervisor, customer):
    from kefu.accounts.services import get_system_actor
    from kefu.core.errors import ServiceError
    from kefu.customers.services import set_key_customer

    with pytest.raises(ServiceError) as err:
        set_key_customer(customer, actor=agent, flagged=True, reason="多次投诉")
    customer.refresh_from_db()
    assert err.value.status == 403 and not customer.is_key_customer
    set_key_customer(customer, actor=supervisor, flagged=True, reason="多次投诉")
    set_key_customer(customer, actor=get_system_actor(), flagged=False, reason="规则复核")
    customer.refresh_from_db()
    assert not customer.is_key_customer and customer.key_customer_reason == "规则复核"
