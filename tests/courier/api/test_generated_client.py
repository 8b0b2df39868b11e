"""The contract test: a Python client generated from the live schema with openapi-python-client
(offline, a dev dependency) runs a partner's flow against the live test server, and every example
of docs/partners.md runs against it too. A schema change that breaks generated clients (a
generator warning, a renamed operation or model, a response that no longer parses) fails here."""

import importlib
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from courier.core.models import API_SCOPES, WebhookDelivery
from courier.core.services.apikeys import partner_api_key_create
from courier.core.services.webhooks import webhook_delivery_attempt
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "partners.md"
PACKAGE = "courier_contract_client"
ORDER = {
    "sender_name": "李发货",
    "sender_phone": "021-62345678",
    "sender_province": "上海市",
    "sender_city": "上海市",
    "sender_district": "静安区",
    "sender_address": "南京西路1号",
    "recipient_name": "张三",
    "recipient_phone": "13812345678",
    "recipient_province": "广东省",
    "recipient_city": "深圳市",
    "recipient_district": "南山区",
    "recipient_address": "科技园路2号",
    "weight_kg": "1.500",
    "goods_amount": "200.00",
    "lines": [{"name": "羊毛鞋", "quantity": 2, "unit_price": "100.00"}],
}


@pytest.fixture
def receiver(settings):
    """A local webhook receiver (the test allows http and loopback targets for it)."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_REQUIRE_HTTPS = False
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, dict(self.headers.items())))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def partner_key(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner_key": "100000/min", "invalid_key": "100000/min"},
    }
    partner = PartnerFactory()
    _row, plain = partner_api_key_create(partner, name="contract", scopes=sorted(API_SCOPES))
    return partner, plain


@pytest.fixture
def generated(live_server, tmp_path):
    """The client generated from the served schema, imported from tmp_path."""
    schema = httpx.get(f"{live_server.url}/api/v1/schema/?format=json", timeout=30)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(tmp_path / "config.yaml"),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout
    sys.path.insert(0, str(tmp_path))
    try:
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))


def _module(package, path):
    return importlib.import_module(f"{package.__name__}.{path}")


def test_generated_client_runs_a_partner_flow(generated, live_server, partner_key, receiver):
    """API-04, API-06: the generated client creates a shipment, lists it with a filter, fetches
    it, files a complaint on it, registers a webhook endpoint and receives a signed test delivery
    that the standardwebhooks library verifies; the secret rotation signs with both secrets."""
    _partner, plain = partner_key
    url, received = receiver
    client = generated.AuthenticatedClient(
        base_url=live_server.url, token=plain, raise_on_unexpected_status=True
    )
    models = _module(generated, "models")
    api = lambda path: _module(generated, f"api.{path}")  # noqa: E731

    # create a shipment
    body = models.ShipmentCreateRequest.from_dict({**ORDER, "partner_ref": "CONTRACT-1"})
    created = api("shipments.shipments_create").sync_detailed(client=client, body=body)
    assert created.status_code == 201
    waybill = created.parsed.waybill_number
    assert created.parsed.state == models.ShipmentStateEnum.CREATED

    # list with a filter
    page = api("shipments.shipments_list").sync(
        client=client, state=models.ShipmentStateEnum.CREATED, page_size=10
    )
    assert isinstance(page, models.PaginatedShipmentList)
    assert [s.waybill_number for s in page.results] == [waybill]
    empty = api("shipments.shipments_list").sync(
        client=client, state=models.ShipmentStateEnum.DELIVERED
    )
    assert empty.results == []

    # fetch it
    detail = api("shipments.shipments_retrieve").sync(client=client, waybill_number=waybill)
    assert detail.waybill_number == waybill and detail.partner_ref == "CONTRACT-1"

    # file a complaint on it
    complaint = api("complaints.complaints_create").sync(
        client=client,
        body=models.ComplaintRequest.from_dict(
            {
                "shipment": waybill,
                "category": "delay",
                "severity": "major",
                "description": "三天未到",
                "customer_name": "王先生",
                "customer_phone": "13800000000",
            }
        ),
    )
    assert complaint.shipment == waybill
    assert complaint.category == models.ComplaintCategoryEnum.DELAY

    # register a webhook endpoint: the secret is answered once
    endpoints = api("webhook_endpoints")
    endpoint = _module(generated, "api.webhook_endpoints.webhook_endpoints_create").sync(
        client=client,
        body=models.WebhookEndpointRequest(
            url=url + "/one", event_types=[models.WebhookEventTypeEnum.SHIPMENT_STATUS_CHANGED]
        ),
    )
    assert endpoints is not None and endpoint.secret.startswith("whsec_")
    listed = api("webhook_endpoints.webhook_endpoints_list").sync(client=client)
    assert [e.id for e in listed.results] == [endpoint.id]
    assert "secret" not in listed.results[0].to_dict()

    # a signed test delivery, verified with standardwebhooks
    ping = api("webhook_endpoints.webhook_endpoints_test").sync_detailed(
        client=client, id=endpoint.id
    )
    assert ping.status_code == 202
    assert webhook_delivery_attempt(ping.parsed.id) == WebhookDelivery.SUCCEEDED
    body_bytes, headers = received[-1]
    payload = Webhook(endpoint.secret).verify(body_bytes, headers)
    assert payload["type"] == "webhook.test" and headers["webhook-id"] == ping.parsed.message_id

    # rotate: both secrets sign for the grace period
    rotated = api("webhook_endpoints.webhook_endpoints_rotate_secret").sync(
        client=client, id=endpoint.id
    )
    assert rotated.secret != endpoint.secret and rotated.previous_secret_valid_until
    ping2 = api("webhook_endpoints.webhook_endpoints_test").sync(client=client, id=endpoint.id)
    webhook_delivery_attempt(ping2.id)
    body_bytes, headers = received[-1]
    Webhook(rotated.secret).verify(body_bytes, headers)
    Webhook(endpoint.secret).verify(body_bytes, headers)

    # the delivery log, a re-send of one delivery, and disabling
    log = api("webhook_endpoints.webhook_endpoints_deliveries_list").sync(
        client=client, endpoint_id=endpoint.id
    )
    assert [d.id for d in log.results] == [ping2.id, ping.parsed.id]
    assert log.results[1].attempt_log[0].status_code == 204
    again = api("webhook_endpoints.webhook_endpoints_deliveries_resend").sync(
        client=client, endpoint_id=endpoint.id, id=ping.parsed.id
    )
    assert again.message_id == ping.parsed.message_id and again.resend_of == ping.parsed.id
    disabled = api("webhook_endpoints.webhook_endpoints_disable").sync(
        client=client, id=endpoint.id
    )
    assert disabled.is_active is False


def _examples() -> list[str]:
    text = DOCS.read_text()
    return re.findall(r"<!-- example -->\n```python\n(.*?)```", text, flags=re.S)


def test_docs_examples_run_against_the_live_server(live_server, partner_key, receiver):
    """API-04, API-06: every example of docs/partners.md runs as written against the live
    server (authentication, idempotency, pagination, errors, webhooks); the delivery it asks
    for arrives and verifies with the example's own receive()."""
    _partner, plain = partner_key
    url, received = receiver
    examples = _examples()
    assert len(examples) >= 7
    namespace = {"BASE_URL": live_server.url, "API_KEY": plain, "WEBHOOK_URL": url}
    for source in examples:
        exec(compile(source, str(DOCS), "exec"), namespace)  # noqa: S102
    assert namespace["first"].status_code == 201
    assert webhook_delivery_attempt(namespace["ping"]["id"]) == WebhookDelivery.SUCCEEDED
    body_bytes, headers = received[-1]
    assert namespace["receive"](body_bytes, headers)["type"] == "webhook.test"
