from django.urls import path

from . import views

app_name = "nrm"

urlpatterns = [
    path("cases/<uuid:pk>/to/<slug:to_state>/", views.transition, name="transition"),
    path("cases/<uuid:pk>/referrals/new/", views.referral_new, name="referral_new"),
    path("cases/<uuid:pk>/consents/new/", views.consent_new, name="consent_new"),
    path("cases/<uuid:pk>/tracks/", views.track_new, name="track_new"),
    path("cases/<uuid:pk>/best-interests/", views.best_interests_new, name="best_interests_new"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:pk>/<slug:action>/", views.referral_action, name="referral_action"),
    path("settings/", views.settings_page, name="settings"),
    path("oversight/", views.oversight, name="oversight"),
]
