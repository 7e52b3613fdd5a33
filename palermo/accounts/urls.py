from django.urls import path

from . import manage_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("login/setup-2fa/", views.setup_2fa_view, name="setup_2fa"),
    path("logout/", views.logout_view, name="logout"),
    path("institution/", views.switch_institution, name="switch_institution"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "profile/recovery-codes/",
        views.recovery_codes_regenerate,
        name="recovery_codes",
    ),
    path("users/", manage_views.user_list, name="users"),
    path("users/new/", manage_views.user_create, name="user_create"),
    path("users/<int:pk>/", manage_views.user_detail, name="user_detail"),
    path("users/<int:pk>/reset-2fa/", manage_views.user_reset_2fa, name="user_reset_2fa"),
]
