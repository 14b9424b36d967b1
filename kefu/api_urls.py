"""API routes, mounted at /api/: the versioned REST API, its OpenAPI schema and the docs pages (local assets)."""

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from kefu.accounts import api as accounts_api
from kefu.core import inbox_api
from kefu.core.api import not_found_view
from kefu.customers import api as customers_api
from kefu.sla import api as sla_api
from kefu.tickets import api as tickets_api


class IdConverter:
    """Row ids: at most 18 digits, so no id in a path can overflow a 64-bit column."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

# Type workflows and customer care: each app owns its routes under /api/v1/<app>/.
DOMAIN_APPS = ("complaints", "suggestions", "repairs", "aftersales", "lostfound", "followups", "surveys")

wo = tickets_api
work_order_actions = [
    ("accept", wo.AcceptView),
    ("start", wo.StartView),
    ("wait-customer", wo.WaitCustomerView),
    ("resume", wo.ResumeView),
    ("resolve", wo.ResolveView),
    ("close", wo.CloseView),
    ("reopen", wo.ReopenView),
    ("cancel", wo.CancelView),
    ("assign", wo.AssignView),
    ("transfer", wo.TransferView),
    ("reply", wo.ReplyView),
    ("notes", wo.NoteView),
    ("priority", wo.PriorityView),
    ("attachments", wo.AttachmentUploadView),
    ("promise", sla_api.PromiseView),
    ("escalate", sla_api.EscalateView),
    ("clocks", sla_api.WorkOrderClocksView),
]

sla = [
    path("report/", sla_api.ReportView.as_view(), name="api-sla-report"),
    path("breaches/", sla_api.BreachListView.as_view(), name="api-sla-breaches"),
    path("sites/<id:pk>/calendar/", sla_api.SiteCalendarView.as_view(), name="api-sla-site-calendar"),
    path("sites/<id:pk>/overrides/", sla_api.CalendarOverrideView.as_view(), name="api-sla-site-overrides"),
    path("holiday-years/", sla_api.HolidayYearListView.as_view(), name="api-sla-holiday-years"),
    path("policies/", sla_api.PolicyListView.as_view(), name="api-sla-policies"),
    path("policies/<id:pk>/", sla_api.PolicyDetailView.as_view(), name="api-sla-policy"),
    path("policies/<id:pk>/history/", sla_api.PolicyHistoryView.as_view(), name="api-sla-policy-history"),
    path("calendar-warnings/", sla_api.CalendarWarningsView.as_view(), name="api-sla-calendar-warnings"),
]

v1 = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("sites/", accounts_api.SiteListView.as_view(), name="api-sites"),
    path("departments/", accounts_api.DepartmentListView.as_view(), name="api-departments"),
    path("shops/", accounts_api.ShopListView.as_view(), name="api-shops"),
    path("staff/", accounts_api.StaffListView.as_view(), name="api-staff"),
    path("customers/", customers_api.CustomerListView.as_view(), name="api-customers"),
    path("customers/lookup/", customers_api.CustomerLookupView.as_view(), name="api-customer-lookup"),
    path("customers/<id:pk>/", customers_api.CustomerDetailView.as_view(), name="api-customer"),
    path("customers/<id:pk>/phones/", customers_api.CustomerPhoneAddView.as_view(), name="api-customer-phones"),
    path("customers/phones/<id:pk>/reveal/", customers_api.PhoneRevealView.as_view(), name="api-phone-reveal"),
    # Archive second cut: credit rating, enterprise contacts, qualification documents, export.
    path("customers/", include("kefu.customers.api_urls")),
    path("work-orders/", wo.WorkOrderListView.as_view(), name="api-work-orders"),
    path("work-orders/<id:pk>/", wo.WorkOrderDetailView.as_view(), name="api-work-order"),
    *[
        path(f"work-orders/<id:pk>/{slug}/", view.as_view(), name=f"api-work-order-{slug}")
        for slug, view in work_order_actions
    ],
    path("attachments/<id:pk>/download/", wo.AttachmentDownloadView.as_view(), name="api-attachment-download"),
    path("calls/", sla_api.CallCreateView.as_view(), name="api-calls"),
    path("notifications/", inbox_api.NotificationListView.as_view(), name="api-notifications"),
    path("notifications/unread-count/", inbox_api.UnreadCountView.as_view(), name="api-notifications-unread"),
    path("notifications/mark-read/", inbox_api.MarkReadView.as_view(), name="api-notifications-mark-read"),
    path("sla/", include(sla)),
    *[path(f"{app}/", include(f"kefu.{app}.api_urls")) for app in DOMAIN_APPS],
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI only: drf-spectacular's ReDoc page pulls web fonts from a CDN, which an intranet cannot reach.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ answers a JSON 404 rather than the site's HTML page.
    re_path(r"^.*$", not_found_view),
]
