"""Found items: registration, the custody chain, claims with identity check and signature, search, scoping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.accounts.models import Role
from kefu.core.errors import ServiceError
from kefu.lostfound import selectors, services
from kefu.lostfound.models import Claim, CustodyHandover, FoundItem, FoundItemPhoto, LostFoundEvent

from .conftest import RESIDENT_ID, photo_upload, png_bytes

pytestmark = pytest.mark.django_db


def _claim(item, actor, **kw):
    params = dict(
        actor=actor,
        claimant_name="陈晓",
        claimant_phone="13700001111",
        id_type="resident_id",
        id_number=RESIDENT_ID,
        identity_checked=True,
        signature_name="陈晓",
        proof="钱包里有一张印着陈晓名字的会员卡",
    )
    params.update(kw)
    return services.claim_item(item, **params)


def test_registration_starts_the_custody_chain_with_the_finder(register, agent):
    item = register()
    assert item.number == f"SW-{item.site.code}-{item.pk:06d}"
    assert item.status == "in_custody"
    chain = list(selectors.custody_chain(item))
    assert [(h.sequence, h.from_holder, h.to_holder) for h in chain] == [(1, "保洁员王阿姨", agent.name)]
    assert item.current_holder == agent.name
    assert list(item.events.values_list("event_type", flat=True)) == ["item_registered"]


def test_found_item_records_what_where_when_finder_photo_and_storage(register, agent, media):
    found_at = timezone.now() - timedelta(hours=3)
    item = register(
        found_at=found_at,
        storage_place="客服中心失物柜 A-01",
        received_by="保安郑刚",
        received_place="三楼岗亭",
        photo=photo_upload(),
    )
    item = FoundItem.objects.get(pk=item.pk)
    assert (item.what, item.category, item.found_place) == ("黑色钱包", "wallet", "三楼女洗手间洗手台")
    assert item.found_at == found_at and item.finder_name == "保洁员王阿姨"
    assert item.storage_place == "客服中心失物柜 A-01" and item.registered_by == agent
    assert item.photos.get().content_type == "image/png"
    # Whoever first took it from the finder is the first link of the chain, at the place it was handed over.
    first = item.handovers.get()
    assert (first.from_holder, first.to_holder, first.place) == ("保洁员王阿姨", "保安郑刚", "三楼岗亭")
    assert item.current_holder == "保安郑刚"
    registered = item.events.get(event_type="item_registered").new
    assert registered["photo"] == item.photos.get().pk and registered["handover"]["to"] == "保安郑刚"


def test_custody_chain_complete(register, agent):
    item = register()
    # A handover from someone other than the current holder is refused and writes nothing.
    with pytest.raises(ServiceError) as exc:
        services.hand_over_item(item, actor=agent, from_holder="保安郑刚", to_holder="失物柜A", place="客服中心")
    assert exc.value.code == "not_from_holder"
    assert item.handovers.count() == 1
    assert LostFoundEvent.objects.filter(item=item).count() == 1

    services.hand_over_item(
        item, actor=agent, from_holder=agent.name, to_holder="客服中心失物柜", place="客服中心", storage_place="A-03"
    )
    services.hand_over_item(item, actor=agent, from_holder="客服中心失物柜", to_holder=agent.name, place="客服中心")
    item.refresh_from_db()
    assert item.storage_place == "A-03"
    _claim(item, agent)

    chain = list(CustodyHandover.objects.filter(item=item).order_by("sequence"))
    # From finder to claimant, each link starts where the previous one ended: no gap.
    assert chain[0].from_holder == item.finder_name
    assert chain[-1].to_holder == "陈晓"
    assert [h.sequence for h in chain] == list(range(1, len(chain) + 1))
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.from_holder == before.to_holder
    item.refresh_from_db()
    assert item.current_holder == "陈晓"
    assert list(item.events.values_list("event_type", flat=True)) == [
        "item_registered",
        "custody_handed_over",
        "custody_handed_over",
        "item_claimed",
    ]


def test_handover_after_claim_is_refused(register, agent):
    item = register()
    _claim(item, agent)
    with pytest.raises(ServiceError) as exc:
        services.hand_over_item(item, actor=agent, from_holder="陈晓", to_holder="别人", place="服务台")
    assert exc.value.code == "item_closed"


def test_finder_from_the_desk_starts_the_chain_without_a_first_handover(register, agent):
    item = register(finder_name=agent.name)
    assert item.handovers.count() == 0
    assert item.current_holder == agent.name


def test_claim_needs_identity_check(register, agent):
    item = register()
    for kw, code in [
        ({"identity_checked": False}, "identity_not_checked"),
        ({"id_number": "110105194912310021"}, "id_number_invalid"),  # wrong check digit
        ({"id_number": ""}, "id_number_invalid"),
        ({"id_type": "library_card"}, "invalid_input"),
        ({"signature_name": ""}, "signature_required"),
        ({"signature_name": "别人"}, "signature_mismatch"),
        ({"signature_png": b"GIF89a not a png"}, "signature_image"),
    ]:
        with pytest.raises(ServiceError) as exc:
            _claim(item, agent, **kw)
        assert exc.value.code == code, kw
    assert not Claim.objects.exists()
    item.refresh_from_db()
    assert item.status == "in_custody" and item.handovers.count() == 1

    claim = _claim(item, agent, signature_png=png_bytes())
    assert claim.checked_by == agent
    assert claim.id_type == "resident_id"
    assert claim.id_number_masked == "*" * 14 + "002X"
    assert claim.signature_image.name.endswith(".png")
    item.refresh_from_db()
    assert item.status == "claimed"


def test_claim_with_only_the_last_four_digits(register, agent):
    claim = _claim(register(), agent, id_type="passport", id_number="e1234567")
    assert claim.id_number_masked == "****4567"
    claim2 = _claim(register(), agent, id_number="002x")
    assert claim2.id_number_masked == "****002X"


def test_full_id_number_is_never_stored(register, agent):
    item = register()
    _claim(item, agent)
    stored = [str(v) for v in Claim.objects.values_list(flat=False)]
    stored += [str(e.new) for e in LostFoundEvent.objects.all()]
    assert not any(RESIDENT_ID in s or RESIDENT_ID[:-4] in s for s in stored)


def test_claimed_item_cannot_be_claimed_twice(register, agent):
    item = register()
    _claim(item, agent)
    with pytest.raises(ServiceError) as exc:
        _claim(item, agent, claimant_name="李四", signature_name="李四")
    assert exc.value.code == "item_closed"


def test_search_by_chinese_description(register, agent):
    wallet = register()
    umbrella = register(what="雨伞", category="clothing", description="蓝色折叠伞", found_place="一楼东门")
    phone = register(
        what="手机", category="electronics", description="白色华为手机，屏幕有裂纹", found_place="地下停车场B2"
    )

    def found(q):
        return set(selectors.search_items(agent, q))

    assert found("钱包") == {wallet}  # a two-character word: what trigram full-text search misses
    assert found("伞") == {umbrella}
    assert found("裂纹") == {phone}  # in the description
    assert found("停车场") == {phone}  # in the place
    assert found("白色 华为") == {phone}  # every term must match
    assert found("白色 钱包") == set()
    assert found("") == {wallet, umbrella, phone}
    assert found(wallet.number.lower()) == {wallet}
    assert found("100%") == set()  # LIKE wildcards are literal


def test_photo_is_checked_by_type_and_size(register, agent, media, settings):
    item = register(photo=photo_upload())
    photo = FoundItemPhoto.objects.get(item=item)
    assert photo.content_type == "image/png" and photo.file.name.startswith("lostfound/photos/")
    assert item.number not in photo.file.name and "wallet" not in photo.file.name  # opaque stored name

    for upload, code in [
        (photo_upload("x.exe", b"MZ\x90\x00"), "photo_type"),
        (photo_upload("fake.png", b"GIF89a" + b"0" * 20), "photo_type"),
        (photo_upload("doc.pdf", b"%PDF-1.4 hello"), "photo_type"),
        (photo_upload("empty.png", b""), "photo_empty"),
    ]:
        with pytest.raises(ServiceError) as exc:
            services.add_item_photo(item, actor=agent, uploaded=upload)
        assert exc.value.code == code
    settings.KEFU_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ServiceError) as exc:
        services.add_item_photo(item, actor=agent, uploaded=photo_upload(data=png_bytes() + bytes(200)))
    assert exc.value.code == "photo_too_large"
    assert FoundItemPhoto.objects.count() == 1


def test_bad_registration_writes_nothing(site, agent):
    before = timezone.now()
    cases = [
        (dict(what=""), "what_required"),
        (dict(found_place="  "), "place_required"),
        (dict(finder_name=""), "finder_required"),
        (dict(category="spaceship"), "invalid_input"),
        (dict(found_at=before + timedelta(days=1)), "time_in_future"),
        (dict(what="钱包\x00"), "invalid_input"),
        (dict(photo=photo_upload("x.txt", b"hello")), "photo_type"),
        (dict(work_order_id=999999), "not_a_loss_report"),
    ]
    for kw, code in cases:
        params = dict(
            actor=agent, site_id=site.id, what="钱包", category="wallet", found_place="一楼", finder_name="王阿姨"
        )
        params.update(kw)
        with pytest.raises(ServiceError) as exc:
            services.register_found_item(**params)
        assert exc.value.code == code, kw
    assert not FoundItem.objects.exists() and not CustodyHandover.objects.exists()
    assert not LostFoundEvent.objects.exists()


def test_other_site_item_is_not_found(register, outsider, agent):
    item = register()
    with pytest.raises(ServiceError) as exc:
        selectors.get_item_for(outsider, item.pk)
    assert exc.value.code == "not_found"
    with pytest.raises(ServiceError) as exc:
        services.hand_over_item(item, actor=outsider, from_holder=agent.name, to_holder="x", place="y")
    assert exc.value.code == "not_found"
    assert list(selectors.search_items(outsider, "钱包")) == []


def test_department_staff_may_not_work_the_lost_and_found_desk(register, technician, agent):
    item = register()
    with pytest.raises(ServiceError) as exc:
        services.hand_over_item(item, actor=technician, from_holder=agent.name, to_holder="x", place="y")
    assert exc.value.code == "permission_denied"
    assert list(selectors.search_items(technician)) == []


def test_finder_contact_is_masked_and_revealing_it_is_logged(register, agent, site):
    from conftest import make_user

    item = register()
    assert item.finder_contact_masked == "139****5678"
    with pytest.raises(ServiceError):
        services.reveal_finder_contact(item, actor=agent, reason="")
    assert services.reveal_finder_contact(item, actor=agent, reason="联系拾获人确认细节") == "13912345678"
    logged = item.events.get(event_type="finder_contact_revealed")
    assert logged.actor == agent and logged.note == "联系拾获人确认细节" and "13912345678" not in str(logged.new)
    finance = make_user(Role.FINANCE, sites=[site])
    with pytest.raises(ServiceError) as exc:
        services.reveal_finder_contact(item, actor=finance, reason="看看")
    assert exc.value.code == "permission_denied"


def test_found_item_is_matched_to_a_loss_report(register, agent, make_order):
    report = make_order(type="lost_found", subject="丢失黑色钱包", channel="walk_in")
    item = register()
    services.link_item_to_loss_report(item, actor=agent, work_order_id=report.pk)
    item.refresh_from_db()
    assert item.work_order == report
    assert list(selectors.matchable_items(agent, report)) == [item]
    repair = make_order()
    with pytest.raises(ServiceError) as exc:
        services.link_item_to_loss_report(item, actor=agent, work_order_id=repair.pk)
    assert exc.value.code == "not_a_loss_report"
