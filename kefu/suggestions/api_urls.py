"""REST endpoints of the suggestions app, mounted at /api/v1/suggestions/."""

from django.urls import path, register_converter

from . import api


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "sug_id")

STEPS = [
    ("classify", api.ClassifyView),
    ("evaluate", api.EvaluateView),
    ("forward", api.ForwardView),
    ("adopt", api.AdoptView),
    ("reject", api.RejectView),
    ("progress", api.ProgressView),
    ("complete", api.CompleteView),
    ("feedback", api.FeedbackView),
    ("close", api.CloseView),
]

urlpatterns = [
    path("", api.SuggestionListView.as_view(), name="api-suggestions"),
    path("statistics/", api.StatisticsView.as_view(), name="api-suggestion-statistics"),
    path("categories/", api.CategoryListView.as_view(), name="api-suggestion-categories"),
    path("<sug_id:pk>/", api.SuggestionDetailView.as_view(), name="api-suggestion"),
    *[path(f"<sug_id:pk>/{slug}/", view.as_view(), name=f"api-suggestion-{slug}") for slug, view in STEPS],
    path("inquiries/", api.InquiryCreateView.as_view(), name="api-inquiries"),
    path("inquiries/<sug_id:pk>/answer/", api.AnswerView.as_view(), name="api-inquiry-answer"),
    path("inquiries/<sug_id:pk>/park/", api.ParkView.as_view(), name="api-inquiry-park"),
    path("inquiries/<sug_id:pk>/transfer/", api.TransferView.as_view(), name="api-inquiry-transfer"),
]
