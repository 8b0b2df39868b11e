"""The admin workflow kit: every transition button of every admin calls its service here.

A ``ModelAdmin`` with ``ServiceActionsMixin`` lists ``service_actions``; each becomes a button on
the change page and a URL ``<id>/<service_action_path>/<name>/`` (the pattern of
``UserAdmin.get_urls``). What the kit does for every action, so no admin class has to:

- offers the button only when the domain allows it now (``service_actions_available``, a
  service/selector predicate naming the allowed actions, and the action's own ``available``)
  and the person may press it (view permission, plus ``permission``);
- on the action's URL checks the view permission (403, or 404 with ``deny_as_not_found``) and
  the action's permission again, whatever the page showed;
- shows the action's form (reason and inputs) or, with ``confirm``, a confirmation page;
- with ``irreversible`` (lost, void, reject...) always shows a page whose required "this cannot
  be undone" box must be ticked: a POST without it shows the page again and runs nothing (plain
  HTML, no script needed);
- with ``transition`` offers the button only while the model's FSM transition may run now for
  this person (its source states, conditions and permission: django-fsm's
  ``get_available_user_<field>_transitions``);
- calls ``run`` (one service call) in a transaction: a refusal saves nothing and is shown as a
  message, or as per-field errors on the form when the error names fields;
- on success writes one admin log entry (``log_change``: "<label>: <reason>") and a message.

``ServiceErrorsAsMessages`` covers the other place admins call services, ``save_model``: a
service's refusal there is a message, and the admin's transaction saves nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from courier.core.errors import ApplicationError, PermissionRefused


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


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


# (obj, user) -> bool, the shape of a domain predicate
Predicate = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class ServiceAction:
    """One workflow button.

    ``run(request, obj, data)`` calls exactly one service and may return the success message.
    ``permission`` is who may press it, checked before the service is called: ``"change"`` (the
    model's change permission, the default, also in an admin whose form is read-only),
    ``"edit"`` (whoever this admin lets edit the object: its ``has_change_permission``),
    ``"view"`` (the service itself decides who may, and its refusal is shown),
    ``("add", OtherModel)`` (an action that creates an ``OtherModel``), or a predicate
    ``(obj, user) -> bool``. ``bulk`` also offers a form-less action on the change list.
    ``initial(request, obj)`` gives the form's starting values (the object's current ones).
    ``irreversible`` asks for an explicit confirmation on the action's page (never one click);
    ``transition`` names the model's FSM transition the service runs, so the button is offered
    only while that transition's states, conditions and permission pass.
    """

    label: Any
    run: Callable[[Any, Any, dict], Any]
    form: type[forms.Form] | None = None
    available: Predicate | None = None
    permission: str | tuple | Predicate = "change"
    confirm: bool = False
    initial: Callable[[Any, Any], dict] | None = None
    bulk: bool = False
    style: str = "default"
    irreversible: bool = False
    transition: str | None = None

    @property
    def has_page(self) -> bool:
        return self.form is not None or self.confirm or self.irreversible


CONFIRM_FIELD = "confirm_irreversible"


class IrreversibleConfirmForm(forms.Form):
    """The box an irreversible step's page requires (the form's other fields come first)."""

    confirm_irreversible = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={"required": _("Tick the box to confirm: this step cannot be undone.")},
    )


def action_form_class(act: ServiceAction) -> type[forms.Form] | None:
    """The form the action's page shows: its own, plus the confirmation box when irreversible."""
    if not act.irreversible:
        return act.form
    if act.form is None:
        return IrreversibleConfirmForm
    return type(act.form.__name__, (act.form, IrreversibleConfirmForm), {})


def fsm_transitions_available(obj, user) -> set[str]:
    """The names of the FSM transitions of every state field of ``obj`` that may run now for
    ``user`` (django-fsm's ``get_available_user_<field>_transitions``)."""
    from django_fsm import FSMFieldMixin

    names: set[str] = set()
    for field in obj._meta.concrete_fields:
        if isinstance(field, FSMFieldMixin):
            method = getattr(obj, f"get_available_user_{field.name}_transitions")
            names |= {t.name for t in method(user)}
    return names


