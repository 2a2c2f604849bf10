"""Every setting and every page is documented (datasette-style)."""

from pathlib import Path

from dashboard.ui.i18n import t
from scoring.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented():
    text = (ROOT / "docs" / "CONFIGURATION.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        row = next((line for line in text.splitlines() if f"`{setting.name}`" in line), "")
        assert f"`{setting.env}`" in row, f"{setting.name}: environment variable not documented"
        assert f"`{setting.option}`" in row, f"{setting.name}: option not documented"


def test_every_page_is_in_the_readme_tour():
    """Each page's English and Chinese title (from the catalog) has an entry in the tour."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in sorted((ROOT / "app_pages").glob("*.py")):
        key = f"page_{page.stem}"
        entry = f"**{t(key, 'en')} ({t(key, 'zh')})**"
        assert entry in readme, f"README tour lacks {entry} for {page.name}"
