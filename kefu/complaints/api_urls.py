"""REST endpoints of the complaints app, mounted at /api/v1/complaints/."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.ComplaintListView.as_view(), name="complaints-api-list"),
    path("<id:pk>/", api.ComplaintDetailView.as_view(), name="complaints-api-detail"),
    path("<id:pk>/office/", api.OfficeView.as_view()),
    path("<id:pk>/on-the-spot/", api.OnTheSpotView.as_view()),
    path("<id:pk>/investigation/", api.InvestigationView.as_view()),
    path("<id:pk>/tasks/", api.TaskCreateView.as_view()),
    path("<id:pk>/proposals/", api.ProposalCreateView.as_view()),
    path("<id:pk>/reply/", api.ReplyView.as_view()),
    path("<id:pk>/answers/", api.AnswerView.as_view()),
    path("<id:pk>/compensations/", api.CompensationView.as_view()),
    path("<id:pk>/close/", api.CloseView.as_view()),
    path("<id:pk>/close-unresolved/", api.CloseUnresolvedView.as_view()),
    path("proposals/<id:pk>/approve/", api.ProposalApproveView.as_view()),
    path("proposals/<id:pk>/shop-confirm/", api.ProposalShopConfirmView.as_view()),
    path("tasks/", api.TaskListView.as_view(), name="complaints-api-tasks"),
    path("tasks/<id:pk>/", api.TaskDetailView.as_view()),
    path("tasks/<id:pk>/respond/", api.TaskRespondView.as_view()),
    path("tasks/<id:pk>/attachments/", api.TaskAttachmentView.as_view()),
]
