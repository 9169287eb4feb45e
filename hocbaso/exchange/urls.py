from django.urls import path

from hocbaso.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.history, name="history"),
    path("batches/<str:batch_id>/resend/", views.resend, name="resend"),
    path("procedures/", views.procedure, name="procedure"),
]
