"""The residents' portal: report a problem, follow it with its tracking code, rate the result.

No accounts. A visitor's right to see a complaint is kept in their session, per tracking code:
- "full": they filed it in this session, or gave the code and the last 4 digits of its phone;
- "public": the complaint has no phone number and they gave its code: status and public
  timeline only, no description or personal details.
Every write goes through complaints/services.py. Pages showing a report are never cached
(a shared phone's back button or a proxy must not keep them).
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from complaints.models import Channel, Status
from complaints.ratelimit import (
    RateLimited, check_tracking_code, check_tracking_lookup, count_submission_by_phone, count_submission_from,
    count_tracking_failure,
)
from complaints.services import TransitionError, complaint_rate, complaint_reopen, complaint_submit

from .forms import (
    ComplaintForm, RateForm, ReopenForm, TrackForm, normalize_tracking_code, reencode_photos, tail_matches,
)
from .selectors import complaint_for_tracking, handler_name, place_choices

ACCESS_SESSION_KEY = "portal_access"
SUBMITTED_SESSION_KEY = "portal_submitted"
FULL, PUBLIC = "full", "public"
REMEMBERED_CODES = 10

NOT_FOUND = _("We found no report with this tracking code and phone number. Check both and try again.")
REFUSED = _("Your report could not be sent. Please try again later.")


def _grant(request, code: str, level: str) -> None:
    access = dict(request.session.get(ACCESS_SESSION_KEY, {}))
    access.pop(code, None)
    access[code] = level
    request.session[ACCESS_SESSION_KEY] = dict(list(access.items())[-REMEMBERED_CODES:])


def _access(request, code: str) -> str | None:
    return request.session.get(ACCESS_SESSION_KEY, {}).get(code)


def _add_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields, or above the form when it names
    a field the form does not have."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, field_errors)


@require_safe
def home(request):
    return render(request, "portal/home.html")


@require_safe
def place(request):
    """The community and complex lists for the picker's filters (an htmx partial)."""
    return render(request, "portal/_place_lists.html", {"place": place_choices(request.GET)})


@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    """The report form. Refusals (bad input, honeypot, rate limit) save nothing.

    The order keeps a flood cheap: the request counts against the network's limit before the
    form is read; the form checks each photo's size and header only; the phone's limit is
    counted; only then are the photos decoded and re-encoded."""
    status, refusal = 200, None
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES)
        over_limit = None
        if not form.is_robot:
            try:
                count_submission_from(request)
            except RateLimited as exc:
                over_limit = exc
        if form.is_robot:
            # Quietly: the same generic words whatever tripped it, and an empty form.
            form, refusal, status = ComplaintForm(), REFUSED, 400
        elif over_limit is not None:
            # The resident's text comes back; no photo has been opened.
            form = ComplaintForm(request.POST)
            form.add_error(None, over_limit.message)
            status = over_limit.status
        elif not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                if data["reporter_phone"]:
                    count_submission_by_phone(data["reporter_phone"])
                try:
                    photos = reencode_photos(data["photos"])
                except ValidationError as exc:
                    raise ValidationError({"photos": exc.error_list}) from None
                complaint = complaint_submit(
                    complex=data["complex"], category=data["category"], description=data["description"],
                    channel=Channel.PORTAL, location_detail=data["location_detail"],
                    reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"],
                    reporter_email=data["reporter_email"], is_anonymous=data["is_anonymous"],
                    photos=photos,
                )
            except RateLimited as exc:
                form.add_error(None, exc.message)
                status = exc.status
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                _grant(request, complaint.tracking_code, FULL)
                request.session[SUBMITTED_SESSION_KEY] = complaint.tracking_code
                return redirect("portal:submitted")
        params = request.POST
    else:
        form = ComplaintForm()
        params = request.GET
    context = {"form": form, "place": place_choices(params), "refusal": refusal}
    return render(request, "portal/submit.html", context, status=status)


