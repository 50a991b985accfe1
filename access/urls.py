from django.urls import path

from access.views import account, agreement, enrolment, passkeys, reviews, signin, training

app_name = "access"

urlpatterns = [
    path("login/", signin.login_view, name="login"),
    path("logout/", signin.logout_view, name="logout"),
    path("otp/verify/", signin.otp_verify_view, name="otp_verify"),
    path("otp/setup/", signin.otp_setup_view, name="otp_setup"),
    path("agreement/", agreement.agreement_view, name="agreement"),
    # One-time links: the person sets their own password, then enrols (issue 17 §4, §20).
    path("enrol/<str:token>/", enrolment.enrol_view, name="enrol"),
    path("people/<int:user_id>/enrolment/", enrolment.issue_view, name="enrolment_issue"),
    path("enrolment/approvals/", enrolment.approvals_view, name="enrolment_approvals"),
    path(
        "enrolment/approvals/<int:link_id>/approve/",
        enrolment.approve_view,
        name="enrolment_approve",
    ),
    path("security/", account.security_view, name="security"),
    path("security/confirm/", account.reauth_view, name="reauth"),
    path("security/password/", account.password_change_view, name="password_change"),
    path("security/backup-codes/", account.backup_codes_view, name="backup_codes"),
    path("security/passkeys/", passkeys.passkeys_view, name="passkeys"),
    path("security/passkeys/<int:passkey_id>/rename/", passkeys.rename_view, name="passkey_rename"),
    path("security/passkeys/<int:passkey_id>/remove/", passkeys.remove_view, name="passkey_remove"),
    path("passkeys/add/begin/", passkeys.RegisterBegin.as_view(), name="passkey_add_begin"),
    path(
        "passkeys/add/complete/", passkeys.RegisterComplete.as_view(), name="passkey_add_complete"
    ),
    path("passkeys/verify/begin/", passkeys.VerifyBegin.as_view(), name="passkey_verify_begin"),
    path(
        "passkeys/verify/complete/",
        passkeys.VerifyComplete.as_view(),
        name="passkey_verify_complete",
    ),
    # The yearly access review (R72): heads and management confirm or revoke roles and grants.
    path("reviews/", reviews.reviews_view, name="reviews"),
    path("reviews/items/<int:item_id>/", reviews.decide_view, name="review_decide"),
    path("reviews/<int:campaign_id>/", reviews.campaign_view, name="review_campaign"),
    path("reviews/<int:campaign_id>/close/", reviews.close_view, name="review_close"),
    # The confidentiality training register (R80).
    path("training/", training.training_view, name="training"),
    path("training/<int:session_id>/", training.session_view, name="training_session"),
]
