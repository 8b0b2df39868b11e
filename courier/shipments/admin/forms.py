"""Forms of the admin workflow pages; each feeds one service call."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courier.core.admin.workflow import MultipleFileField
from courier.shipments.models import (
    DeliveryException,
    DeskInstruction,
    Order,
    OrderRemark,
    ParcelFollowUp,
    RefundTask,
    ReturnRequest,
    Station,
    TransportGround,
    UnphotographablePart,
)
from courier.shipments.services.modify import MODIFIABLE_FIELDS
from courier.shipments.services.orders import ORDER_INPUT_FIELDS

YES_NO = [(True, _("Yes")), (False, _("No"))]


class OrderIntakeForm(forms.ModelForm):
    """Order intake in the admin; the lines come from the inline, the service does the rest."""

    cod_amount = forms.DecimalField(
        label=_("cash on delivery"), min_value=0, decimal_places=2, initial=0, required=False
    )

    class Meta:
        model = Order
        fields = ["partner", *ORDER_INPUT_FIELDS]

    def clean_required_arrival_at(self):
        value = self.cleaned_data.get("required_arrival_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("The required arrival time is in the past."))
        return value


class MinuteDateTimeField(forms.DateTimeField):
    """A time the page shows to the minute (the Chinese input format has no seconds): an
    untouched value is not a change."""

    def has_changed(self, initial, data):
        try:
            value = self.to_python(data)
        except forms.ValidationError:
            return True
        if initial is None or value is None:
            return (initial is None) != (value is None)
        return initial.replace(second=0, microsecond=0) != value.replace(second=0, microsecond=0)


# The key of ``ModifyForm``'s initial data holding the masked current values (ORG-03) of the
# personal fields a person may not see: shown as the inputs' placeholders, never posted back.
MASKED_CURRENT = "masked_current"


class ModifyForm(forms.Form):
    """SHP-06: starts from the order's current values; only the fields changed are sent to the
    service, and a form with no change is refused ("nothing changed")."""

    recipient_name = forms.CharField(label=_("recipient name"), required=False)
    recipient_phone = forms.CharField(label=_("recipient phone"), required=False)
    recipient_province = forms.CharField(label=_("recipient province"), required=False)
    recipient_city = forms.CharField(label=_("recipient city"), required=False)
    recipient_district = forms.CharField(label=_("recipient district"), required=False)
    recipient_address = forms.CharField(label=_("recipient address"), required=False)
    required_arrival_at = MinuteDateTimeField(label=_("required arrival"), required=False)
    transport_mode = forms.ChoiceField(
        label=_("transport mode"),
        required=False,
        choices=[("", "---------"), *Order._meta.get_field("transport_mode").choices],
    )
    confirmed_via = forms.ChoiceField(
        label=_("confirmed with the customer via"),
        choices=[("", "---------"), *OrderRemark.Via.choices],
        help_text=_("Edit, remark, confirm with the customer, then the printing desk is told."),
    )
    confirmation_note = forms.CharField(label=_("confirmation note"), required=False)

    MODIFIABLE = MODIFIABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial = dict(self.initial)
        for name, masked in (self.initial.pop(MASKED_CURRENT, None) or {}).items():
            self.fields[name].widget.attrs["placeholder"] = masked
            hidden = _("Current value hidden (%(masked)s); type the new one.")
            self.fields[name].help_text = hidden % {"masked": masked}

    def clean(self):
        cleaned = super().clean()
        changed = [
            name
            for name in self.MODIFIABLE
            if name in self.changed_data and cleaned.get(name) not in (None, "")
        ]
        for name in self.MODIFIABLE:
            if name not in changed and name in cleaned:
                cleaned[name] = None  # unchanged: not sent to the service
        if not changed and not any(name in self.errors for name in self.MODIFIABLE):
            raise forms.ValidationError(
                _("Nothing changed: change at least one field."), code="unchanged"
            )
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DeliveryAttemptForm(forms.Form):
    delivered = forms.TypedChoiceField(
        label=_("delivered"), choices=YES_NO, coerce=lambda v: v in (True, "True")
    )
    courier_name = forms.CharField(label=_("courier"), required=False)
    failure_kind = forms.ChoiceField(
        label=_("failure category"),
        required=False,
        choices=[("", "---------"), *DeliveryException.Kind.choices],
    )
    failure_reason = forms.CharField(label=_("failure reason"), required=False)
    signer_name = forms.CharField(label=_("signed by"), required=False)
    packing_intact = forms.NullBooleanField(label=_("outer packing intact"), required=False)
    count_matches = forms.NullBooleanField(label=_("count matches packing list"), required=False)
    appearance_ok = forms.NullBooleanField(label=_("contents' appearance fine"), required=False)
    inspection_note = forms.CharField(label=_("inspection note"), required=False)
    signature = forms.FileField(label=_("signature"), required=False)
    photos = MultipleFileField(label=_("photos"))
    cod_collected = forms.DecimalField(label=_("COD collected"), required=False, min_value=0)


class AuthorisationForm(forms.Form):
    authorised_name = forms.CharField(label=_("authorised recipient"))
    authorised_phone = forms.CharField(label=_("authorised recipient phone"), required=False)
    merchant_contact = forms.CharField(label=_("authorised by (merchant contact)"))


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("category"), choices=DeliveryException.Kind.choices)
    cause = forms.CharField(label=_("cause"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("photos"))
    amount = forms.DecimalField(label=_("claim / compensation amount"), required=False, min_value=0)


class StationInboundForm(forms.Form):
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.all())
    intact = forms.BooleanField(label=_("parcel intact"), required=False)
    weight_kg = forms.DecimalField(label=_("weight (kg)"), min_value=0)
    label_ok = forms.BooleanField(label=_("label attached"), required=False, initial=True)
    shelf_location = forms.CharField(label=_("shelf location"))
    source = forms.CharField(label=_("source"))
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, initial=1)


class StationOutboundForm(forms.Form):
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.all())
    weight_kg = forms.DecimalField(label=_("weight (kg)"), min_value=0)
    destination = forms.CharField(label=_("destination"))


class CounterPickupForm(forms.Form):
    station = forms.ModelChoiceField(label=_("station"), queryset=Station.objects.all())
    picker_name = forms.CharField(label=_("collected by"))
    id_number = forms.CharField(label=_("ID number"), help_text=_("Stored masked."))
    id_checked = forms.BooleanField(label=_("ID checked"), required=False)
    signature = forms.FileField(label=_("signature"), required=False)
    cod_collected = forms.DecimalField(label=_("COD collected"), required=False, min_value=0)


class RecallForm(forms.Form):
    reason = forms.CharField(label=_("reason"))
    courier_name = forms.CharField(label=_("courier who signed part one"))


class DeskInstructionForm(forms.Form):
    desk = forms.ChoiceField(label=_("desk"), choices=DeskInstruction.Desk.choices)
    text = forms.CharField(label=_("instruction"), widget=forms.Textarea(attrs={"rows": 3}))
    urgent = forms.BooleanField(label=_("urgent"), required=False)
    signed_name = forms.CharField(label=_("signed name"), required=False)
    signed_on = forms.DateField(label=_("signed date"), required=False)


class ReturnRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ReturnRequest.Kind.choices)
    reason = forms.CharField(label=_("reason"))
    quality_problem = forms.BooleanField(label=_("quality problem claimed"), required=False)
    customer_ref = forms.CharField(label=_("customer ID"), required=False)
    contact_name = forms.CharField(label=_("contact name"), required=False)
    contact_phone = forms.CharField(label=_("contact phone"), required=False)
    wanted_item = forms.CharField(label=_("wanted item"), required=False)
    photos = MultipleFileField(label=_("photos"))


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label=_("done feedback"), widget=forms.Textarea(attrs={"rows": 3}))


class TextForm(forms.Form):
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 3}))


class AmountForm(forms.Form):
    amount = forms.DecimalField(label=_("amount"), min_value=0, decimal_places=2)


class ReturnWaybillForm(forms.Form):
    return_waybill_number = forms.CharField(label=_("return waybill number"))
    freight_prepaid = forms.DecimalField(label=_("return freight prepaid"), min_value=0, initial=0)


class InspectionForm(forms.Form):
    intact = forms.BooleanField(label=_("goods intact"), required=False)
    box_complete = forms.BooleanField(label=_("box complete"), required=False)
    resaleable = forms.BooleanField(label=_("resaleable"), required=False)


class ReceivedForm(forms.Form):
    received_name = forms.CharField(label=_("original parcel received — name"))
    received_on = forms.DateField(
        label=_("original parcel received — date"), initial=timezone.localdate
    )


class PhotoWaiverForm(forms.Form):
    """RET-02 / A4: a defect that cannot be photographed."""

    part = forms.ChoiceField(
        label=_("defect that cannot be photographed"), choices=UnphotographablePart.choices
    )
    reason = forms.CharField(label=_("why no photo"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpNoteForm(forms.Form):
    text = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3}))
    customer_contacted = forms.BooleanField(label=_("customer contacted"), required=False)


class ForwardingForm(forms.Form):
    forwarding_waybill_number = forms.CharField(label=_("forwarding waybill number"))
    forwarded_ok = forms.NullBooleanField(label=_("forwarding succeeded"))
    arrived_safely = forms.NullBooleanField(label=_("arrived safely"))


class ResendForm(forms.Form):
    returned = forms.BooleanField(label=_("parcel is back"), required=False)
    resend_waybill_number = forms.CharField(label=_("re-send waybill number"), required=False)


class FollowUpCloseForm(forms.Form):
    outcome = forms.CharField(label=_("outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(
        label=_("decision (return without a card)"),
        choices=[("", "---"), *ParcelFollowUp.Decision.choices],
        required=False,
    )


class CustomerConfirmationForm(forms.Form):
    """SHP-06/SHP-13: how the customer confirmed (recorded with who and when)."""

    confirmed_via = forms.ChoiceField(
        label=_("confirmed with the customer via"), choices=OrderRemark.Via.choices
    )
    note = forms.CharField(label=_("confirmation note"), required=False)


class SpecialRequestForm(forms.Form):
    """SHP-13: courier, invoice title, greeting card text, delivery time slot, other."""

    request_kind = forms.ChoiceField(label=_("request"), choices=OrderRemark.RequestKind.choices)
    text = forms.CharField(
        label=_("what the customer asked for"),
        help_text=_("The invoice title, the card's text, the time window or the courier."),
    )
    confirmed_via = forms.ChoiceField(
        label=_("confirmed with the customer via"),
        required=False,
        choices=[("", _("not yet confirmed")), *OrderRemark.Via.choices],
    )
    note = forms.CharField(label=_("confirmation note"), required=False)


class LineModifyForm(forms.Form):
    """SHP-06: a goods line's attributes after payment; only the fields filled in change."""

    line = forms.IntegerField(label=_("goods line (1 = first)"), min_value=1, initial=1)
    size = forms.CharField(label=_("size"), required=False)
    colour = forms.CharField(label=_("colour"), required=False)
    specification = forms.CharField(label=_("specification"), required=False)
    quantity = forms.IntegerField(label=_("quantity"), required=False, min_value=1)
    confirmed_via = forms.ChoiceField(
        label=_("confirmed with the customer via"),
        choices=[("", "---------"), *OrderRemark.Via.choices],
    )
    confirmation_note = forms.CharField(label=_("confirmation note"), required=False)


class StockConfirmForm(forms.Form):
    in_stock = forms.TypedChoiceField(
        label=_("in stock"), choices=YES_NO, coerce=lambda v: v in (True, "True")
    )
    note = forms.CharField(label=_("note"), required=False)


class TransportChoiceForm(forms.Form):
    """SHP-05: the mode and its ground (cost, time, safety, customer's requirement)."""

    mode = forms.ChoiceField(
        label=_("transport mode"), choices=Order._meta.get_field("transport_mode").choices
    )
    ground = forms.ChoiceField(label=_("ground"), choices=TransportGround.choices)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("retrieved papers / goods"), choices=RefundTask.Disposition.choices
    )
