"""Front-desk return/exchange (AS-12..AS-14): shop confirmation first, then the receipt check, refund approval,
and the cashier last; a shop user sees and confirms only its own shop's returns."""

from __future__ import annotations

import pytest

from conftest import make_user
from kefu.accounts.models import Role, Shop
from kefu.aftersales import return_services, selectors, services
from kefu.aftersales.models import AfterSalesEvent, ReturnRequest, ReturnStatus, Stage
from kefu.core.errors import ServiceError


@pytest.fixture
def desk_case(make_case, shop):
    def _make(kind="exchange", age_days=5, **kw):
        return make_case(kind=kind, age_days=age_days, shop_id=shop.id, **kw)

    return _make


def _receipt(ret, agent, **kw):
    params = dict(receipt_present=True, receipt_number="R-001", goods_intact=True)
    params.update(kw)
    return return_services.check_receipt(ret, actor=agent, **params)


def test_shop_confirmation_before_a_return(desk_case, agent, shop_user):
    ret = return_services.open_desk_return(desk_case(), actor=agent, kind="exchange")
    assert ret.status == ReturnStatus.AWAITING_SHOP
    with pytest.raises(ServiceError) as exc:
        _receipt(ret, agent)
    assert exc.value.code == "return_wrong_status"
    ret = return_services.confirm_by_shop(ret, actor=shop_user, agreed=True)
    assert ret.status == ReturnStatus.AWAITING_RECEIPT
    assert ret.shop_confirmed_by == shop_user and ret.shop_person == shop_user.name and ret.shop_confirmed_at


def test_staff_recording_the_shop_confirmation_must_name_the_shop_person(desk_case, agent):
    ret = return_services.open_desk_return(desk_case(), actor=agent, kind="exchange")
    with pytest.raises(ServiceError) as exc:
        return_services.confirm_by_shop(ret, actor=agent, agreed=True)
    assert exc.value.code == "shop_person_required"
    ret = return_services.confirm_by_shop(ret, actor=agent, agreed=True, shop_person="王店长")
    assert ret.shop_person == "王店长" and ret.shop_confirmed_by == agent


def test_shop_refusal_needs_reason_and_alternative(desk_case, agent, shop_user):
    ret = return_services.open_desk_return(desk_case(), actor=agent, kind="exchange")
    with pytest.raises(ServiceError) as exc:
        return_services.confirm_by_shop(ret, actor=shop_user, agreed=False, reason="已穿着")
    assert exc.value.code == "refusal_explained"
    assert ReturnRequest.objects.get(pk=ret.pk).status == ReturnStatus.AWAITING_SHOP
    ret = return_services.confirm_by_shop(
        ret, actor=shop_user, agreed=False, reason="已穿着", alternative="免费护理清洗"
    )
    assert ret.status == ReturnStatus.REFUSED and ret.alternative == "免费护理清洗"
    ret.case.refresh_from_db()
    assert ret.case.stage == Stage.DONE


def test_a_shop_user_sees_only_its_shops_returns(desk_case, agent, site, shop_user):
    other_shop = Shop.objects.create(site=site, number="F2-201", name="潮流数码")
    mine = return_services.open_desk_return(desk_case(), actor=agent, kind="exchange")
    theirs_case = desk_case(serial_number="X2")
    theirs_case.work_order.shop = other_shop
    theirs_case.work_order.save(update_fields=["shop"])
    theirs = return_services.open_desk_return(theirs_case, actor=agent, kind="exchange")
    assert list(selectors.returns_awaiting_shop_for(shop_user)) == [mine]
    with pytest.raises(ServiceError) as exc:
        selectors.get_return_for(shop_user, theirs.pk)
    assert exc.value.code == "not_found"
    with pytest.raises(ServiceError) as exc:
        return_services.confirm_by_shop(theirs, actor=shop_user, agreed=True)
    assert exc.value.code == "not_found"
    assert ReturnRequest.objects.get(pk=theirs.pk).shop_agreed is None
    assert len(selectors.returns_awaiting_shop_for(agent)) == 2


def test_receipt_check_within_the_return_window(desk_case, agent, shop_user):
    ret = return_services.open_desk_return(
        desk_case(kind="return", age_days=8), actor=agent, kind="return", refund_amount="299"
    )
    return_services.confirm_by_shop(ret, actor=shop_user, agreed=True)
    with pytest.raises(ServiceError) as exc:
        _receipt(ret, agent)
    assert exc.value.code == "refusal_explained"  # failing the rules needs the alternative offered
    ret = _receipt(ret, agent, alternative="可在15天内换货")
    assert ret.status == ReturnStatus.REFUSED and ret.receipt_passed is False
    assert "7" in ret.refusal_reason


def test_receipt_check_day_seven_still_returnable(desk_case, agent, shop_user):
    ret = return_services.open_desk_return(
        desk_case(kind="return", age_days=7), actor=agent, kind="return", refund_amount="299"
    )
    return_services.confirm_by_shop(ret, actor=shop_user, agreed=True)
    assert _receipt(ret, agent).status == ReturnStatus.AWAITING_APPROVAL


