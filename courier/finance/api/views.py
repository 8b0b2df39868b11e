"""Partner endpoints of the finance domain, on ``courier.core.api.base``.

Scopes: reading quotes, statements and the ledger needs ``finance:read``; confirming or
disputing a statement needs ``finance:write``. Until these scopes existed the endpoints asked for
``shipments:read``/``shipments:write``; migration ``0012_finance_api_scopes`` gave every key
that carried those the matching finance scope, so no existing key lost an operation it had, and
new keys get finance access only when it is asked for.
"""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from courier.core.api.base import (
    PartnerAPIView,
    PartnerListModelMixin,
    PartnerRetrieveModelMixin,
    PartnerScopedViewSet,
)
from courier.finance.api.serializers import (
    ConfirmSerializer,
    DisputeOutSerializer,
    DisputeSerializer,
    LedgerEntrySerializer,
    QuoteRequestSerializer,
    QuoteSerializer,
    StatementDetailSerializer,
    StatementSerializer,
)
from courier.finance.errors import FinanceInvalid
from courier.finance.models import Statement, StatementState
from courier.finance.selectors import (
    ledger_listing,
    statement_detail_queryset,
    statements_listing,
)
from courier.finance.services.fees import fee_quote
from courier.finance.services.statements import (
    statement_confirm,
    statement_dispute,
    statement_line_confirm,
)

SCOPE_READ = "finance:read"
SCOPE_WRITE = "finance:write"


class QuoteView(PartnerAPIView):
    """FIN-01: the fee lines of a parcel under the calling partner's schedule in force (or the
    default one), each with the rule and numbers used. Nothing is stored."""

    required_scopes = {"post": SCOPE_READ}
    write_transaction = False  # reads one query's rows, writes nothing

    @extend_schema(
        request=QuoteRequestSerializer,
        responses={200: QuoteSerializer},
        operation_id="quotes_create",
        tags=["quotes"],
    )
    def post(self, request):
        serializer = QuoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        day = data.pop("date", None)
        data["extras"] = [dict(e) for e in data.get("extras", [])]
        quote = fee_quote(self.partner, data, on=day)
        return Response(QuoteSerializer(quote).data, status=status.HTTP_200_OK)


class StatementFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=StatementState.choices)

    class Meta:
        model = Statement
        fields = ["state"]


def _line(statement: Statement, number: int, field: str = "line"):
    line = statement.lines.filter(number=number).first()
    if line is None:
        raise FinanceInvalid(
            {field: _("Line %(n)d is not on this statement.") % {"n": number}}, code="no_line"
        )
    return line


class StatementViewSet(PartnerListModelMixin, PartnerRetrieveModelMixin, PartnerScopedViewSet):
    """FIN-03: your statements (issued and later); confirm them or lines of them, or dispute a
    line or the whole statement (FIN-04)."""

    partner_field = "partner"
    lookup_field = "number"
    lookup_value_regex = "[A-Za-z0-9_-]{1,64}"
    filterset_class = StatementFilter
    required_scopes = {
        "list": SCOPE_READ,
        "retrieve": SCOPE_READ,
        "confirm": SCOPE_WRITE,
        "dispute": SCOPE_WRITE,
    }

    def get_base_queryset(self):
        if self.action in ("retrieve", "confirm", "dispute"):
            return statement_detail_queryset()
        return statements_listing()

    def get_serializer_class(self):
        return {
            "retrieve": StatementDetailSerializer,
            "confirm": ConfirmSerializer,
            "dispute": DisputeSerializer,
        }.get(self.action, StatementSerializer)

    def _detail(self, statement):
        fresh = statement_detail_queryset().get(pk=statement.pk)
        return StatementDetailSerializer(fresh).data

    @extend_schema(request=ConfirmSerializer, responses={200: StatementDetailSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        statement = self.get_object()  # 404 for another partner's statement
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        numbers = serializer.validated_data.get("lines")
        if numbers is None:
            statement_confirm(statement, user=request.user, partner=self.partner)
        else:
            lines = [_line(statement, n, "lines") for n in numbers]
            for line in lines:
                statement_line_confirm(line, user=request.user, partner=self.partner)
        return Response(self._detail(statement))

    @extend_schema(request=DisputeSerializer, responses={201: DisputeOutSerializer})
    @action(detail=True, methods=["post"])
    def dispute(self, request, number=None):
        statement = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        number_ = data.pop("line", None)
        line = _line(statement, number_) if number_ is not None else None
        dispute = statement_dispute(
            statement, user=request.user, line=line, partner=self.partner, **data
        )
        return Response(DisputeOutSerializer(dispute).data, status=status.HTTP_201_CREATED)


class LedgerViewSet(PartnerListModelMixin, PartnerScopedViewSet):
    """FIN-02: your prepayment ledger: top-ups, charges, notes, reversals (newest first)."""

    partner_field = "partner"
    serializer_class = LedgerEntrySerializer
    required_scopes = {"list": SCOPE_READ}

    def get_base_queryset(self):
        return ledger_listing().select_related("statement")
