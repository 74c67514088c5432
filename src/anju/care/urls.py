from django.urls import path

from anju.care import views

app_name = "care"
urlpatterns = [
    path("", views.index, name="index"),
    path("roll-up/", views.roll_up, name="rollup"),
    path("parties/<int:pk>/", views.party, name="party"),
    path("parties/<int:pk>/reveal/<str:field>/", views.reveal, name="reveal_party"),
    path("plans/<int:pk>/", views.plan, name="plan"),
]
