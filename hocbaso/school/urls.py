from django.urls import path

from hocbaso.school import (
    batch_views,
    book_views,
    correction_views,
    decision_views,
    registry_pages,
    views,
)

app_name = "school"

urlpatterns = [
    path("", views.home, name="home"),
    path("class/<int:pk>/", views.class_page, name="class"),
    path("class/<int:pk>/finalise/", views.finalise, name="finalise"),
    path("class/<int:pk>/subjects/", views.subjects_page, name="subjects"),
    path(
        "year/<int:school_year>/school/<int:school>/",
        views.school_page,
        name="school",
    ),
    path("record/<int:pk>/", views.record_page, name="record"),
    path("class/<int:pk>/markbook/", book_views.mark_book_page, name="markbook"),
    path("class/<int:pk>/decisions/", decision_views.decisions_page, name="decisions"),
    path("record/<int:pk>/revoke/", registry_pages.revoke_page, name="revoke"),
    path(
        "year/<int:school_year>/school/<int:school>/transfers/",
        registry_pages.transfers_page,
        name="transfers",
    ),
    path(
        "year/<int:school_year>/school/<int:school>/transfers/<str:transfer_id>/"
        "<str:step>/",
        registry_pages.transfer_step,
        name="transfer_step",
    ),
    path(
        "year/<int:school_year>/school/<int:school>/signers/",
        book_views.signers_page,
        name="signers",
    ),
    path(
        "record/<int:pk>/correction/",
        correction_views.request_page,
        name="correction_request",
    ),
    path(
        "record/<int:pk>/correction/family/<int:request_id>/decline/",
        correction_views.family_decline,
        name="correction_family_decline",
    ),
    path("corrections/", correction_views.approver_list, name="corrections"),
    path(
        "corrections/<str:public_id>/",
        correction_views.correction_page,
        name="correction",
    ),
    path(
        "corrections/<str:public_id>/decide/",
        correction_views.decide_page,
        name="correction_decide",
    ),
    path(
        "corrections/<str:public_id>/issue/",
        correction_views.issue_page,
        name="correction_issue",
    ),
    path(
        "corrections/<str:public_id>/evidence/",
        correction_views.evidence_download,
        name="correction_evidence",
    ),
    path("batches/", batch_views.batch_create, name="batch_create"),
    path("batches/<str:public_id>/", batch_views.batch_status, name="batch"),
    path("batches/<str:public_id>/next/", batch_views.batch_next, name="batch_next"),
    path(
        "batches/<str:public_id>/certificate/",
        batch_views.batch_certificate,
        name="batch_certificate",
    ),
    path(
        "batches/<str:public_id>/signatures/",
        batch_views.batch_signatures,
        name="batch_signatures",
    ),
    path(
        "batches/<str:public_id>/remote/", batch_views.batch_remote, name="batch_remote"
    ),
    path("batches/<str:public_id>/retry/", batch_views.batch_retry, name="batch_retry"),
]