def fsm_transition_possible(name: str) -> Predicate:
    """Offered when the model's own FSM transition ``name`` may run now for this person (the
    states and permission live on the model's ``@transition``)."""

    def possible(obj, user) -> bool:
        method = getattr(obj, name)
        return can_proceed(method) and has_transition_perm(method, user)

    return possible


def log_message(act: ServiceAction, data: dict) -> str:
    reason = str(data.get("reason") or "").strip()
    return f"{act.label}: {reason}" if reason else str(act.label)


def error_messages(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or str(_("Not allowed."))


class ServiceErrorsAsMessages:
    """A service's refusal raised from ``save_model``/``save_related`` (create, assign...) is
    shown as a message instead of a server error; Django's ``changeform_view`` runs in a
    transaction, so nothing is saved."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, TransitionNotAllowed) as exc:
            self.message_user(request, error_messages(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ServiceActionsMixin(ServiceErrorsAsMessages):
    service_actions: dict[str, ServiceAction] = {}
    # (obj, user) -> names of the actions the domain allows now; None: each action decides.
    service_actions_available: Callable[[Any, Any], Iterable[str]] | None = None
    service_action_path = "do"
    # Answer 404 instead of 403 to a person who may not view the object.
    deny_as_not_found = False
    # A field whose value the pages send back as ``expected_state`` (a stale click is refused).
    expected_state_field: str | None = None
    change_form_template = "admin/courier/change_form_actions.html"

    # --- URLs and buttons -------------------------------------------------------------------
    def _action_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_service_action"

    def get_urls(self):
        return [
            path(
                f"<path:object_id>/{self.service_action_path}/<str:action>/",
                self.admin_site.admin_view(self.service_action_view),
                name=self._action_url_name(),
            ),
            *super().get_urls(),
        ]

    def has_service_action_permission(self, request, obj, act: ServiceAction) -> bool:
        """Who may press it (the view permission is checked separately, always)."""
        user, perm = request.user, act.permission
        if perm == "view":
            return True
        if perm == "edit":
            return self.has_change_permission(request, obj)
        if callable(perm):
            return bool(perm(obj, user))
        action, opts = ("change", self.opts) if perm == "change" else (perm[0], perm[1]._meta)
        return user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")

    def actions_available(self, request, obj) -> list[tuple[str, ServiceAction]]:
        if obj is None or not self.has_view_permission(request, obj):
            return []
        allowed = None
        if self.service_actions_available is not None:
            allowed = set(type(self).service_actions_available(obj, request.user))
        transitions = None
        if any(act.transition for act in self.service_actions.values()):
            transitions = fsm_transitions_available(obj, request.user)
        return [
            (name, act)
            for name, act in self.service_actions.items()
            if (allowed is None or name in allowed)
            and (act.transition is None or act.transition in transitions)
            and (act.available is None or act.available(obj, request.user))
            and self.has_service_action_permission(request, obj, act)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {**(extra_context or {})}
        extra_context["service_actions"] = [
            {
                "name": name,
                "label": act.label,
                "has_page": act.has_page,
                "style": act.style,
                "url": reverse(f"admin:{self._action_url_name()}", args=[object_id, name]),
            }
            for name, act in self.actions_available(request, obj)
        ]
        extra_context["expected_state"] = self._expected_state(obj)
        if obj is not None and self.change_page_read_only(request, obj):
            # Nothing on the page can be saved: no save buttons, the steps are the buttons.
            extra_context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def change_page_read_only(self, request, obj) -> bool:
        """Every field of the object's change page is read-only (its steps are buttons)."""
        fields = set(flatten_fieldsets(self.get_fieldsets(request, obj)))
        return fields <= set(self.get_readonly_fields(request, obj))

    def response_add(self, request, obj, post_url_continue=None):
        """Django says "You may edit it again below" after "Save and continue editing"; an
        object whose change page is read-only is not edited there, so say what it offers."""
        if "_continue" in request.POST and self.change_page_read_only(request, obj):
            self.message_user(
                request,
                _(
                    "The %(name)s “%(obj)s” was added. Its details can no longer be edited "
                    "here; the buttons above take the next steps."
                )
                % {"name": self.opts.verbose_name, "obj": obj},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            )
        return super().response_add(request, obj, post_url_continue)

    def _expected_state(self, obj):
        if obj is None or self.expected_state_field is None:
            return None
        return getattr(obj, self.expected_state_field)

    # --- the action's URL -------------------------------------------------------------------
    def service_action_view(self, request, object_id, action):
        act = self.service_actions.get(action)
        obj = self.get_object(request, object_id)
        if act is None or obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            if self.deny_as_not_found:
                raise Http404
            raise PermissionDenied
        if not self.has_service_action_permission(request, obj, act):
            raise PermissionDenied
        form = None
        form_class = action_form_class(act)
        if form_class is not None:
            initial = act.initial(request, obj) if act.initial else None
            posted = request.method == "POST"  # bound even when empty: a bare POST is refused
            form = form_class(
                request.POST if posted else None,
                request.FILES if posted else None,
                initial=initial,
            )
            if request.method != "POST" or not form.is_valid():
                return self._action_page(request, obj, act, form)
        elif request.method != "POST":
            if act.confirm:
                return self._action_page(request, obj, act, None)
            return HttpResponseNotAllowed(["POST"])
        data = dict(form.cleaned_data) if form is not None else {}
        data.pop(CONFIRM_FIELD, None)
        if self.expected_state_field is not None:
            data["expected_state"] = request.POST.get("expected_state") or None
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        refusal = self._run(request, obj, act, data)
        if refusal is None:
            return HttpResponseRedirect(change_url)
        if form is not None and isinstance(refusal, ValidationError) and self._fields_of(refusal):
            by_field = getattr(refusal, "error_dict", None) or {None: refusal.messages}
            for name, errors in by_field.items():
                form.add_error(name if name in form.fields else None, errors)
            return self._action_page(request, obj, act, form)
        self.message_user(request, error_messages(refusal), messages.ERROR)
        return HttpResponseRedirect(change_url)

    @staticmethod
    def _fields_of(exc: ValidationError) -> bool:
        """Per-field errors for the form: a plain ValidationError always (as Django's forms
        do), an application error only when it names fields."""
        return hasattr(exc, "error_dict") or not isinstance(exc, ApplicationError)

    def _run(self, request, obj, act: ServiceAction, data: dict):
        """Run the service and write the log entry in one transaction; return the refusal, or
        None after success (the success message is shown)."""
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                message = act.run(request, obj, data)
                self.log_change(request, obj, log_message(act, data))
        except (ValidationError, TransitionNotAllowed, PermissionDenied) as exc:
            return exc
        if not isinstance(message, str | Promise):  # a service's return value is not a message
            message = _("Done: %(step)s") % {"step": act.label}
        self.message_user(request, message, messages.SUCCESS)
        return None

    def _action_page(self, request, obj, act, form):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"{act.label}: {obj}",
            "form": form,
            "action_label": act.label,
            "irreversible": act.irreversible,
            "expected_state": self._expected_state(obj),
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            ),
            "media": self.media + (form.media if form is not None else forms.Media()),
        }
        return TemplateResponse(request, "admin/courier/service_action.html", context)

    # --- the same actions on the change list ------------------------------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for name, act in self.service_actions.items():
            if act.bulk and act.form is None and not act.irreversible:
                actions[name] = (self._bulk(name, act), name, act.label)
        return actions

    def _bulk(self, name: str, act: ServiceAction):
        def run_each(modeladmin, request, queryset):
            for obj in queryset:
                if self.has_view_permission(request, obj) and self.has_service_action_permission(
                    request, obj, act
                ):
                    refusal = self._run(request, obj, act, {})
                else:
                    refusal = PermissionRefused()
                if refusal is not None:
                    self.message_user(request, f"{obj}: {error_messages(refusal)}", messages.ERROR)

        run_each.__name__ = name
        return run_each
