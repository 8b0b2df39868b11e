"""The score board and the settlement sheet show every component of the net amount
(issue 17.4): the signed columns of each rendered row add up to its net amount."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from staffing.services.settlement import settlement_compute, settlement_get
from tests.staffing.scoring_factories import at, fast_passwords  # noqa: F401 (autouse fixture)
from tests.staffing.test_scoring_views import MARCH, people  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
PART = re.compile(r'<td class="part">([+−])([\d.]+)</td>')
NET = re.compile(r'<td class="net"><strong>(-?[\d.]+)</strong></td>')


def rows_of(html: str, table_id: str) -> list[tuple[list[Decimal], Decimal]]:
    table = html.split(f'<table id="{table_id}">', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in ROW.findall(table.split("<tbody>", 1)[1]):
        parts = [Decimal(v) if sign == "+" else -Decimal(v) for sign, v in PART.findall(row)]
        rows.append((parts, Decimal(NET.search(row).group(1))))
    return rows


def _assert_rows_add_up(rows, expected_nets):
    assert sorted(net for _, net in rows) == sorted(expected_nets)
    for parts, net in rows:
        assert len(parts) == 8
        assert sum(parts) == net


@time_machine.travel(at(2026, 3, 21), tick=False)
def test_board_columns_add_up_to_net(client, people):  # noqa: F811
    """SCR-02, SCR-03, SCR-05: on the board each row's deduction, attendance and performance
    bonuses, award, cash awards and fines and the supervisor's bonus and fine sum to its net:
    E1 (97 points: −30, a 30 yuan fine, no attendance bonus) nets 140, E2 300."""
    client.force_login(people["S"].user)
    html = client.get(reverse("scoring:board"), {"month": "2026-03"}).content.decode()
    lines = {
        line.employee.number: line.net_amount
        for line in client.get(reverse("scoring:board"), {"month": "2026-03"}).context["lines"]
    }
    assert lines["E1"] == Decimal("140.00") and lines["E2"] == Decimal("300.00")
    _assert_rows_add_up(rows_of(html, "board"), lines.values())


@time_machine.travel(at(2026, 4, 9), tick=False)
def test_settlement_sheet_columns_add_up_to_net(client, people):  # noqa: F811
    """SCR-04: the settlement sheet's rows add up the same way."""
    settlement = settlement_get(people["dept"], MARCH)
    settlement_compute(settlement, user=people["S"].user)
    client.force_login(people["S"].user)
    response = client.get(reverse("scoring:settlement", args=[settlement.pk]))
    nets = [line.net_amount for line in response.context["lines"]]
    assert len(nets) == 3
    _assert_rows_add_up(rows_of(response.content.decode(), "lines"), nets)
