from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from .api import api
from .feeds import MunicipalityDecisionsFeed
from .sitemaps import SITEMAPS
from .views import (
    documents,
    health,
    meetings,
    members,
    notices,
    plans,
    public,
    search,
    signing,
    start,
    tokens,
    votes,
)
from .views import proposals as views

admin.site.site_header = "Raadsvoorstel"
admin.site.site_title = "Raadsvoorstel"
admin.site.index_title = "Beheer"

# Dutch, small, and naming the request's id (views/errors.py).
handler500 = "raadsvoorstel.views.errors.server_error"

urlpatterns = [
    path("", start.start, name="start"),
    # For a load balancer: 200 or 503 with what is wrong (views/health.py).
    path("gezond/", health.health, name="health"),
    path("zoeken/", search.search_page, name="search"),
    path("inloggen/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("voorstellen/", views.proposal_list, name="proposal_list"),
    path("voorstellen/nieuw/", views.proposal_create, name="proposal_create"),
    path("voorstellen/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("voorstellen/<int:pk>/bewerken/", views.proposal_edit, name="proposal_edit"),
    path("voorstellen/<int:pk>/samenvoegen/", views.proposal_merge, name="proposal_merge"),
    path("voorstellen/<int:pk>/geschiedenis/", views.proposal_history, name="proposal_history"),
    path("voorstellen/<int:pk>/stap/<slug:name>/", views.proposal_transition, name="proposal_transition"),
    path("voorstellen/<int:pk>/bijlagen/", views.attachment_add, name="attachment_add"),
    path(
        "voorstellen/<int:pk>/bijlagen/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "voorstellen/<int:pk>/bijlagen/<int:attachment_pk>/verwijderen/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("voorstellen/<int:pk>/ondertekenen/", signing.proposal_sign, name="proposal_sign"),
    path("raadsleden/", members.member_list, name="member_list"),
    path("raadsleden/<int:pk>/", members.member_edit, name="member_edit"),
    path("vergaderingen/", meetings.meeting_list, name="meeting_list"),
    path("vergaderingen/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("vergaderingen/<int:pk>/presentielijst/", meetings.meeting_attendance, name="meeting_attendance"),
    path("vergaderingen/<int:pk>/komst-en-vertrek/", meetings.meeting_presence, name="meeting_presence"),
    path("vergaderingen/<int:pk>/sluiten/", meetings.meeting_close, name="meeting_close"),
    path(
        "vergaderingen/<int:pk>/correctie/",
        meetings.meeting_correct_attendance,
        name="meeting_correct_attendance",
    ),
    path("vergaderingen/<int:pk>/agenda/", meetings.meeting_agenda, name="meeting_agenda"),
    path(
        "vergaderingen/<int:pk>/agenda/publiceren/",
        meetings.meeting_publish_agenda,
        name="meeting_publish_agenda",
    ),
    path("vergaderingen/<int:pk>/besluitenlijst/", meetings.besluitenlijst, name="besluitenlijst"),
    path("vergaderingen/<int:pk>/besluitenlijst.pdf", meetings.besluitenlijst_pdf, name="besluitenlijst_pdf"),
    path("vergaderingen/<int:pk>/punten/<int:item_pk>/", votes.item_detail, name="item_detail"),
    path(
        "vergaderingen/<int:pk>/punten/<int:item_pk>/stemming-nu/",
        votes.item_vote_panel,
        name="item_vote_panel",
    ),
    path(
        "vergaderingen/<int:pk>/punten/<int:item_pk>/amendement/", votes.item_amendment, name="item_amendment"
    ),
    path("vergaderingen/<int:pk>/punten/<int:item_pk>/motie/", votes.item_motion, name="item_motion"),
    path(
        "vergaderingen/<int:pk>/punten/<int:item_pk>/stemming/", votes.item_start_vote, name="item_start_vote"
    ),
    path(
        "vergaderingen/<int:pk>/punten/<int:item_pk>/stemming/<int:vote_pk>/sluiten/",
        votes.item_close_vote,
        name="item_close_vote",
    ),
    path(
        "vergaderingen/<int:pk>/punten/<int:item_pk>/stemming/<int:vote_pk>/intrekken/",
        votes.item_withdraw_vote,
        name="item_withdraw_vote",
    ),
    path(
        "vergaderingen/<int:pk>/punten/<int:item_pk>/stemming/<int:vote_pk>/lid/<int:member_pk>/",
        votes.item_ballot,
        name="item_ballot",
    ),
    path(
        "vergaderingen/<int:pk>/punten/<int:item_pk>/stemming/<int:vote_pk>/correctie/",
        votes.item_correct_ballot,
        name="item_correct_ballot",
    ),
    path("vergaderingen/<int:pk>/punten/<int:item_pk>/aanhouden/", votes.item_postpone, name="item_postpone"),
    path("stemmen/", votes.my_votes, name="my_votes"),
    path("voorstellen/<int:pk>/raadsbesluit.pdf", documents.raadsbesluit_pdf, name="raadsbesluit_pdf"),
    path("voorstellen/<int:pk>/raadsvoorstel.pdf", documents.raadsvoorstel_pdf, name="raadsvoorstel_pdf"),
    path("voorstellen/<int:pk>/raadsbesluit-getekend.pdf", documents.paper_scan, name="paper_scan"),
    path("voorstellen/<int:pk>/antwoord/", plans.answer_record, name="answer_record"),
    path("voorstellen/<int:pk>/antwoordbrief.pdf", plans.answer_letter, name="answer_letter"),
    path("meldingen/", notices.notice_list, name="notice_list"),
    path("meldingen/e-mail/", notices.notice_mail_preference, name="notice_mail_preference"),
    path("api-sleutels/", tokens.token_list, name="token_list"),
    path("api-sleutels/<int:pk>/intrekken/", tokens.token_revoke, name="token_revoke"),
    path("api/v1/", api.urls),
    path("plannen/", plans.plan_list, name="plan_list"),
    path("plannen/nieuw/", plans.plan_create, name="plan_create"),
    path("plannen/<slug:code>/", plans.plan_detail, name="plan_detail"),
    path("plannen/<slug:code>/bewerken/", plans.plan_edit, name="plan_edit"),
    path("plannen/<slug:code>/versturen/", plans.plan_send, name="plan_send"),
    path("plannen/<slug:code>/intrekken/", plans.plan_withdraw, name="plan_withdraw"),
    path("plannen/<slug:code>/vaststellen/", plans.plan_adopt, name="plan_adopt"),
    path("plannen/<slug:code>/overzicht.csv", plans.plan_report, name="plan_report"),
    path("plannen/<slug:code>/plan.pdf", plans.plan_document, name="plan_document"),
    path("plannen/<slug:code>/vastgesteld.pdf", plans.adopted_document, name="adopted_document"),
    path("plannen/<slug:code>/bundel/", plans.bundle_request, name="bundle_request"),
    path("plannen/<slug:code>/bundel/<int:pk>/", plans.bundle_progress, name="bundle_progress"),
    path("plannen/<slug:code>/bundel/<int:pk>.pdf", plans.bundle_pdf, name="bundle_pdf"),
    path("controle/", documents.archive_check, name="archive_check"),
    # The public side: no login. A number may contain "/" (2012/0815), hence <path:number>;
    # the feed and the PDF end without a slash, so they never read as a number.
    path("gemeenten/", public.municipality_list, name="public_municipalities"),
    path("gemeenten/<str:code>/besluiten/", public.decision_list, name="public_decisions"),
    path("gemeenten/<str:code>/besluiten.atom", MunicipalityDecisionsFeed(), name="public_decisions_feed"),
    path(
        "gemeenten/<str:code>/besluiten/<path:number>/raadsbesluit.pdf",
        documents.public_raadsbesluit_pdf,
        name="public_raadsbesluit_pdf",
    ),
    path("gemeenten/<str:code>/besluiten/<path:number>/", public.decision_detail, name="public_decision"),
    path("plannen/<slug:code>/openbaar/", public.plan_detail, name="public_plan"),
    path("plannen/<slug:code>/openbaar/plan.pdf", public.plan_document, name="public_plan_document"),
    path("plannen/<slug:code>/openbaar/vastgesteld.pdf", public.adopted_document, name="public_adopted"),
    path("sitemap.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", admin.site.urls),
]
