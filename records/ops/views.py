"""The alerts page (issue 21 §3): which WeCom and DingTalk groups hear which alerts, a test
message, removal with a pause, and the delivery log. Rules: access/policy (ALERT_CHANNELS);
the work: records/ops/chat.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from access import policy
from access.http import AuthenticatedHttpRequest
from access.policy import Capability
from core.forms import posted
from core.refusals import Refused
from records.ops import chat
from records.ops.forms import ChannelForm
from records.ops.models import ChatChannel, OutboxMessage

LOG_ROWS = 50


@sensitive_post_parameters("address", "secret")
@never_cache
@require_http_methods(["GET", "POST"])
def robots_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require_can(request.user, Capability.ALERT_CHANNELS)
    form = ChannelForm(posted(request), initial={"kind": ChatChannel.Kind.DINGTALK})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            channel = chat.connect(
                request.user, name=data["name"], kind=data["kind"], address=data["address"],
                secret=data["secret"], topics=data["topics"],
            )  # fmt: skip
        except Refused as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                _("%(name)s is connected. Send a test message to check that the group receives it.")
                % {"name": channel.name},
            )  # fmt: skip
            return redirect("records:robots")
    channels = [(channel, chat.topic_labels(channel)) for channel in chat.active()]
    log = OutboxMessage.objects.filter(channel__isnull=False).select_related("channel")
    context = {
        "form": form,
        "channels": channels,
        "log": [
            (row, chat.topic_label(row.topic)) for row in log.order_by("-created_at")[:LOG_ROWS]
        ],
    }
    return render(request, "records/ops/robots.html", context, status=400 if form.is_bound else 200)


@require_POST
def robot_test_view(request: AuthenticatedHttpRequest, robot_id: int) -> HttpResponse:
    policy.require_can(request.user, Capability.ALERT_CHANNELS)
    channel = get_object_or_404(ChatChannel, pk=robot_id, removed_at__isnull=True)
    chat.send_test(request.user, channel)
    messages.success(
        request,
        _("A test message to %(name)s is on its way; its delivery appears in the log below.")
        % {"name": channel.name},
    )
    return redirect("records:robots")


@never_cache
@require_http_methods(["GET", "POST"])
def robot_remove_view(request: AuthenticatedHttpRequest, robot_id: int) -> HttpResponse:
    """Removing asks first: the group stops hearing the alerts at once."""
    policy.require_can(request.user, Capability.ALERT_CHANNELS)
    channel = get_object_or_404(ChatChannel, pk=robot_id, removed_at__isnull=True)
    if request.method == "POST":
        chat.disconnect(request.user, channel)
        messages.success(request, _("%(name)s was removed.") % {"name": channel.name})
        return redirect("records:robots")
    waiting = OutboxMessage.objects.filter(
        channel=channel, sent_at__isnull=True, gave_up_at__isnull=True
    ).count()
    topics = chat.topic_labels(channel)
    return render(
        request,
        "records/ops/robot_remove.html",
        {"channel": channel, "waiting": waiting, "topics": topics},
    )
