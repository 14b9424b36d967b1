"""In Debian's Chromium on a phone-sized screen: a customer answers a survey on the public page, once."""

from __future__ import annotations

from kefu.core.tests.browser import BROWSER, new_page
from kefu.surveys import links
from kefu.surveys.models import Survey, SurveyAnswer, SurveyStatus

PHONE = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}
pytestmark = BROWSER


def test_customer_answers_a_survey_on_the_public_page_on_a_phone(
    transactional_db, live_server, browser, shots, repair_rule, close_order
):
    close_order()
    survey = Survey.objects.get()
    url = live_server.url + links.path_for(survey)
    page = new_page(browser, 390, 844, **PHONE)
    page.goto(url)
    page.get_by_role("heading", name="服务满意度调查").wait_for()
    # Fits the phone: nothing wider than the screen, no staff navigation, no login.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("nav").count() == 0
    questions = page.locator("fieldset.survey-q")
    assert questions.count() == 4

    # Submitting with the required answers missing keeps the page and says so in Chinese.
    page.get_by_role("button", name="提交").click()
    page.get_by_text("部分回答缺失或无效，请检查。").wait_for()
    assert page.locator("fieldset.has-error").count() == 2
    page.screenshot(path=str(shots / "survey-01-missing.png"), full_page=True)

    questions.nth(0).locator("label.scale-item", has_text="4").tap()
    questions.nth(1).get_by_label("已解决").tap()
    questions.nth(2).get_by_label("态度").tap()
    questions.nth(3).locator("textarea").fill("师傅很准时，希望收费更透明。")
    page.screenshot(path=str(shots / "survey-02-filled.png"), full_page=True)
    page.get_by_role("button", name="提交").tap()
    page.get_by_test_id("survey-thanks").wait_for()
    assert "谢谢您" in page.inner_text("body")
    page.screenshot(path=str(shots / "survey-03-thanks.png"), full_page=True)

    # The link works once: opened again it only thanks the customer.
    response = page.goto(url)
    assert response.status == 410
    page.get_by_text("此调查已经提交过，感谢您的反馈。").wait_for()

    survey.refresh_from_db()
    assert (survey.status, survey.satisfaction) == (SurveyStatus.ANSWERED, 4)
    rows = SurveyAnswer.objects.filter(survey=survey).order_by("question__position")
    assert [(a.score, a.choices, a.text) for a in rows] == [
        (4, [], ""),
        (None, ["已解决"], ""),
        (None, ["态度"], ""),
        (None, [], "师傅很准时，希望收费更透明。"),
    ]
