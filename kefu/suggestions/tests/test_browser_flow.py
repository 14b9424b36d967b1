"""One run in Debian's Chromium: a suggestion from intake to feedback and close, then an inquiry answered."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kefu.core.tests.browser import BROWSER, log_in, open_form
from kefu.suggestions.models import Inquiry, Suggestion
from kefu.suggestions.transitions import Stage

pytestmark = BROWSER


def test_suggestion_from_intake_to_feedback_and_an_inquiry_answered(
    transactional_db, live_server, shots, browser_page, agent, supervisor, engineering, categories
):
    page, base = browser_page, live_server.url

    # 1. The agent records a suggestion from the 建议 menu.
    log_in(page, base, "agent")
    page.get_by_role("link", name="建议", exact=True).click()
    page.get_by_role("link", name="登记建议").click()
    page.fill("#id_content", "建议在一楼服务台旁增设手机充电站")
    page.fill("#id_proposer_name", "周女士")
    page.fill("#id_proposer_contact", "13800009999")
    page.select_option("#id_category", label="服务")
    page.get_by_test_id("suggestion-form").get_by_role("button", name="登记").click()
    page.wait_for_url(f"{base}/work-orders/*/")
    assert page.get_by_test_id("suggestion-stage").inner_text() == "已分类"
    # The agent is not offered the decision steps.
    assert page.locator('details[data-step="evaluate"]').count() == 0
    page.context.clear_cookies()

    # 2. The supervisor evaluates, forwards to 工程部, adopts with a plan.
    log_in(page, base, "supervisor")
    suggestion = Suggestion.objects.get()
    page.goto(f"{base}/work-orders/{suggestion.work_order_id}/")
    form = open_form(page, "step", "evaluate")
    form.locator("select[name=feasibility]").select_option("feasible")
    form.locator("select[name=valuable]").select_option("yes")
    form.locator("textarea[name=evaluation]").fill("场地和电源具备条件")
    form.get_by_role("button", name="可行性评估").click()
    page.get_by_text("评估已记录。").wait_for()
    form = open_form(page, "step", "forward")
    form.locator("select[name=department]").select_option(label="工程部")
    form.locator("textarea[name=note]").fill("请工程部评估电源改造")
    form.get_by_role("button", name="上报领导/提交部门").click()
    page.get_by_text("建议已上报/提交。").wait_for()
    form = open_form(page, "step", "adopt")
    form.get_by_role("button", name="采纳").click()
    # An empty adoption is refused with the rule's message, and nothing is decided.
    page.get_by_text("请填写决定理由(讨论纪要)。").first.wait_for()
    form = page.locator('details[data-step="adopt"] form')
    form.locator("textarea[name=reason]").fill("服务台会议同意")
    form.locator("textarea[name=plan]").fill("工程部下周安装两台充电柜")
    form.locator("select[name=plan_owner]").select_option(label=agent.name)
    form.locator("input[name=plan_due_on]").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    form.get_by_role("button", name="采纳").click()
    page.get_by_text("建议已采纳。").wait_for()
    form = open_form(page, "step", "complete")
    form.locator("textarea[name=result]").fill("两台充电柜已投入使用")
    form.get_by_role("button", name="实施完成").click()
    page.get_by_text("已记录实施完成。").wait_for()

    # 3. Feedback to the proposer with thanks, then close.
    form = open_form(page, "step", "give_feedback")
    form.locator("textarea[name=message]").fill("感谢您的建议!充电站已在一楼服务台旁开放。")
    form.locator("input[name=thanked]").check()
    form.get_by_role("button", name="反馈建议人").click()
    page.get_by_text("已记录对建议人的反馈。").wait_for()
    form = open_form(page, "step", "close")
    form.get_by_role("button", name="关闭").click()
    page.get_by_text("建议已关闭。").wait_for()
    assert page.get_by_test_id("status").inner_text().startswith("已关闭")
    page.screenshot(path=str(shots / "suggestion-closed.png"), full_page=True)
    suggestion.refresh_from_db()
    assert suggestion.stage == Stage.IMPLEMENTED and suggestion.work_order.status == "closed"

    # 4. An anonymous inquiry, answered on the work order in one action.
    page.get_by_role("link", name="咨询", exact=True).click()
    page.get_by_role("link", name="登记咨询").click()
    page.fill("#id_question", "周末停车怎么收费?")
    page.get_by_test_id("inquiry-form").get_by_role("button", name="登记").click()
    page.wait_for_url(f"{base}/work-orders/*/")
    form = page.locator('details[data-step="answer"] form')
    form.locator("textarea[name=answer]").fill("周末首两小时免费,之后每小时 5 元")
    form.get_by_role("button", name="解答").click()
    page.get_by_text("请询问客户是否还有其他问题").first.wait_for()
    form = page.locator('details[data-step="answer"] form')
    form.locator("textarea[name=answer]").fill("周末首两小时免费,之后每小时 5 元")
    form.locator("input[name=no_further_questions]").check()
    form.get_by_role("button", name="解答").click()
    page.get_by_text("解答已记录,咨询已解决。").wait_for()
    assert page.get_by_test_id("status").inner_text().startswith("已解决")
    page.screenshot(path=str(shots / "inquiry-answered.png"), full_page=True)
    inquiry = Inquiry.objects.get()
    assert inquiry.work_order.customer_id is None and inquiry.answer.startswith("周末首两小时免费")
