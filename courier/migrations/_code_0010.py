# The code of courier.migrations.0010_finance_seed, imported by it and by the squash that
# replaces it (docs/architecture.md, "Squashed migrations"): one copy to fix.
"""FIN-01..05 defaults, seeded as data (edited afterwards in the admin, with history).

Documented numbers (issue 15 / FIN-01): volumetric divisor 6000 across regions and 12000 within a
province; steps of 0.5 kg below 100 kg and of whole kg above; insurance 3‰ of the declared value
with a minimum of 1 yuan. Prices per lane are starting values for ops to replace; agency fees
(customs declaration, inspection, port handling) are charged as incurred. Also gives the role
groups the new models' permissions (roles_sync)."""

import datetime
from decimal import Decimal as D

REGIONS = [
    ("HB", "华北", "北京\n天津\n河北\n山西\n内蒙古"),
    ("DB", "东北", "辽宁\n吉林\n黑龙江"),
    ("HD", "华东", "上海\n江苏\n浙江\n安徽\n福建\n江西\n山东"),
    ("HZ", "华中", "河南\n湖北\n湖南"),
    ("HN", "华南", "广东\n广西\n海南"),
    ("XN", "西南", "重庆\n四川\n贵州\n云南\n西藏"),
    ("XB", "西北", "陕西\n甘肃\n青海\n宁夏\n新疆"),
    ("GAT", "港澳台", "香港\n澳门\n台湾"),
]

PRICES = {
    "road": (
        (D("8"), D("1.00"), D("1.50")),
        (D("12"), D("2.50"), D("4.00")),
        (D("6"), D("0.50"), D("1.00")),
    ),
    "express": (
        (D("10"), D("1.50"), D("2.50")),
        (D("15"), D("3.00"), D("5.00")),
        (D("8"), D("1.00"), D("2.00")),
    ),
    "air": (
        (D("15"), D("3.00"), D("5.00")),
        (D("22"), D("5.00"), D("8.00")),
        (D("12"), D("2.00"), D("4.00")),
    ),
    "rail": (
        (D("8"), D("0.80"), D("1.20")),
        (D("10"), D("2.00"), D("3.00")),
        (D("6"), D("0.50"), D("1.00")),
    ),
    "sea": (
        (D("8"), D("0.60"), D("1.00")),
        (D("10"), D("1.50"), D("2.50")),
        (D("6"), D("0.50"), D("1.00")),
    ),
}

ITEMS = [
    ("customs_declaration", "报关费", "agency", "incurred", D("0")),
    ("inspection", "报检费", "agency", "incurred", D("0")),
    ("port_handling", "港口装卸费", "agency", "incurred", D("0")),
    ("special_packing", "特殊包装费", "other", "fixed", D("10")),
    ("storage", "仓储费", "other", "incurred", D("0")),
    ("remote_area", "偏远地区附加费", "surcharge", "fixed", D("5")),
    ("fuel", "燃油附加费", "surcharge", "percent", D("0")),
]


def seed(apps, schema_editor):
    FinanceSettings = apps.get_model("courier", "FinanceSettings")
    FeeRegion = apps.get_model("courier", "FeeRegion")
    FeeSchedule = apps.get_model("courier", "FeeSchedule")
    Version = apps.get_model("courier", "FeeScheduleVersion")
    Lane = apps.get_model("courier", "FeeLane")
    Insurance = apps.get_model("courier", "InsuranceRate")
    Item = apps.get_model("courier", "FeeItem")

    FinanceSettings.objects.get_or_create(pk=1)
    regions = {}
    for code, name, provinces in REGIONS:
        regions[code], _ = FeeRegion.objects.get_or_create(
            code=code, defaults={"name": name, "provinces": provinces}
        )
    schedule, created = FeeSchedule.objects.get_or_create(
        code="DEFAULT", defaults={"name": "标准价目表"}
    )
    if not created:
        return
    version = Version.objects.create(
        schedule=schedule,
        effective_from=datetime.date(2026, 1, 1),
        light_step_kg=D("0.5"),
        heavy_from_kg=D("100"),
        heavy_step_kg=D("1"),
        note="FIN-01 defaults",
    )
    lanes = []
    for mode, (same, across, province) in PRICES.items():
        for o in regions.values():
            for d in regions.values():
                first, step, heavy = same if o.pk == d.pk else across
                lanes.append(
                    Lane(
                        version=version,
                        mode=mode,
                        origin=o,
                        destination=d,
                        divisor=6000,
                        first_weight_kg=D("1"),
                        first_price=first,
                        step_price=step,
                        heavy_step_price=heavy,
                    )
                )
            for p in o.provinces.splitlines():
                first, step, heavy = province
                lanes.append(
                    Lane(
                        version=version,
                        mode=mode,
                        origin=o,
                        destination=o,
                        province=p.strip(),
                        divisor=12000,
                        first_weight_kg=D("1"),
                        first_price=first,
                        step_price=step,
                        heavy_step_price=heavy,
                    )
                )
    Lane.objects.bulk_create(lanes)
    Insurance.objects.create(
        version=version,
        mode="",
        rate_permille=D("3"),
        minimum=D("1"),
        cap=None,
        terms="保价 3‰,最低 1 元",
    )
    for code, name, category, method, value in ITEMS:
        Item.objects.create(
            version=version, code=code, name=name, category=category, method=method, value=value
        )


def roles(apps, schema_editor):
    from staffing.roles import roles_sync

    roles_sync(apps)
