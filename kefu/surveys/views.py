"""Survey pages: questionnaires, surveys on closure, campaigns, sent surveys, the CSAT report, and the public page.

Staff pages are thin (parse → one service or selector → render; ServiceError → its message, 404 outside the
actor's sites). The public page needs no login and renders its own minimal layout, in Chinese.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import sites_for
from kefu.core.errors import CoreError, ServiceError
from kefu.core.views import add_service_error, not_found_as_404
from kefu.customers.models import CustomerTag

from . import answers, links, selectors, sending, services
from .errors import SurveyError
from .forms import CampaignForm, ClosureRuleForm, CsatForm, TemplateForm
from .models import QuestionKind, SurveyStatus

PAGE_SIZE = 100


def _need(request, *capabilities):
    if not any(has_capability(request.user, c) for c in capabilities):
        raise PermissionDenied


# ---- staff pages ----


@login_required
def home(request):
    """Sent surveys, newest first: status, link expiry, satisfaction."""
    _need(request, Capability.MANAGE_SURVEYS, Capability.VIEW_SATISFACTION)
    status = request.GET.get("status") or ""
    rows = selectors.surveys_for(request.user)
    if status in SurveyStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "surveys/home.html",
        {"rows": list(rows.order_by("-id")[:PAGE_SIZE]), "status": status, "statuses": SurveyStatus.choices},
    )


@login_required
@not_found_as_404
def survey(request, pk):
    item = selectors.get_survey_for(request.user, pk)
    return render(
        request,
        "surveys/survey.html",
        {"survey": item, "answers": selectors.answers_of(item), "link": links.link_for(item), "now": timezone.now()},
    )


@login_required
def templates(request):
    _need(request, Capability.MANAGE_SURVEYS)
    sites = sites_for(request.user)
    form = TemplateForm(request.POST or None, sites=sites)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.create_template(
                    actor=request.user,
                    site_id=form.cleaned_data["site"].pk,
                    name=form.cleaned_data["name"],
                    intro=form.cleaned_data["intro"],
                    questions=form.questions(),
                )
            except ServiceError as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Questionnaire saved."))
                return redirect("surveys:template", created.pk)
        else:
            status = 400
    rows = selectors.templates_for(request.user).prefetch_related("questions")
    return render(request, "surveys/templates.html", {"rows": rows, "form": form}, status=status)


@login_required
@not_found_as_404
def template_detail(request, pk):
    _need(request, Capability.MANAGE_SURVEYS)
    item = selectors.get_template_for(request.user, pk)
    if request.method == "POST":
        try:
            services.update_template(item, actor=request.user, is_active=request.POST.get("active") == "1")
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Questionnaire saved."))
        return redirect("surveys:template", item.pk)
    return render(
        request,
        "surveys/template.html",
        {"item": item, "questions": list(item.questions.order_by("position")), "used": item.surveys.exists()},
    )


@login_required
def rules(request):
    _need(request, Capability.MANAGE_SURVEYS)
    sites = sites_for(request.user)
    active = selectors.templates_for(request.user).filter(is_active=True)
    form = ClosureRuleForm(request.POST or None, sites=sites, templates=active)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.set_closure_rule(
                    actor=request.user,
                    site_id=d["site"].pk,
                    work_order_type=d["work_order_type"],
                    template_id=d["template"].pk,
                    enabled=d["enabled"],
                    link_valid_days=d["link_valid_days"],
                )
            except ServiceError as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Saved."))
                return redirect("surveys:rules")
        else:
            status = 400
    return render(
        request,
        "surveys/rules.html",
        {"rows": selectors.closure_rules_for(request.user).order_by("site_id", "work_order_type"), "form": form},
        status=status,
    )


@login_required
def campaigns(request):
    _need(request, Capability.MANAGE_SURVEYS)
    sites = sites_for(request.user)
    form = CampaignForm(
        request.POST or None,
        sites=sites,
        templates=selectors.templates_for(request.user).filter(is_active=True),
        tags=CustomerTag.objects.filter(site__in=sites).order_by("site_id", "name"),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                created = services.create_campaign(
                    actor=request.user,
                    site_id=d["site"].pk,
                    name=d["name"],
                    template_id=d["template"].pk,
                    tier=d["tier"],
                    tag_id=d["tag"].pk if d["tag"] else None,
                    key_customers_only=d["key_customers_only"],
                    order_type=d["order_type"],
                    order_from=d["order_from"],
                    order_to=d["order_to"],
                    repeat_days=d["repeat_days"],
                    link_valid_days=d["link_valid_days"],
                )
            except ServiceError as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Campaign saved. Send it when the segment looks right."))
                return redirect("surveys:campaign", created.pk)
        else:
            status = 400
    return render(
        request, "surveys/campaigns.html", {"rows": selectors.campaigns_for(request.user), "form": form}, status=status
    )


@login_required
@not_found_as_404
def campaign_detail(request, pk):
    _need(request, Capability.MANAGE_SURVEYS)
    item = selectors.get_campaign_for(request.user, pk)
    segment = sending.segment_customers(item)
    return render(
        request,
        "surveys/campaign.html",
        {
            "item": item,
            "segment_count": segment.count(),
            "segment_sample": list(segment[:20]),
            "sent": item.surveys.count(),
            "answered": item.surveys.filter(status=SurveyStatus.ANSWERED).count(),
        },
    )


@login_required
@require_POST
@not_found_as_404
def campaign_run(request, pk):
    _need(request, Capability.MANAGE_SURVEYS)
    item = selectors.get_campaign_for(request.user, pk)
    try:
        sent = sending.run_campaign(item, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)s surveys sent.") % {"n": sent})
    return redirect("surveys:campaign", item.pk)


@login_required
def report(request):
    _need(request, Capability.VIEW_SATISFACTION)
    today = timezone.localdate()
    data = (
        request.GET if request.GET else {"date_from": today - timedelta(days=29), "date_to": today, "group_by": "site"}
    )
    form = CsatForm(data, sites=sites_for(request.user))
    result, status = None, 200
    if form.is_valid():
        d = form.cleaned_data
        try:
            result = selectors.csat_report(
                request.user,
                date_from=d["date_from"],
                date_to=d["date_to"],
                group_by=d["group_by"],
                site_id=d["site"].pk if d["site"] else None,
            )
        except ServiceError as exc:
            add_service_error(form, exc)
            status = exc.status
    else:
        status = 400
    return render(request, "surveys/report.html", {"form": form, "report": result}, status=status)


# ---- the public page ----

_PUBLIC_TEMPLATE = "surveys/public.html"


def _refusal(request, exc: ServiceError):
    response = render(request, "surveys/public_refused.html", {"message": exc.message}, status=exc.status)
    add_never_cache_headers(response)
    return response


@csrf_protect
def public(request, token):
    """The customer's page: no login; any refusal (tampered, unknown, expired, used) is a Chinese page and a 4xx."""
    with translation.override("zh-hans"):
        try:
            item = answers.open_survey(token)
        except ServiceError as exc:
            return _refusal(request, exc)
        errors, values, status = {}, {}, 200
        questions = answers.questions_of(item)
        if request.method == "POST":
            values = {answers.field_name(q): request.POST.getlist(answers.field_name(q)) for q in questions}
            try:
                answers.submit_answers(token, answers=values)
            except ServiceError as exc:
                if exc.error is not SurveyError.ANSWERS_INVALID:
                    return _refusal(request, exc)
                errors, status = exc.fields, exc.status
            else:
                response = render(request, "surveys/public_thanks.html", {"survey": item})
                add_never_cache_headers(response)
                return response
        elif request.method != "GET":
            return _refusal(request, ServiceError(CoreError.INVALID_INPUT))
        rows = [
            {
                "q": q,
                "name": answers.field_name(q),
                "errors": errors.get(answers.field_name(q), []),
                "values": values.get(answers.field_name(q), []),
                "scale": q.kind == QuestionKind.SCALE,
                "single": q.kind == QuestionKind.SINGLE,
                "multiple": q.kind == QuestionKind.MULTIPLE,
                "text": q.kind == QuestionKind.TEXT,
            }
            for q in questions
        ]
        response = render(
            request,
            _PUBLIC_TEMPLATE,
            {"survey": item, "rows": rows, "has_errors": bool(errors), "scale": ["1", "2", "3", "4", "5"]},
            status=status,
        )
        add_never_cache_headers(response)
        return response
