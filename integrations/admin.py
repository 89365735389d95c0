"""Integrators and their keys in the admin (district staff).

- Integrators are made and changed through integrations/services.py: a jurisdiction within the
  user's own and a scope whose rights the user holds.
- A key is shown once, on the page that makes it (never stored, never in a message or a log);
  the lists show only its first characters, when it was last used, and whether it is revoked.
- DRF's own token admin, which showed every user's key in clear, is removed.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework.authtoken.models import TokenProxy

from communities.models import Community, District, Subdistrict
from properties.models import PropertyFirm

from . import services, webhooks
from .models import ApiKey, Integrator, Webhook, WebhookDelivery, WebhookEvent

try:
    admin.site.unregister(TokenProxy)
except admin.sites.NotRegistered:
    pass

def _date(moment):
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


JURISDICTION_FIELDS = {"district": District, "subdistrict": Subdistrict, "community": Community, "firm": PropertyFirm}


class IntegratorForm(forms.ModelForm):
    is_active = forms.BooleanField(label=pgettext_lazy("switched on", "active"), required=False, initial=True,
                                   help_text=_("Off: every key of this integrator stops working."))

    class Meta:
        model = Integrator
        fields = ["name", "contact", "scope"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk:
            self.fields["is_active"].initial = self.instance.user.is_active
            return
        del self.fields["is_active"]
        for name, model in JURISDICTION_FIELDS.items():
            self.fields[name] = forms.ModelChoiceField(
                model._default_manager.visible_to(request.user), required=False,
                label=model._meta.verbose_name, help_text=_("Fill in exactly one of the four."))

    def jurisdiction(self):
        return next(self.cleaned_data[name] for name in JURISDICTION_FIELDS if self.cleaned_data.get(name))

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            jurisdiction = self.instance.user.staff_profile.jurisdiction
        else:
            chosen = [name for name in JURISDICTION_FIELDS if data.get(name)]
            if len(chosen) != 1:
                raise ValidationError(_("Choose exactly one jurisdiction: a district, a subdistrict, a community "
                                        "or a property firm."))
            jurisdiction = data[chosen[0]]
        if data.get("scope"):
            try:
                services.check_power(self.request.user, scope=data["scope"], jurisdiction=jurisdiction)
            except PermissionDenied as exc:
                raise ValidationError(str(exc)) from None
        return data


@admin.register(Integrator)
class IntegratorAdmin(admin.ModelAdmin):
    form = IntegratorForm
    list_display = ["name", "scope", "jurisdiction", "active", "created_at"]
    list_filter = ["scope"]
    search_fields = ["name", "contact"]
    readonly_fields = ["account", "jurisdiction", "created_by", "created_at", "keys"]
    change_form_template = "admin/integrations/integrator/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related(
            "user__staff_profile__district", "user__staff_profile__subdistrict",
            "user__staff_profile__community", "user__staff_profile__firm",
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "contact", "scope", *JURISDICTION_FIELDS]
        return ["name", "contact", "scope", "is_active", "jurisdiction", "account", "created_by", "created_at", "keys"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = ["name", "contact", "scope"]
        form_class = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return RequestForm

    @admin.display(description=_("API keys"))
    def keys(self, obj):
        """Each key by its first characters (the rest is not kept), with its use and state."""
        rows = [
            (key.prefix, key.name or "—", _date(key.created_at), _date(key.last_used_at) or _("never used"),
             _("revoked %(when)s") % {"when": _date(key.revoked_at)} if key.revoked_at else _("in use"))
            for key in obj.user.api_keys.all()
        ]
        if not rows:
            return _("No key yet: use “New API key” above.")
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li><code>{}…</code> {} · {} · {} · {}</li>", rows))

    @admin.display(description=_("jurisdiction"))
    def jurisdiction(self, obj):
        return obj.user.staff_profile.jurisdiction

    @admin.display(description=_("account"))
    def account(self, obj):
        return obj.user.username

    @admin.display(description=pgettext_lazy("switched on", "active"), boolean=True)
    def active(self, obj):
        return obj.user.is_active

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.integrator_update(actor=request.user, integrator=obj, name=data["name"], contact=data["contact"],
                                       scope=data["scope"], is_active=data["is_active"])
            return
        created = services.integrator_create(actor=request.user, name=data["name"], contact=data["contact"],
                                             scope=data["scope"], jurisdiction=form.jurisdiction())
        obj.pk, obj.user, obj.created_at, obj.updated_at = created.pk, created.user, created.created_at, created.updated_at

    def get_urls(self):
        return [
            path("<path:object_id>/new-key/", self.admin_site.admin_view(self.new_key_view),
                 name="integrations_integrator_new_key"),
            *super().get_urls(),
        ]

    def new_key_view(self, request, object_id):
        """GET: a form naming the key; POST: make it and show it, once."""
        integrator = self.get_object(request, unquote(object_id))
        if integrator is None:
            return HttpResponseRedirect(reverse("admin:integrations_integrator_changelist"))
        if not self.has_change_permission(request, integrator):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": integrator,
            "title": _("New API key for %(name)s") % {"name": integrator.name},
            "change_url": reverse("admin:integrations_integrator_change", args=[integrator.pk]),
        }
        if request.method == "POST":
            _row, context["key"] = services.api_key_create(actor=request.user, user=integrator.user,
                                                           name=request.POST.get("name", ""))
        response = TemplateResponse(request, "admin/integrations/integrator/new_key.html", context)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username", "user__integrator__name"]
    fields = ["prefix", "user", "name", "created_at", "created_by", "expires_at", "last_used_at", "revoked_at",
              "revoked_by"]
    readonly_fields = fields
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related("user")

    def has_add_permission(self, request):
        return False  # keys are made on an integrator's page (staff: POST /api/v1/auth/token/)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked keys stay, as the record of who made and revoked them

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        for key in queryset:
            services.api_key_revoke(actor=request.user, api_key=key)
        self.message_user(request, _("%(count)d keys revoked; they no longer work.") % {"count": len(queryset)},
                          messages.SUCCESS)


# ---------------------------------------------------------------------------
# Webhooks and their delivery log
# ---------------------------------------------------------------------------
class WebhookForm(forms.ModelForm):
    events = forms.MultipleChoiceField(label=_("events"), choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Webhook
        fields = ["integrator", "url", "events", "is_active"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["integrator", "url", "event_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "integrator__name"]
    list_select_related = ["integrator"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        # The secret is shown to the staff who manage the webhook, to pass on to the integrator.
        return ["integrator", "secret", "created_at"] if obj else []

    def get_fields(self, request, obj=None):
        return ["integrator", "url", "events", "is_active", *(["secret", "created_at"] if obj else [])]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "integrator":
            kwargs["queryset"] = Integrator.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("events"))
    def event_list(self, obj):
        labels = dict(WebhookEvent.choices)
        return ", ".join(str(labels.get(event, event)) for event in obj.events)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            webhooks.webhook_update(actor=request.user, webhook=obj, url=data["url"], events=data["events"],
                                    is_active=data["is_active"])
            return
        created = webhooks.webhook_create(actor=request.user, integrator=data["integrator"], url=data["url"],
                                          events=data["events"], is_active=data["is_active"])
        obj.pk, obj.secret, obj.created_at, obj.updated_at = created.pk, created.secret, created.created_at, created.updated_at


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "webhook", "status", "attempts", "last_status_code", "delivered_at"]
    list_filter = ["status", "event"]
    search_fields = ["webhook__url", "webhook__integrator__name", "event_id"]
    list_select_related = ["webhook__integrator"]
    fields = ["webhook", "event", "event_id", "delivery_id", "status", "attempts", "last_status_code", "last_error",
              "created_at", "last_attempt_at", "delivered_at", "replay_of", "payload"]
    readonly_fields = fields
    actions = ["replay"]
    change_form_template = "admin/integrations/webhookdelivery/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False  # deliveries come from events

    def has_delete_permission(self, request, obj=None):
        return False  # the log stays

    @admin.action(description=_("Replay the selected deliveries"), permissions=["change"])
    def replay(self, request, queryset):
        for delivery in queryset.select_related("webhook__integrator"):
            webhooks.webhook_delivery_replay(actor=request.user, delivery=delivery)
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": len(queryset)}, messages.SUCCESS)

    def get_urls(self):
        return [
            path("<path:object_id>/replay/", self.admin_site.admin_view(self.replay_view),
                 name="integrations_webhookdelivery_replay"),
            *super().get_urls(),
        ]

    def replay_view(self, request, object_id):
        """POST: send this delivery's event again (a new delivery in the log)."""
        delivery = self.get_object(request, unquote(object_id))
        if delivery is None or request.method != "POST":
            return HttpResponseRedirect(reverse("admin:integrations_webhookdelivery_changelist"))
        if not self.has_change_permission(request, delivery):
            raise PermissionDenied
        replay = webhooks.webhook_delivery_replay(actor=request.user, delivery=delivery)
        self.message_user(request, _("Queued again as a new delivery."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:integrations_webhookdelivery_change", args=[replay.pk]))
