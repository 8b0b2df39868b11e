"""Tests cite the catalogue: every ID named at the start of a test function's docstring is an
entry of docs/requirements.md, and every test function's docstring starts with at least one ID
(docs/requirements.md, "Tests cite the IDs"). Needs no database."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "docs" / "requirements.md"

# How the catalogue defines an entry: a rule is a heading "### CMP-03 · Title"; a scoring-rule
# code of SCR-08 is a list item "- **G5 · Title** — ...".
RULE_ENTRY = re.compile(r"^### ([A-Z]{2,4}-\d{2}) · ", re.MULTILINE)
CODE_ENTRY = re.compile(r"^- \*\*([GSPAD]\d{1,2}) · ", re.MULTILINE)

# A docstring starts with an ID when its first word is a rule ID or a scoring-rule code.
ONE_ID = r"(?:[A-Z]{2,4}-\d{2}|[GSPAD]\d{1,2})"
STARTS_WITH_ID = re.compile(rf"{ONE_ID}\b")
# In the leading part a rule ID may carry more numbers of its family: CMP-03/04, STF-01..03.
TOKEN = re.compile(r"\b(?:([A-Z]{2,4})-(\d{2})((?:(?:/|\.\.)\d{2})*)|([GSPAD]\d{1,2}))\b")
LEADING_RUN = re.compile(rf"^{ONE_ID}(?:\s*,\s*{ONE_ID})*")

# Test functions whose docstrings name no ID yet. Frozen: the list may only shrink. A function
# given its IDs must leave the list (the test fails while it is still here), and a new test
# without an ID is not added to it.
WITHOUT_ID_BY_FILE = {
    "tests/courier/api/test_conventions.py": (
        "test_api_base_docstring_example_runs",
        "test_api_registry_docstring_example_resolves",
    ),
    "tests/courier/api/test_error_kinds.py": (
        "test_a_conflict_answers_409_invalid_state_from_every_app",
        "test_every_app_root_derives_from_the_one_root",
        "test_invalid_input_answers_400_invalid_from_every_app",
        "test_permission_and_not_found_kinds_and_raised_codes",
    ),
    "tests/courier/test_demo_port.py": (
        "test_make_demo_honours_port",
        "test_make_demo_serves_on_8000_without_port",
    ),
    "tests/courier/test_fastwrite_fence.py": (
        "test_django_internals_have_the_shape_relied_on",
        "test_installed_versions_are_the_fenced_ones",
        "test_mismatch_is_reported_by_the_system_check",
        "test_no_private_orm_writes_outside_the_fence",
        "test_prefetched_cache_set_answers_without_a_query",
        "test_simple_history_descriptor_has_the_shape_relied_on",
    ),
    "tests/courier/test_reports.py": (
        "test_a_run_stores_its_rows_file_and_checksum_exactly",
        "test_a_tampered_file_is_refused_on_reading",
        "test_admin_runs_lists_and_downloads_with_permissions",
        "test_bad_parameters_and_unknown_reports_are_refused_naming_them",
        "test_excel_export_has_the_same_cells_with_formulas_escaped",
        "test_the_beat_task_runs_a_report_as_its_job",
    ),
    "tests/courier/test_seed_demo.py": ("test_second_run_changes_nothing",),
    "tests/finance/test_api.py": ("test_quote_costs_at_most_me_plus_one_query",),
    "tests/tracking/test_archive_reads.py": (
        "test_the_view_has_every_column_of_both_event_tables",
    ),
    "tests/tracking/test_contacts_lookup.py": (
        "test_lookup_rate_limited_per_client_address",
        "test_public_lookup_masks_and_gates_the_full_list",
        "test_public_page_in_chinese_and_english",
        "test_wrong_digits_lock_the_waybill",
    ),
    "tests/tracking/test_ingest.py": (
        "test_batch_queries_do_not_grow_with_its_size",
        "test_duplicate_check_of_a_full_batch_uses_the_partial_index",
    ),
    "tests/tracking/test_rules.py": (
        "test_lookup_lock_boundary",
        "test_mask_address_keeps_divisions_only",
        "test_mask_name_hides_at_least_one_character",
        "test_mask_phone_hides_six_digits_and_the_last_four",
    ),
    "tests/tracking/test_work.py": ("test_sweep_finds_its_work_in_a_fixed_number_of_queries",),
}
WITHOUT_ID = frozenset((path, name) for path, names in WITHOUT_ID_BY_FILE.items() for name in names)


def catalogue_ids() -> set[str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    return set(RULE_ENTRY.findall(text)) | set(CODE_ENTRY.findall(text))


def collected_test_functions():
    """(file, function, docstring) of every test function pytest collects under tests/: module
    level, and methods of Test* classes."""
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        nodes = []
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                nodes.extend(node.body)
            else:
                nodes.append(node)
        for node in nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test"
            ):
                yield path.relative_to(ROOT).as_posix(), node.name, ast.get_docstring(node) or ""


def leading_ids(docstring: str) -> list[str]:
    """The IDs a docstring starts with: every ID before its first colon (``CMP-03/04`` is CMP-03
    and CMP-04, ``STF-01..03`` is STF-01 to STF-03), or, with no colon, its leading run."""
    text = " ".join(docstring.split())
    if not STARTS_WITH_ID.match(text):
        return []
    head = text.split(":", 1)[0] if ":" in text else LEADING_RUN.match(text).group(0)
    ids = []
    for family, first, more, code in TOKEN.findall(head):
        if code:
            ids.append(code)
            continue
        numbers = [int(first)]
        for sep, number in re.findall(r"(/|\.\.)(\d{2})", more):
            if sep == "..":
                numbers.extend(range(numbers[-1] + 1, int(number) + 1))
            else:
                numbers.append(int(number))
        ids.extend(f"{family}-{n:02d}" for n in numbers)
    return ids


def test_leading_ids_are_read_as_the_catalogue_writes_them():
    """PLT-16: the reader takes every ID before the first colon, families and ranges expanded, and
    nothing from a docstring that does not start with one."""
    assert leading_ids("CMP-04: an ordinary complaint ...") == ["CMP-04"]
    assert leading_ids("API-08, PLT-06: five wrong passwords ...") == ["API-08", "PLT-06"]
    assert leading_ids("RPT-03 (CMP-03/04): first response ...") == ["RPT-03", "CMP-03", "CMP-04"]
    assert leading_ids("STF-01..03, LEV-02: ...") == ["STF-01", "STF-02", "STF-03", "LEV-02"]
    assert leading_ids("SCR-08, P1, P2: a remark ...") == ["SCR-08", "P1", "P2"]
    assert leading_ids("A9, CMP-14: a refund ...") == ["A9", "CMP-14"]
    assert leading_ids("TRK-10 followed daily, see CMP-03") == ["TRK-10"]
    assert leading_ids("Issue 17: CMP-03 ...") == []
    assert leading_ids("") == []


def test_every_leading_id_is_an_entry_of_the_catalogue():
    """PLT-16: each ID named at the start of a test function's docstring is defined in
    docs/requirements.md, as a rule heading or as a scoring-rule code of SCR-08."""
    defined = catalogue_ids()
    assert {"CMP-03", "PLT-01", "API-01", "SCR-08", "G5", "D1"} <= defined
    unknown = sorted(
        (path, name, id_)
        for path, name, docstring in collected_test_functions()
        for id_ in leading_ids(docstring)
        if id_ not in defined
    )
    assert unknown == []


def test_every_test_function_starts_with_an_id():
    """PLT-16: every test function's docstring starts with at least one ID; the functions that do
    not yet are exactly the frozen allow-list, which may only shrink."""
    without = {
        (path, name)
        for path, name, docstring in collected_test_functions()
        if not leading_ids(docstring)
    }
    assert sorted(without - WITHOUT_ID) == [], "name its requirement IDs; do not extend the list"
    assert sorted(WITHOUT_ID - without) == [], "these now name an ID (or are gone): drop them"
