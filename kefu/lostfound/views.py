"""Lost & found pages: register/search list, item detail (custody chain, claim, disposal), lost-person report.

Thin: parse the form, call one service or selector, render. A ServiceError becomes its Chinese message on the
page; rows of other sites are a 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.accounts.selectors import sites_for
from kefu.core.errors import ServiceError
from kefu.core.views import add_service_error, not_found_as_404

from . import disposal_services, forms, person_services, selectors, services
from .models import DECISIONS_WITH_RECIPIENT, ItemStatus
from .permissions import can_dispose, can_handle_items, can_reveal
from .policy import unclaimed_days

LIST_LIMIT = 100


def _desk(request):
    if not can_handle_items(request.user):
        raise PermissionDenied


def _sites(actor):
    return [(s.id, s.name) for s in sites_for(actor)]


# ---- list, search, register ----


@login_required
def item_list(request, *, register_form=None, policy_form=None, status=200):
    _desk(request)
    actor = request.user
    search = forms.SearchForm(request.GET or None)
    q, state = "", ""
    if search.is_valid():
        q, state = search.cleaned_data["q"], search.cleaned_data["status"]
    rows = list(selectors.search_items(actor, q, status=state)[: LIST_LIMIT + 1])
    sites = _sites(actor)
    context = {
        "search": search,
        "rows": rows[:LIST_LIMIT],
        "more": len(rows) > LIST_LIMIT,
        "q": q,
        "register_form": register_form or forms.RegisterForm(sites=sites, initial={"received_by": actor.name}),
        "can_dispose": can_dispose(actor),
        "policies": [(name, unclaimed_days(site_id)) for site_id, name in sites],
        "lost_persons": list(selectors.lost_persons_for(actor)[:5]),
    }
    if context["can_dispose"]:
        context["policy_form"] = policy_form or forms.PolicyForm(sites=sites)
    return render(request, "lostfound/list.html", context, status=status)


@login_required
@require_POST
def register(request):
    _desk(request)
    actor = request.user
    form = forms.RegisterForm(request.POST, request.FILES, sites=_sites(actor))
    if form.is_valid():
        d = form.cleaned_data
        try:
            item = services.register_found_item(
                actor=actor,
                site_id=d["site"],
                what=d["what"],
                category=d["category"],
                description=d["description"],
                found_place=d["found_place"],
                found_at=d["found_at"],
                finder_name=d["finder_name"],
                finder_contact=d["finder_contact"],
                received_by=d["received_by"],
                storage_place=d["storage_place"],
                photo=d["photo"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Found item %(number)s registered.") % {"number": item.number})
            return redirect("lostfound:detail", pk=item.pk)
    return item_list(request, register_form=form, status=400)


@login_required
@require_POST
def policy(request):
    _desk(request)
    form = forms.PolicyForm(request.POST, sites=_sites(request.user))
    if form.is_valid():
        try:
            disposal_services.set_unclaimed_days(
                actor=request.user, site_id=form.cleaned_data["site"], days=form.cleaned_data["days"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Disposal deadline saved."))
            return redirect("lostfound:list")
    return item_list(request, policy_form=form, status=400)


# ---- item detail and its actions ----


@dataclass(frozen=True)
class ItemAction:
    label: str
    form: type
    done: str
    style: str = ""


ITEM_ACTIONS = {
    "handover": ItemAction(_("Hand over"), forms.HandoverForm, _("Handover recorded.")),
    "claim": ItemAction(_("Claim"), forms.ClaimForm, _("Item handed to its owner."), "primary"),
    "photo": ItemAction(_("Add photo"), forms.PhotoForm, _("Photo added.")),
    "link": ItemAction(_("Match to a loss report"), forms.LinkForm, _("Matched to the loss report.")),
    "dispose": ItemAction(_("Record disposal decision"), forms.DisposeForm, _("Disposal decision recorded."), "danger"),
    "reveal": ItemAction(_("Show full contact"), forms.RevealForm, ""),
}


EVENT_TITLES = {
    "item_registered": _("Registered"),
    "custody_handed_over": _("Handed over"),
    "photo_added": _("Photo added"),
    "item_linked_to_order": _("Matched to a loss report"),
    "finder_contact_revealed": _("Finder's full contact shown"),
    "item_claimed": _("Claimed by the owner"),
    "item_flagged_for_disposal": _("Flagged for disposal"),
    "item_disposal_decided": _("Disposal decided"),
}


def _available(actor, item) -> list[str]:
    names = []
    if item.is_open:
        names += ["handover", "claim", "photo", "link"]
        if item.status == ItemStatus.FLAGGED and can_dispose(actor):
            names.append("dispose")
    if item.finder_contact and can_reveal(actor):
        names.append("reveal")
    return names


def _form(name, item, actor, data=None, files=None):
    spec = ITEM_ACTIONS[name]
    if name == "link":
        orders = [(o.pk, f"{o.number} {o.subject}") for o in selectors.open_loss_reports(actor, item.site_id)[:50]]
        return spec.form(data, orders=orders)
    initial = {}
    if name == "handover":
        initial = {"from_holder": item.current_holder, "place": item.storage_place or ""}
    return spec.form(data, files, initial=initial) if data is not None else spec.form(initial=initial)


@login_required
@not_found_as_404
def detail(request, pk, *, failed=None, revealed=None, status=200):
    _desk(request)
    actor = request.user
    item = selectors.get_item_for(actor, pk)
    names = _available(actor, item)
    action_forms = {name: _form(name, item, actor) for name in names}
    if failed:
        action_forms[failed[0]] = failed[1]
    return render(
        request,
        "lostfound/detail.html",
        {
            "item": item,
            "chain": list(selectors.custody_chain(item)),
            "photos": list(item.photos.all()),
            "claim": selectors.claim_of(item),
            "disposals": list(item.disposals.select_related("decided_by")),
            "history": [(e, EVENT_TITLES.get(e.event_type, e.event_type)) for e in selectors.history_for_item(item)],
            "actions": [(name, ITEM_ACTIONS[name], action_forms[name]) for name in names],
            "open_action": failed[0] if failed else None,
            "revealed": revealed,
            "recipient_decisions": sorted(DECISIONS_WITH_RECIPIENT),
        },
        status=status,
    )


def _run(name, item, actor, d):
    if name == "handover":
        return services.hand_over_item(
            item,
            actor=actor,
            from_holder=d["from_holder"],
            to_holder=d["to_holder"],
            place=d["place"],
            storage_place=d["storage_place"] or None,
            note=d["note"],
        )
    if name == "claim":
        return services.claim_item(
            item,
            actor=actor,
            claimant_name=d["claimant_name"],
            claimant_phone=d["claimant_phone"],
            id_type=d["id_type"],
            id_number=d["id_number"],
            identity_checked=d["identity_checked"],
            signature_name=d["signature_name"],
            proof=d["proof"],
            signature_png=d["signature_data"],
        )
    if name == "photo":
        return services.add_item_photo(item, actor=actor, uploaded=d["photo"])
    if name == "link":
        return services.link_item_to_loss_report(item, actor=actor, work_order_id=d["work_order"])
    if name == "dispose":
        return disposal_services.decide_disposal(
            item, actor=actor, decision=d["decision"], reason=d["reason"], recipient=d["recipient"]
        )
    if name == "reveal":
        return services.reveal_finder_contact(item, actor=actor, reason=d["reason"])
    raise Http404


@login_required
@require_POST
@not_found_as_404
def item_action(request, pk, action):
    _desk(request)
    if action not in ITEM_ACTIONS:
        raise Http404
    actor = request.user
    item = selectors.get_item_for(actor, pk)
    form = _form(action, item, actor, request.POST, request.FILES)
    if form.is_valid():
        try:
            result = _run(action, item, actor, form.cleaned_data)
        except ServiceError as exc:
            if exc.status == 404:
                raise
            add_service_error(form, exc)
            messages.error(request, exc.message)
        else:
            if action == "reveal":
                return detail(request, pk, revealed=result)
            messages.success(request, ITEM_ACTIONS[action].done)
            return redirect("lostfound:detail", pk=item.pk)
    return detail(request, pk, failed=(action, form), status=400)


def _file_response(fieldfile, *, content_type, filename=None):
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@not_found_as_404
def photo(request, pk):
    row = selectors.get_photo_for(request.user, pk)
    return _file_response(row.file, content_type=row.content_type)


@login_required
@not_found_as_404
def signature(request, pk):
    claim = selectors.get_claim_for(request.user, pk)
    if not claim.signature_image:
        raise Http404
    return _file_response(claim.signature_image, content_type="image/png")


# ---- lost persons ----


@login_required
def lost_person_new(request):
    _desk(request)
    actor = request.user
    sites = _sites(actor)
    form = forms.LostPersonForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = person_services.report_lost_person(
                actor=actor,
                site_id=d["site"],
                reporter_name=d["reporter_name"],
                reporter_phone=d["reporter_phone"],
                companion_relation=d["companion_relation"],
                person_name=d["person_name"],
                gender=d["gender"],
                age=d["age"],
                appearance=d["appearance"],
                last_seen_place=d["last_seen_place"],
                last_seen_at=d["last_seen_at"],
            )
        except ServiceError as exc:
            add_service_error(form, exc, rename={"reporter_phone": "reporter_phone"})
        else:
            messages.success(
                request, _("Lost-person report %(number)s opened as urgent.") % {"number": report.work_order.number}
            )
            return redirect("tickets:detail", pk=report.work_order_id)
    return render(
        request, "lostfound/lost_person_new.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
@not_found_as_404
def lost_person_action(request, pk, action):
    _desk(request)
    actor = request.user
    report = selectors.get_lost_person_for(actor, pk)
    form_class = {"broadcast": forms.BroadcastForm, "found": forms.FoundForm}.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if action == "broadcast":
                person_services.record_broadcast(
                    report, actor=actor, body=d["text"], channel=d["channel"], broadcast_at=d["broadcast_at"]
                )
                messages.success(request, _("Broadcast recorded."))
            else:
                person_services.record_person_found(
                    report,
                    actor=actor,
                    outcome=d["outcome"],
                    handed_to=d["handed_to"],
                    found_place=d["found_place"],
                    found_at=d["found_at"],
                    note=d["note"],
                )
                messages.success(request, _("Outcome recorded; the work order is resolved."))
        except ServiceError as exc:
            if exc.status == 404:
                raise
            messages.error(request, "；".join([exc.message, *[m for ms in exc.fields.values() for m in ms]]))
    else:
        messages.error(request, "；".join(str(m) for ms in form.errors.values() for m in ms))
    return redirect("tickets:detail", pk=report.work_order_id)


@login_required
@require_POST
@not_found_as_404
def link_from_order(request, pk):
    """The loss-report panel on the work-order page: match one of the site's unclaimed items to this order."""
    _desk(request)
    actor = request.user
    form = forms.LinkItemForm(request.POST, items=[(i, i) for i in request.POST.getlist("item")])
    if form.is_valid():
        item = selectors.get_item_for(actor, form.cleaned_data["item"])
        try:
            services.link_item_to_loss_report(item, actor=actor, work_order_id=pk)
            messages.success(request, _("Matched to the loss report."))
        except ServiceError as exc:
            if exc.status == 404:
                raise
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Choose a found item."))
    return redirect("tickets:detail", pk=pk)
