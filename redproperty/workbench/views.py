"""The shared base of the workbench's pages and its own pages: login, "no jurisdiction",
the community chooser and the home page.

Every page of the workbench is built on `WorkbenchMixin`:
- anonymous users are sent to /workbench/login/; a user with no jurisdiction (no staff
  profile, not a superuser) gets a page saying so (403), never an empty workbench;
- `permission_required` names the model permissions the page needs (the role group's);
- `scoped(Model)` is `Model.objects.visible_to(user)`, narrowed to the community the user
  chose when they cover several: the one place a page gets its records from;
- htmx requests that target `#main` get the content block only (`base_template`).
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from communities.models import Community
from redproperty.scoping import staff_profile_of

from .forms import add_service_errors
from .navigation import menu_for

CHOSEN_COMMUNITY_KEY = "workbench_community"


# ---------------------------------------------------------------------------
# Who may come in
# ---------------------------------------------------------------------------
def has_jurisdiction(user) -> bool:
    return bool(user.is_active and (user.is_superuser or staff_profile_of(user) is not None))


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def htmx_target(request) -> str:
    return request.headers.get("HX-Target", "") if is_htmx(request) else ""


def chosen_community(request):
    """The community the user narrowed the workbench to, or None (all of their jurisdiction).
    Community workers are never asked: their jurisdiction is one community."""
    community_id = request.session.get(CHOSEN_COMMUNITY_KEY)
    if not community_id:
        return None
    if not hasattr(request, "_workbench_community"):
        request._workbench_community = Community.objects.visible_to(request.user).filter(pk=community_id).first()
    return request._workbench_community


def narrow_to_community(queryset, community):
    """`queryset` (a JurisdictionQuerySet) narrowed to one community by its community path."""
    lookup = getattr(queryset, "community_lookup", None)
    if community is None or lookup is None:
        return queryset
    return queryset.filter(**{f"{lookup}__id" if lookup else "id": community.pk})


def page_context(request) -> dict:
    """What the layout needs besides the page: the menu, the chosen community and the choice."""
    profile = staff_profile_of(request.user)
    may_choose = request.user.is_superuser or (profile is not None and profile.role in ("district", "subdistrict"))
    return {
        "menu": menu_for(request),
        "staff_profile": profile,
        "chosen_community": chosen_community(request),
        "may_choose_community": may_choose,
        "base_template": "workbench/_fragment.html" if htmx_target(request) == "main" else "workbench/base.html",
    }


class WorkbenchMixin:
    """Login, jurisdiction and permission checks; the layout's context; scoped querysets."""

    permission_required: tuple[str, ...] = ()
    title = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('workbench:login')}?{urlencode({'next': request.get_full_path()})}")
        if not has_jurisdiction(request.user):
            return render(request, "workbench/no_jurisdiction.html", status=403)
        if self.permission_required and not request.user.has_perms(self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def community(self):
        return chosen_community(self.request)

    def scoped(self, model):
        """`model.objects.visible_to(user)`, narrowed to the chosen community."""
        return narrow_to_community(model.objects.visible_to(self.request.user), self.community)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page_context(self.request))
        context.setdefault("title", self.title)
        return context


class ScopedMixin(WorkbenchMixin):
    """A page about records of `model`: `get_queryset()` is `scoped(model)` plus
    `select_related`/`prefetch_related`; anything else is 404."""

    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()

    def get_queryset(self):
        queryset = self.scoped(self.model)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset


class ScopedListView(ScopedMixin, ListView):
    """A scoped list. An htmx request targeting `fragment_target` gets `fragment_template_name`
    (the rows and pager only), so filters apply without a reload."""

    paginate_by = 25
    fragment_target = ""
    fragment_template_name = ""

    def get_template_names(self):
        if self.fragment_target and htmx_target(self.request) == self.fragment_target:
            return [self.fragment_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


class ScopedDetailView(ScopedMixin, DetailView):
    """One scoped record; out of scope is 404, exactly as a record that does not exist."""


class ServiceFormView(WorkbenchMixin, FormView):
    """A form whose valid data one service call writes.

    Subclasses implement `perform(form)` (calls the service, returns what it wrote) and
    `get_success_url()`; `success_message` is shown after. A ValidationError from the service
    lands on the form; the page comes back with status 400 and nothing saved. Success is a
    redirect (303) for a normal request and an `HX-Location` for htmx, which fetches the next
    page's content into `#main`."""

    success_message = ""
    result = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        message = self.get_success_message(form)
        if message:
            messages.success(self.request, message)
        return redirect_after_post(self.request, self.get_success_url())

    def get_success_message(self, form):
        return self.success_message

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def redirect_after_post(request, url: str):
    """After a successful write: 303 to `url`, or for htmx, fetch it into #main (and push it)."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Location"] = json.dumps({"path": url, "target": "#main"})
        return response
    return HttpResponseRedirect(url, status=303)


# ---------------------------------------------------------------------------
# Login, logout, no jurisdiction, the community chooser
# ---------------------------------------------------------------------------
class LoginView(auth_views.LoginView):
    """Django's LoginView (so the staff lockout covers it), with the workbench's page."""

    template_name = "workbench/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("workbench:home")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "base_template": "workbench/base.html"}


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("workbench:login")


class ChooseCommunityView(WorkbenchMixin, View):
    """POST: narrow the workbench to one community of the user's jurisdiction, or to all
    (empty value). A community out of scope is refused like one that does not exist."""

    def post(self, request):
        value = request.POST.get("community", "")
        if value:
            if not value.isdigit() or not Community.objects.visible_to(request.user).filter(pk=value).exists():
                raise Http404
            request.session[CHOSEN_COMMUNITY_KEY] = int(value)
        else:
            request.session.pop(CHOSEN_COMMUNITY_KEY, None)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("workbench:home")
        return HttpResponseRedirect(target, status=303)

    def get(self, request):
        communities = Community.objects.visible_to(request.user).select_related("subdistrict")
        return render(request, "workbench/choose_community.html", {
            **page_context(request), "communities": communities, "title": _("Choose a community"),
            "next": request.GET.get("next", reverse("workbench:home")),
        })


class HomeView(WorkbenchMixin, TemplateView):
    """My day: what needs doing, each count linking to its filtered list."""

    template_name = "workbench/home.html"
    title = _("My day")

    def get_context_data(self, **kwargs):
        from .home import my_day

        context = super().get_context_data(**kwargs)
        context["day"] = my_day(self.request.user, community=self.community)
        return context
