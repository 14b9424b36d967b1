"""Lost & found at the service desk in Debian's Chromium: register a found item, find it by its description,
return it to the owner after checking an identity document and a signature."""

from __future__ import annotations

import re

from kefu.core.tests.browser import BROWSER, log_in, new_page
from kefu.lostfound.models import Claim, FoundItem

pytestmark = BROWSER


RESIDENT_ID = "11010519491231002X"


def test_desk_registers_searches_and_returns_a_found_item(transactional_db, live_server, shots, browser, agent, media):
    base = live_server.url
    page = new_page(browser)
    log_in(page, base, "agent")

    # 1. A cleaner hands in a wallet; the desk registers it (the desk becomes the first holder).
    page.get_by_role("link", name="失物招领").click()
    page.wait_for_url(f"{base}/lostfound/")
    form = page.get_by_test_id("lf-register")
    form.locator("#id_what").fill("黑色钱包")
    form.locator("#id_category").select_option("wallet")
    form.locator("#id_description").fill("黑色皮质钱包，内有银行卡两张")
    form.locator("#id_found_place").fill("三楼女洗手间洗手台")
    form.locator("#id_finder_name").fill("保洁员王阿姨")
    form.locator("#id_finder_contact").fill("13912345678")
    form.locator("#id_storage_place").fill("服务台失物柜 A-01")
    form.get_by_role("button", name="登记").click()
    page.wait_for_url(re.compile(r".*/lostfound/items/\d+/$"))
    page.get_by_text("已登记").first.wait_for()
    item = FoundItem.objects.get()
    assert page.get_by_test_id("lf-status").inner_text() == "保管中"
    assert page.get_by_test_id("current-holder").inner_text() == agent.name
    assert page.get_by_test_id("finder-contact").inner_text() == "139****5678"

    # 2. The owner walks in: the desk finds the item by a word of its description.
    page.goto(f"{base}/lostfound/")
    search = page.get_by_test_id("lf-search")
    search.locator("#id_q").fill("银行卡")
    search.get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r".*\?q=.*"))
    row = page.locator(f'tr[data-number="{item.number}"]')
    assert row.count() == 1
    page.screenshot(path=str(shots / "lostfound-01-search.png"), full_page=True)
    search.locator("#id_q").fill("雨伞")
    search.get_by_role("button", name="搜索").click()
    page.locator("p.empty").wait_for()
    assert page.locator("tr[data-number]").count() == 0
    page.goto(f"{base}/lostfound/?q=钱包")
    page.locator(f'tr[data-number="{item.number}"] a').click()
    page.wait_for_url(f"{base}/lostfound/items/{item.pk}/")

    # 3. The claim: without the identity check the item stays in custody and the page says why.
    page.locator('details[data-action="claim"] summary').click()
    claim = page.locator('details[data-action="claim"] form')
    claim.locator("#id_claimant_name").fill("陈晓")
    claim.locator("#id_claimant_phone").fill("13700001111")
    claim.locator("#id_id_type").select_option("resident_id")
    claim.locator("#id_id_number").fill(RESIDENT_ID)
    claim.locator("#id_proof").fill("说出钱包内银行卡的开户行")
    claim.locator("#id_signature_name").fill("陈晓")
    claim.get_by_role("button", name="认领").click()
    page.get_by_text("请先核对认领人的身份证件").first.wait_for()
    assert page.get_by_test_id("lf-status").inner_text() == "保管中" and not Claim.objects.exists()

    # 4. Checked this time, and signed on the screen: the item is returned to its owner.
    claim = page.locator('details[data-action="claim"] form')
    claim.locator("#id_id_number").fill(RESIDENT_ID)
    claim.locator("#id_identity_checked").check()
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 10):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] * (0.3 if step % 2 else 0.7))
    page.mouse.up()
    page.screenshot(path=str(shots / "lostfound-02-claim.png"), full_page=True)
    claim.get_by_role("button", name="认领").click()
    page.get_by_text("物品已交还失主。").wait_for()
    assert page.get_by_test_id("lf-status").inner_text() == "已认领"
    assert page.get_by_test_id("id-masked").inner_text() == "*" * 14 + "002X"
    assert page.get_by_test_id("current-holder").inner_text() == "陈晓"
    assert page.locator('details[data-action="claim"]').count() == 0  # nothing left to hand over
    page.screenshot(path=str(shots / "lostfound-03-returned.png"), full_page=True)

    claim_row = Claim.objects.get(item=item)
    assert claim_row.checked_by == agent and claim_row.signature_image.name.endswith(".png")
    assert RESIDENT_ID not in str(list(Claim.objects.values_list()))

    # The list shows it as returned (已认领) too.
    page.goto(f"{base}/lostfound/?status=claimed")
    assert page.locator(f'tr[data-number="{item.number}"] .badge').inner_text() == "已认领"
    page.context.close()
