from django.urls import path

from access.views import account, agreement, reviews, signin

app_name = "access"

urlpatterns = [
    path("login/", signin.login_view, name="login"),
    path("logout/", signin.logout_view, name="logout"),
    path("otp/verify/", signin.otp_verify_view, name="otp_verify"),
    path("otp/setup/", signin.otp_setup_view, name="otp_setup"),
    path("agreement/", agreement.agreement_view, name="agreement"),
    path("security/", account.security_view, name="security"),
    path("security/confirm/", account.reauth_view, name="reauth"),
    path("security/password/", account.password_change_view, name="password_change"),
    path("security/backup-codes/", account.backup_codes_view, name="backup_codes"),
    # The yearly access review (R72): heads and management confirm or revoke roles and grants.
    path("reviews/", reviews.reviews_view, name="reviews"),
    path("reviews/items/<int:item_id>/", reviews.decide_view, name="review_decide"),
    path("reviews/<int:campaign_id>/", reviews.campaign_view, name="review_campaign"),
    path("reviews/<int:campaign_id>/close/", reviews.close_view, name="review_close"),
]
