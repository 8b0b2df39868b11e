from django.urls import path

from staffing.views import staff as views
from staffing.views import supervisor as views_supervisor

app_name = "staffing"

urlpatterns = [
    path("", views.RosterView.as_view(), name="roster"),
    path("swaps/new/", views.SwapCreateView.as_view(), name="swap_new"),
    path("swaps/<int:pk>/answer/", views.SwapAnswerView.as_view(), name="swap_answer"),
    path("swaps/<int:pk>/cancel/", views.SwapCancelView.as_view(), name="swap_cancel"),
    path("leave/new/", views.LeaveCreateView.as_view(), name="leave_new"),
    path("leave/<int:pk>/answer/", views.LeaveAnswerView.as_view(), name="leave_answer"),
    path("leave/<int:pk>/cancel/", views.LeaveCancelView.as_view(), name="leave_cancel"),
    path("corrections/new/", views.CorrectionCreateView.as_view(), name="correction_new"),
    path("handover/new/", views.HandoverCreateView.as_view(), name="handover_new"),
    path(
        "handover/<int:pk>/acknowledge/",
        views.HandoverAcknowledgeView.as_view(),
        name="handover_ack",
    ),
    path("punch/", views.PunchView.as_view(), name="punch"),
    path("chat/breach/", views_supervisor.ChatBreachView.as_view(), name="chat_breach"),
    path("chat/offline/", views_supervisor.ChatOfflineView.as_view(), name="chat_offline"),
    path("approvals/", views_supervisor.ApprovalsView.as_view(), name="approvals"),
    path("approvals/<str:kind>/<int:pk>/", views_supervisor.DecisionView.as_view(), name="decide"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
