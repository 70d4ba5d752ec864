from django.urls import path

from . import caseform_views, file_views, letter_views, library_views, presenter_views, views

app_name = "cases"

urlpatterns = [
    path("cases/", views.my_cases, name="mine"),
    path("cases/review/", views.review_list, name="review"),
    path("cases/new/", presenter_views.case_present, name="present"),
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="edit"),
    path("cases/<int:pk>/submit/", views.case_submit, name="submit"),
    path("cases/<int:pk>/withdraw/", presenter_views.case_withdraw, name="withdraw"),
    path("cases/<int:pk>/follow-up/", presenter_views.case_follow_up, name="follow_up"),
    path("cases/<int:pk>/recommendations/", views.case_recommendations, name="recommendations"),
    path("cases/<int:pk>/letter.pdf", file_views.case_letter, name="letter"),
    path("cases/<int:pk>/attachments/<int:attachment_pk>/", file_views.case_attachment, name="attachment"),
    path("cases/<int:pk>/assign/", views.case_assign, name="assign"),
    path("cases/<int:pk>/return/", views.case_return, name="return"),
    path("cases/<int:pk>/identifiers/accept/", views.case_accept_overrides, name="accept_overrides"),
    path("cases/<int:pk>/presented/", views.case_mark_presented, name="mark_presented"),
    path("cases/<int:pk>/finalize/", letter_views.letter_finalize, name="finalize"),
    path("programs/<slug:slug>/cases/new/", views.case_create, name="create"),
    path("programs/<slug:slug>/sessions/<int:pk>/cases/", views.session_agenda, name="session_agenda"),
    path("manage/<slug:slug>/cases/", views.queue, name="queue"),
    path("manage/<slug:slug>/case-form/", caseform_views.case_form_editor, name="form_editor"),
    path("manage/<slug:slug>/cases/<int:pk>/letter/retry/", letter_views.letter_retry, name="letter_retry"),
]

urlpatterns += [
    path("library/", library_views.library_index, name="library_index"),
    path("programs/<slug:slug>/library/", library_views.library_search, name="library"),
    path("programs/<slug:slug>/library/<int:pk>/", library_views.library_case, name="library_case"),
    path("cases/<int:pk>/tags/", library_views.case_tags, name="tags"),
    path("cases/<int:pk>/library-sharing/", library_views.case_library_sharing, name="library_sharing"),
    path("cases/<int:pk>/library-screening/", library_views.case_library_screen, name="library_screen"),
]
