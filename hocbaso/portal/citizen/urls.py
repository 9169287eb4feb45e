from django.urls import path

from hocbaso.portal.citizen import privacy_views, views

app_name = "citizen"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/failed/", views.login_failed, name="login_failed"),
    path("oidc/start/", views.StartLogin.as_view(), name="oidc_start"),
    path("oidc/callback/", views.Callback.as_view(), name="oidc_callback"),
    path("transcripts/<int:pk>/", views.transcript_page, name="transcript"),
    path("transcripts/<int:pk>/soft-copy/", views.soft_copy, name="soft_copy"),
    path("transcripts/<int:pk>/share/", views.share_new, name="share_new"),
    path("shares/<int:pk>/", views.share_detail, name="share"),
    path("shares/<int:pk>/revoke/", views.share_revoke, name="share_revoke"),
    path("share/", views.share_read, name="share_read"),
    path("consent/", privacy_views.consent_decide, name="consent"),
    path("students/<int:pk>/data/", privacy_views.data_download, name="data"),
    path(
        "records/<int:pk>/correction/",
        privacy_views.correction_ask,
        name="correction_ask",
    ),
]
