"""Every environment variable the settings read is documented (issue 17.4: the survey link's
base URL was read from a variable the README did not list)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r'env(?:\.[a-z]+)?\(\s*"([A-Z][A-Z0-9_]+)"')


def test_every_environment_variable_is_documented():
    """PLT-16: each variable ``courier/settings.py`` reads appears in the README or in
    docs/operations.md, the survey links' ``COMPLAINTS_PUBLIC_BASE_URL`` in the README's list
    of variables itself."""
    names = set(READ.findall((ROOT / "courier" / "settings.py").read_text()))
    assert {"COMPLAINTS_PUBLIC_BASE_URL", "DATABASE_URL", "LOG_LEVEL"} <= names
    docs = (ROOT / "README.md").read_text() + (ROOT / "docs" / "operations.md").read_text()
    assert sorted(n for n in names if f"`{n}`" not in docs) == []
    readme = (ROOT / "README.md").read_text()
    variables = readme.split("Other variables:", 1)[1].split("\n\n", 1)[0]
    assert "`COMPLAINTS_PUBLIC_BASE_URL`" in variables