def test_receipt_check_needs_the_receipt_and_intact_goods(desk_case, agent, shop_user):
    ret = return_services.open_desk_return(desk_case(), actor=agent, kind="exchange")
    return_services.confirm_by_shop(ret, actor=shop_user, agreed=True)
    ret = _receipt(ret, agent, receipt_present=False, receipt_number="", goods_intact=False, alternative="联系商铺维修")
    assert ret.status == ReturnStatus.REFUSED
    assert len(ret.receipt_findings) == 2


def test_cashier_step_only_after_both(desk_case, agent, shop_user, finance):
    ret = return_services.open_desk_return(desk_case(), actor=agent, kind="exchange")
    with pytest.raises(ServiceError) as exc:
        return_services.record_cashier(ret, actor=finance)
    assert exc.value.code == "return_wrong_status"
    return_services.confirm_by_shop(ret, actor=shop_user, agreed=True)
    with pytest.raises(ServiceError) as exc:
        return_services.record_cashier(ret, actor=finance)
    assert exc.value.code == "return_wrong_status"
    _receipt(ret, agent)
    with pytest.raises(ServiceError) as exc:
        return_services.record_cashier(ret, actor=agent)
    assert exc.value.code == "permission_denied"
    ret = return_services.record_cashier(ret, actor=finance, note="已换同款42码")
    assert ret.status == ReturnStatus.COMPLETED and ret.cashier_by == finance
    ret.case.refresh_from_db()
    assert ret.case.stage == Stage.DONE


def test_refund_needs_approval(desk_case, agent, shop_user, finance, manager, supervisor):
    ret = return_services.open_desk_return(desk_case(kind="return"), actor=agent, kind="return", refund_amount="299.00")
    return_services.confirm_by_shop(ret, actor=shop_user, agreed=True)
    ret = _receipt(ret, agent)
    assert ret.status == ReturnStatus.AWAITING_APPROVAL
    with pytest.raises(ServiceError) as exc:
        return_services.record_cashier(ret, actor=finance)
    assert exc.value.code == "return_wrong_status"
    with pytest.raises(ServiceError) as exc:
        return_services.approve_refund(ret, actor=supervisor)
    assert exc.value.code == "permission_denied"
    return_services.approve_refund(ret, actor=manager, note="同意退款")
    ret = return_services.record_cashier(ret, actor=finance)
    assert ret.status == ReturnStatus.COMPLETED and ret.approved_by == manager and str(ret.refund_amount) == "299.00"


def test_refund_amount_is_required_and_positive(desk_case, agent):
    case = desk_case(kind="return")
    for bad in (None, "0", "-5", "abc", "1.234"):
        with pytest.raises(ServiceError) as exc:
            return_services.open_desk_return(case, actor=agent, kind="return", refund_amount=bad)
        assert exc.value.code == "amount_invalid"
    assert not ReturnRequest.objects.exists()


def test_desk_return_only_for_a_return_or_exchange_request(make_case, agent):
    with pytest.raises(ServiceError) as exc:
        return_services.open_desk_return(make_case(kind="repair"), actor=agent, kind="exchange")
    assert exc.value.code == "return_not_allowed"


def test_unrepairable_in_warranty_exchange_goes_through_shop_receipt_and_cashier(
    make_case, shop, agent, shop_user, finance, today
):
    case = make_case(age_days=200, shop_id=shop.id)
    services.choose_repair_path(case, actor=agent, path="mail_in")
    services.record_inbound_shipment(case, actor=agent, carrier="顺丰", tracking_number="SF1", received_on=today)
    services.record_repair(case, actor=agent, outcome="unrepairable", fault_cause="主板损坏", repair_method="无法修复")
    services.choose_remedy(case, actor=agent, remedy="exchange")
    ret = ReturnRequest.objects.get(case=case)
    assert ret.origin == "warranty" and ret.status == ReturnStatus.AWAITING_SHOP
    return_services.confirm_by_shop(ret, actor=shop_user, agreed=True)
    # 200 days after purchase: past the 15-day exchange window, but a warranty exchange is judged by the warranty.
    ret = _receipt(ret, agent, goods_intact=False)
    assert ret.status == ReturnStatus.AWAITING_CASHIER
    return_services.record_cashier(ret, actor=finance)
    assert list(AfterSalesEvent.objects.filter(case=case).values_list("event_type", flat=True))[-6:] == [
        "repair_unrepairable",
        "remedy_chosen",
        "return_opened",
        "shop_confirmed",
        "receipt_checked",
        "cashier_done",
    ]


def test_shop_user_without_a_shop_sees_nothing(site, desk_case, agent):
    nobody = make_user(Role.SHOP, sites=[site])
    return_services.open_desk_return(desk_case(), actor=agent, kind="exchange")
    assert list(selectors.returns_awaiting_shop_for(nobody)) == []


def test_shop_is_notified_of_a_return_to_confirm(desk_case, agent, shop_user):
    from kefu.core.models import Notification

    return_services.open_desk_return(desk_case(), actor=agent, kind="exchange")
    assert Notification.objects.filter(recipient=shop_user, kind="aftersales_shop_confirmation").count() == 1