@never_cache
@require_safe
def submitted(request):
    """The tracking code of the report just filed in this session, big and readable."""
    code = request.session.get(SUBMITTED_SESSION_KEY)
    if not code:
        return redirect("portal:home")
    return render(request, "portal/submitted.html", {"code": code})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    """Look a report up by its code and phone tail (POST, so the tail stays out of URLs and logs).
    An unknown code and a wrong tail get the same answer, and count towards locking the code."""
    status = 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        is_valid = form.is_valid()
        code = form.cleaned_data.get("code", "") if is_valid else ""
        try:
            check_tracking_lookup(request)
            if code:
                check_tracking_code(code)
            if is_valid:
                complaint = complaint_for_tracking(code) if code else None
                if complaint is not None and not complaint.reporter_phone:
                    _grant(request, code, PUBLIC if _access(request, code) != FULL else FULL)
                    return redirect("portal:complaint", code=code)
                if complaint is not None and tail_matches(complaint, form.cleaned_data["phone_tail"]):
                    _grant(request, code, FULL)
                    return redirect("portal:complaint", code=code)
                if code:
                    count_tracking_failure(code)
                form.add_error(None, NOT_FOUND)
                status = 404
            else:
                status = 400
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = exc.status
    else:
        form = TrackForm(initial={"code": normalize_tracking_code(request.GET.get("code", ""))})
    return render(request, "portal/track.html", {"form": form}, status=status)


def _complaint_or_lookup(request, code):
    """(complaint, access level) for a code this session may see; otherwise (None, None)."""
    level = _access(request, code)
    if level is None:
        return None, None
    complaint = complaint_for_tracking(code)
    if complaint is None:
        raise Http404
    return complaint, level


def _lookup_redirect(code):
    return redirect(f"{reverse('portal:track')}?{urlencode({'code': code})}")


def _can_give_feedback(complaint) -> bool:
    return complaint.status == Status.RESOLVED and complaint.rating is None


@never_cache
@require_safe
def complaint_detail(request, code):
    """The status page: status, who handles it, expected dates, public timeline; with full
    access also the description and photos; once resolved, the rating and "not fixed" forms."""
    complaint, level = _complaint_or_lookup(request, code)
    if complaint is None:
        return _lookup_redirect(code)
    return _render_detail(request, complaint, level)


def _render_detail(request, complaint, level, *, rate_form=None, reopen_form=None, status=200):
    can_give_feedback = _can_give_feedback(complaint)
    context = {
        "complaint": complaint,
        "is_full": level == FULL,
        "handler_name": handler_name(complaint),
        "events": complaint.public_events,
        "photos": complaint.public_photos if level == FULL else [],
        "can_give_feedback": can_give_feedback,
        "rate_form": rate_form or (RateForm() if can_give_feedback else None),
        "reopen_form": reopen_form or (ReopenForm() if can_give_feedback else None),
    }
    return render(request, "portal/complaint.html", context, status=status)


def _feedback(request, code, form_class, act, success_message, form_name):
    complaint, level = _complaint_or_lookup(request, code)
    if complaint is None:
        return _lookup_redirect(code)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(complaint, form.cleaned_data)
        except TransitionError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("portal:complaint", code=code)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, success_message)
            return redirect("portal:complaint", code=code)
    if not _can_give_feedback(complaint):
        return redirect("portal:complaint", code=code)
    return _render_detail(request, complaint, level, status=400, **{form_name: form})


@require_POST
def rate(request, code):
    """Rate a resolved complaint 1–5 with a comment; once (the service refuses a second time)."""
    return _feedback(
        request, code, RateForm,
        lambda complaint, data: complaint_rate(complaint=complaint, actor=None, rating=data["rating"],
                                               comment=data["comment"]),
        _("Thank you for your rating."), "rate_form",
    )


@require_POST
def reopen(request, code):
    """"Not fixed": reopen a resolved complaint with what is still wrong."""
    return _feedback(
        request, code, ReopenForm,
        lambda complaint, data: complaint_reopen(complaint=complaint, actor=None, note=data["note"]),
        _("Your report is open again. The handler has been told it is not fixed."), "reopen_form",
    )
