"""The schema is a contract: its identifiers are English and the same in every language."""

import json
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def _schema(query="", **headers):
    response = Client(**headers).get(
        "/api/v1/schema/" + query, HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    return json.loads(response.content)


def _identifiers(schema) -> dict[str, set]:
    """Everything a generator turns into a name: components, operation ids, property and
    parameter names, enum values, tags, and every ``title``."""
    found = {"components": set(schema["components"]["schemas"]), "operations": set()}
    found["names"] = set()
    found["titles"] = set()

    def walk(node, key=None):
        if isinstance(node, dict):
            if "title" in node and key != "info":
                found["titles"].add(str(node["title"]))
            for name in (
                node.get("properties", {}) if isinstance(node.get("properties"), dict) else ()
            ):
                found["names"].add(name)
            for value in node.get("enum", []) if isinstance(node.get("enum"), list) else ():
                found["names"].add(str(value))
            for k, value in node.items():
                walk(value, k)
        elif isinstance(node, list):
            for value in node:
                walk(value, key)

    walk(schema)
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            found["operations"].add(operation["operationId"])
            found["names"].update(p["name"] for p in operation.get("parameters", []))
            found["names"].update(operation.get("tags", []))
    return found


def test_default_schema_is_english_whatever_the_accept_language():
    """API-04: without ?lang the schema is English even for Accept-Language: zh-hans (or a
    Chinese language cookie); no identifier, title or description contains a CJK character."""
    schema = _schema(HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = json.dumps(schema, ensure_ascii=False)
    assert CJK.findall(text) == []
    assert schema == _schema()


def test_identifiers_are_equal_in_english_and_chinese():
    """API-04: components, operation ids, names and enum values are identical between the
    English and the ?lang=zh-hans schema; only descriptions are translated; no titles remain."""
    en, zh = _schema("?lang=en"), _schema("?lang=zh-hans")
    ids_en, ids_zh = _identifiers(en), _identifiers(zh)
    assert ids_en == ids_zh
    assert ids_en["titles"] == set()  # a title would name an inline class in generated clients
    for names in ids_en.values():
        assert not [n for n in names if CJK.search(n)]
    zh_text = json.dumps(zh, ensure_ascii=False)
    assert "分页游标值" in zh_text  # the descriptions are Chinese
    assert "webhook_endpoints_rotate_secret" in ids_zh["operations"]


def test_unknown_lang_falls_back_to_english():
    """API-04: ?lang= outside LANGUAGES answers the English schema, never an error."""
    assert _schema("?lang=xx") == _schema()


def test_enums_have_meaningful_names_and_filters_share_them():
    """API-04: generic enum names (StatusEnum, ModeEnum, ...) are replaced by meaningful ones, and
    a query filter's choices point at the component enum of the field it filters."""
    schema = _schema()
    components = schema["components"]["schemas"]
    for generic in ("StatusEnum", "SubStatusEnum", "ModeEnum", "ResultEnum", "SourceEnum"):
        assert generic not in components
    for name in ("TrackingStatusEnum", "WebhookEventTypeEnum", "WebhookDeliveryStateEnum"):
        assert "enum" in components[name]
    params = {p["name"]: p for p in schema["paths"]["/api/v1/shipments/"]["get"]["parameters"]}
    assert params["state"]["schema"] == {"$ref": "#/components/schemas/ShipmentStateEnum"}


def test_docs_page_passes_the_language_on_to_the_schema():
    """API-04: /api/v1/docs/?lang=zh-hans loads the schema with ?lang=zh-hans."""
    response = Client().get("/api/v1/docs/?lang=zh-hans")
    assert response.status_code == 200
    assert response.data["schema_url"] == "/api/v1/schema/?lang=zh-hans"
