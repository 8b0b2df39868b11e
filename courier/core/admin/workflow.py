"""Admin workflow buttons that call services (the pattern of ``UserAdmin.get_urls``).

A ``ModelAdmin`` lists ``service_actions``; each becomes a button on the change page and a URL
``<id>/do/<name>/``. An action without a form runs on POST; one with a form shows it first.
Service errors come back as form errors (ValidationError) or a message (state conflicts,
permissions); nothing is saved unless the service succeeds.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


@dataclass
class ServiceAction:
    label: Any
    run: Any  # (request, obj, cleaned_data) -> message or None
    form: type[forms.Form] | None = None
    available: Any = None  # (request, obj) -> bool
    style: str = "default"
    extra: dict = field(default_factory=dict)


class ServiceActionsMixin:
    service_actions: dict[str, ServiceAction] = {}
    change_form_template = "admin/courier/change_form_actions.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/do/<str:action>/",
                self.admin_site.admin_view(self.service_action_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_service_action",
            ),
            *super().get_urls(),
        ]

    def actions_available(self, request, obj) -> list[tuple[str, ServiceAction]]:
        if obj is None:
            return []
        return [
            (name, act)
            for name, act in self.service_actions.items()
            if act.available is None or act.available(request, obj)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        extra_context["service_actions"] = [
            {
                "name": name,
                "label": act.label,
                "has_form": act.form is not None,
                "style": act.style,
                "url": reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_service_action",
                    args=[object_id, name],
                ),
            }
            for name, act in self.actions_available(request, obj)
        ]
        return super().change_view(request, object_id, form_url, extra_context)

    def service_action_view(self, request, object_id, action):
        act = self.service_actions.get(action)
        obj = self.get_object(request, object_id)
        if act is None or obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        form = None
        if act.form is not None:
            form = act.form(request.POST or None, request.FILES or None)
            if request.method != "POST" or not form.is_valid():
                return self._action_page(request, obj, act, form)
        elif request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            message = act.run(request, obj, form.cleaned_data if form else {})
        except ValidationError as exc:
            if form is None:
                self.message_user(request, "; ".join(exc.messages), messages.ERROR)
                return HttpResponseRedirect(change_url)
            for name, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                form.add_error(name if name in form.fields else None, errors)
            return self._action_page(request, obj, act, form)
        except (TransitionNotAllowed, PermissionDenied) as exc:
            self.message_user(request, str(exc) or _("Not allowed."), messages.ERROR)
            return HttpResponseRedirect(change_url)
        self.message_user(request, message or _("Done."), messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def _action_page(self, request, obj, act, form):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{act.label}: {obj}",
            "form": form,
            "action_label": act.label,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/courier/service_action.html", context)
