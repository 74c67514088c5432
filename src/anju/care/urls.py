from django.urls import path

from anju.care import views, views_referrals

app_name = "care"
urlpatterns = [
    path("", views.index, name="index"),
    path("roll-up/", views.roll_up, name="rollup"),
    path("parties/<int:pk>/", views.party, name="party"),
    path("parties/<int:pk>/reveal/<str:field>/", views.reveal, name="reveal_party"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("referrals/", views_referrals.referral_list, name="referrals"),
    path("referrals/matter/<int:matter_pk>/", views_referrals.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views_referrals.referral_detail, name="referral"),
    *(
        path(
            f"referrals/<int:pk>/{step}/",
            views_referrals.referral_step,
            {"step": step},
            name=f"referral_{step}",
        )
        for step in ("accept", "decline", "outcome", "close")
    ),
    path("referrals/<int:pk>/contact/reveal/", views_referrals.referral_contact, name="referral_contact"),
    path("services/", views_referrals.service_list, name="services"),
    path("services/new/", views_referrals.service_new, name="service_new"),
    path("services/<int:pk>/", views_referrals.service_edit, name="service_edit"),
    path("services/<int:pk>/active/", views_referrals.service_active, name="service_active"),
]
