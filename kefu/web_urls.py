"""Server-rendered web UI. URL names are a contract: other modules, tests and the README rely on them."""

from django.urls import include, path
from django.views.generic import RedirectView

from kefu.accounts import views as account_views
from kefu.core import inbox
from kefu.customers import archive_views
from kefu.customers import views as customer_views
from kefu.sla import views as sla_views
from kefu.tickets import views as ticket_views

tickets = (
    [
        path("work-orders/", ticket_views.queue, name="queue"),
        # Served by the SLA app: the quick-create page plus the call register (order and call saved together).
        path("work-orders/new/", sla_views.quick_create, name="create"),
        path("work-orders/attachments/<int:pk>/", ticket_views.attachment, name="attachment"),
        path("work-orders/<int:pk>/", ticket_views.detail, name="detail"),
        path("work-orders/<int:pk>/<slug:action>/", ticket_views.act, name="action"),
        path("work-orders/<int:pk>/<slug:action>/form/", ticket_views.action_form, name="action_form"),
        path("dashboard/", ticket_views.dashboard, name="dashboard"),
    ],
    "tickets",
)

customers = (
    [
        path("", customer_views.customer_list, name="list"),
        path("lookup/", customer_views.lookup, name="lookup"),
        path("phones/<int:pk>/reveal/", customer_views.reveal_phone, name="reveal_phone"),
        path("<int:pk>/", customer_views.customer_detail, name="detail"),
        # Archive second cut (credit, enterprise contacts, qualification documents, export): kefu/customers/archive_views.py
        path("<int:pk>/credit/", archive_views.rate_credit, name="rate_credit"),
        path("<int:pk>/contacts/", archive_views.add_contact, name="add_contact"),
        path("contacts/<int:pk>/remove/", archive_views.remove_contact, name="remove_contact"),
        path("<int:pk>/documents/", archive_views.add_document, name="add_document"),
        path("documents/<int:pk>/", archive_views.document, name="document"),
        path("export/", archive_views.export, name="export"),
    ],
    "customers",
)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tickets:queue", permanent=False), name="home"),
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("customers/", include(customers)),
    path("sla/", include("kefu.sla.urls")),
    path("inbox/", include(inbox.urls)),
    path("complaints/", include("kefu.complaints.urls")),
    path("suggestions/", include("kefu.suggestions.urls")),
    path("repairs/", include("kefu.repairs.urls")),
    path("aftersales/", include("kefu.aftersales.urls")),
    path("lostfound/", include("kefu.lostfound.urls")),
    path("followups/", include("kefu.followups.urls")),
    # Public survey pages (signed one-time links, no login) live under /s/ inside the surveys app's urls.
    path("surveys/", include("kefu.surveys.urls")),
    path("", include(tickets)),
]
