"""RPT-01: stored report runs, the mechanism every app's reports use (``courier.core.reports``):
immutable runs with their parameters, data-as-of, row count, file and SHA-256; CSV and Excel
downloads with formula injection escaped; an editable keep period; runs by hand and by beat."""

import datetime as dt
import hashlib
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from courier.core.errors import InvalidInput, NotFound, StateConflict
from courier.core.models import ReportRun, ReportSettings
from courier.core.reports import (
    report_register,
    report_run,
    report_run_rows,
    report_run_xlsx,
    report_runs_purge,
)
from courier.core.tasks import report_run as report_run_task
from courier.periodic import PERIODIC_JOBS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@report_register(
    "tests.sample",
    title="Sample",
    columns=[("name", "Name"), ("amount", "Amount"), ("day", "Day")],
    parameters={"day": "date", "n": "int"},
)
def sample_rows(*, day=None, n=2):
    day = day or dt.date(2026, 12, 1)
    base = [("张三", "12.50", day), ('=HYPERLINK("x")', "-3", None), ("+1 evil", "@sum", day)]
    return base[:n]


def test_a_run_stores_its_rows_file_and_checksum_exactly():
    """The run keeps its parameters, the moment its data is as of, the row count, the columns,
    who ran it and the CSV file whose SHA-256 it records."""
    user = UserFactory()
    moment = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        run = report_run("tests.sample", params={"day": "2026-11-30", "n": "3"}, user=user)
    run.refresh_from_db()
    assert (run.report, run.title, run.row_count, run.created_by, run.job) == (
        "tests.sample",
        "Sample",
        3,
        user,
        "",
    )
    assert run.parameters == {"day": "2026-11-30", "n": "3"}
    assert run.columns == ["name", "amount", "day"]
    assert run.data_as_of == moment
    with run.file.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == run.sha256
    assert content.decode("utf-8-sig").splitlines() == [
        "Name,Amount,Day",
        "张三,12.50,2026-11-30",
        '"\'=HYPERLINK(""x"")",-3,',
        "'+1 evil,'@sum,2026-11-30",
    ]


def test_excel_export_has_the_same_cells_with_formulas_escaped():
    """The Excel workbook holds the stored cells as text; nothing in it is a formula."""
    run = report_run("tests.sample", params={"n": 3})
    sheet = load_workbook(io.BytesIO(report_run_xlsx(run))).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells == [
        ["Name", "Amount", "Day"],
        ["张三", "12.50", "2026-12-01"],
        ['\'=HYPERLINK("x")', "-3", None],
        ["'+1 evil", "'@sum", "2026-12-01"],
    ]
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)


def test_bad_parameters_and_unknown_reports_are_refused_naming_them():
    """An unknown parameter, a value of the wrong type and an unknown report are refused with
    a message naming them; nothing is stored."""
    with pytest.raises(InvalidInput, match="Unknown parameter: colour"):
        report_run("tests.sample", params={"colour": "red"})
    with pytest.raises(InvalidInput, match="day must be a date"):
        report_run("tests.sample", params={"day": "30/11/2026"})
    with pytest.raises(NotFound, match="no report named tests.nothing"):
        report_run("tests.nothing")
    assert ReportRun.objects.count() == 0


def test_a_tampered_file_is_refused_on_reading():
    """A stored file that no longer matches its SHA-256 is refused, not served."""
    run = report_run("tests.sample")
    run.file.storage.delete(run.file.name)
    run.file.storage.save(run.file.name, ContentFile(b"Name\r\nforged\r\n"))
    with pytest.raises(StateConflict, match="does not match its checksum"):
        report_run_rows(run)


def test_runs_are_kept_for_the_edited_period_then_purged(django_capture_on_commit_callbacks):
    """RPT-01: a run is kept ``keep_days`` from the day its data is as of (edited in the admin;
    400 by default); the nightly purge removes the older runs and their files only."""
    assert ReportSettings.current().keep_days == 400
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, 0, tzinfo=SHANGHAI), tick=False):
        old = report_run("tests.sample")
    settings = ReportSettings.current()
    settings.keep_days = 30
    settings.save()
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=SHANGHAI), tick=False):
        new = report_run("tests.sample")
    assert old.keep_until == dt.date(2027, 2, 14)
    assert new.keep_until == dt.date(2026, 12, 31)
    assert report_runs_purge(today=dt.date(2026, 12, 31)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert report_runs_purge(today=dt.date(2027, 1, 1)) == 1
    assert list(ReportRun.objects.all()) == [old]
    assert not new.file.storage.exists(new.file.name)  # the file went with its run
    assert old.file.storage.exists(old.file.name)


def test_the_beat_task_runs_a_report_as_its_job():
    """A scheduled run goes through ``courier.reports.run`` and records the job, not a user;
    the purge is a periodic job."""
    pk = report_run_task.delay("tests.sample", params={"n": 1}, job="daily-sample").get()
    run = ReportRun.objects.get(pk=pk)
    assert (run.job, run.created_by, run.row_count) == ("daily-sample", None, 1)
    assert {j.task for j in PERIODIC_JOBS} >= {"courier.reports.purge"}


def test_admin_runs_lists_and_downloads_with_permissions(client):
    """Staff with ``run_report`` run a report from the admin; the runs are read-only; the
    downloads need the view permission and give the stored bytes and a workbook."""
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_reportrun"))
    client.force_login(viewer)
    assert client.get("/admin/courier/reportrun/run/").status_code == 403
    viewer.user_permissions.add(Permission.objects.get(codename="run_report"))
    response = client.post(
        "/admin/courier/reportrun/run/", {"report": "tests.sample", "parameters": '{"n": 1}'}
    )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert (run.created_by, run.row_count) == (viewer, 1)
    bad = client.post(
        "/admin/courier/reportrun/run/", {"report": "tests.sample", "parameters": "["}
    )
    assert bad.status_code == 200
    assert list(bad.context["form"].errors) == ["parameters"]
    csv = client.get(f"/admin/courier/reportrun/{run.pk}/download.csv")
    with run.file.open("rb") as handle:
        assert csv.content == handle.read()
    xlsx = client.get(f"/admin/courier/reportrun/{run.pk}/download.xlsx")
    assert load_workbook(io.BytesIO(xlsx.content)).active["A2"].value == "张三"
    change = client.post(f"/admin/courier/reportrun/{run.pk}/change/", {"title": "forged"})
    run.refresh_from_db()
    assert run.title == "Sample" and change.status_code in (200, 403)
    client.force_login(UserFactory(is_staff=True))
    assert client.get(f"/admin/courier/reportrun/{run.pk}/download.csv").status_code == 403
