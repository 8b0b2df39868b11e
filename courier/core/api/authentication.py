"""``Authorization: Bearer <key>``: a partner API key; requests act as the partner's service user.

``request.user`` is the partner's service user (so django-simple-history names it on every change
the request makes) and ``request.auth`` is the ``PartnerAPIKey`` (``request.auth.partner``).
A key in the query string is refused, never looked at. A client address that presents too many
invalid keys (rate ``invalid_key``) gets 429 for whatever key it presents next, right or wrong
(its counter is read in the round trip that counts the key's request, so a valid key costs one
Redis round trip, not two).

The key is looked up with one SQL statement built once per process (``KeyLookup``): the usable
key of the presented prefix joined to its partner and service user, no ORM query compilation per
request, then the hash check. Nothing is cached between requests, so a revoked key, an inactive
partner or an expired key is refused on the very next request.
"""

import threading

from django.contrib.auth import get_user_model
from django.db import connections
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from courier.core.api.throttling import InvalidKeyThrottle, PartnerKeyRateThrottle
from courier.core.models import Partner, PartnerAPIKey
from courier.core.models.apikeys import TEST_KEY_PREFIX

# Query-string names a client might try; any of them is refused so a key never lands in logs.
QUERY_KEY_NAMES = ("api_key", "apikey", "key", "token", "access_token", "authorization")


class KeyLookup:
    """``PartnerAPIKey``, its ``partner`` and the partner's ``service_user`` from one statement,
    compiled once per database alias (SQL text and the column converters)."""

    def __init__(self, alias: str = "default"):
        self.alias = alias
        connection = connections[alias]
        qn = connection.ops.quote_name
        self.parts = []  # (model, attnames, converters per column)
        columns = []
        tables = (
            (PartnerAPIKey, "k"),
            (Partner, "p"),
            (get_user_model(), "u"),
        )
        for model, table_alias in tables:
            fields = model._meta.concrete_fields
            converters = []
            for field in fields:
                col = field.get_col(table_alias)
                converters.append(
                    connection.ops.get_db_converters(col) + field.get_db_converters(connection)
                )
                columns.append(f"{qn(table_alias)}.{qn(field.column)}")
            self.parts.append((model, [f.attname for f in fields], converters))
        key_meta, partner_meta = PartnerAPIKey._meta, Partner._meta
        user_meta = get_user_model()._meta
        self.sql = (
            f"SELECT {', '.join(columns)} FROM {qn(key_meta.db_table)} {qn('k')} "
            f"INNER JOIN {qn(partner_meta.db_table)} {qn('p')} ON "
            f"{qn('p')}.{qn(partner_meta.pk.column)} = "
            f"{qn('k')}.{qn(key_meta.get_field('partner').column)} "
            f"LEFT OUTER JOIN {qn(user_meta.db_table)} {qn('u')} ON "
            f"{qn('u')}.{qn(user_meta.pk.column)} = "
            f"{qn('p')}.{qn(partner_meta.get_field('service_user').column)} "
            f"WHERE {qn('k')}.{qn('prefix')} = %s AND {qn('k')}.{qn('revoked')} = %s"
        )

    def _instances(self, row):
        connection = connections[self.alias]
        out, start = [], 0
        for model, attnames, converters in self.parts:
            values = list(row[start : start + len(attnames)])
            start += len(attnames)
            if values[0] is None:  # the LEFT JOIN found no service user
                out.append(None)
                continue
            for i, chain in enumerate(converters):
                for convert in chain:
                    values[i] = convert(values[i], None, connection)
            out.append(model.from_db(self.alias, attnames, values))
        return out

    def get(self, prefix: str) -> PartnerAPIKey | None:
        """The usable (not revoked) key with this prefix, its partner and service user attached."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, [prefix, False])
            row = cursor.fetchone()
        if row is None:
            return None
        api_key, partner, user = self._instances(row)
        PartnerAPIKey.partner.field.set_cached_value(api_key, partner)
        if user is not None:
            Partner.service_user.field.set_cached_value(partner, user)
        return api_key

    def get_from_key(self, key: str) -> PartnerAPIKey | None:
        """What ``PartnerAPIKey.objects.get_from_key`` answers, or None: the key of the prefix
        whose hash matches, a test key only with ``ck_test_`` and a live key only without."""
        test = key.startswith(TEST_KEY_PREFIX)
        if test:
            key = key[len(TEST_KEY_PREFIX) :]
        prefix, _dot, _secret = key.partition(".")
        api_key = self.get(prefix)
        if api_key is None or not api_key.is_valid(key):
            return None
        if api_key.partner.is_sandbox != test:
            return None
        return api_key


_lookups: dict[str, KeyLookup] = {}
_lookups_lock = threading.Lock()


def key_lookup(alias: str = "default") -> KeyLookup:
    lookup = _lookups.get(alias)
    if lookup is None:
        with _lookups_lock:
            lookup = _lookups.setdefault(alias, KeyLookup(alias))
    return lookup


class PartnerKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        try:
            return self._authenticate(request)
        except exceptions.AuthenticationFailed:
            InvalidKeyThrottle().failure_record(request)  # per client address
            raise

    def _authenticate(self, request):
        if any(name in request.query_params for name in QUERY_KEY_NAMES):
            raise exceptions.AuthenticationFailed(
                _("API keys are accepted only in the Authorization header."),
                code="key_in_query_string",
            )
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _sep, key = header.partition(" ")
        key = key.strip()
        if keyword.lower() != self.keyword.lower() or not key or " " in key:
            raise exceptions.AuthenticationFailed(
                _("Use the header 'Authorization: Bearer <key>'."), code="invalid_authorization"
            )
        return self.authenticate_key(request, key)

    def authenticate_key(self, request, key: str):
        from courier.core.services.apikeys import partner_service_user_ensure

        api_key = key_lookup().get_from_key(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Invalid API key."), code="invalid_key")
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(
                _("This API key has expired."), code="key_expired"
            )
        partner = api_key.partner
        if not partner.is_active:
            raise exceptions.AuthenticationFailed(
                _("This partner account is inactive."), code="partner_inactive"
            )
        user = partner.service_user or partner_service_user_ensure(partner)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(
                _("This partner account is inactive."), code="partner_inactive"
            )
        # The key's request is counted and its address checked for invalid keys in one round
        # trip; a blocked address gets 429 whatever it presents (throttling.py).
        PartnerKeyRateThrottle().count_at_authentication(request, api_key)
        return user, api_key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class PartnerKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = PartnerKeyAuthentication
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner API key: `Authorization: Bearer <key>`.",
        }
