"""Every user-facing string ships in French: a message without its translation fails here."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["manage.py", "ace_portal", "experts", "materials", "missions", "templates", "locale"]


def _statistics(po_file: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


def test_french_catalogue_translates_every_message(tmp_path):
    # Extract afresh from a copy of the sources, so the committed catalogue must be up to date.
    for name in SOURCES:
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "ace_portal.settings"},
    )
    stats = _statistics(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert not re.search(r"\d+ (fuzzy|untranslated)", stats), stats


NBSP = "\u00a0"


def _french_texts():
    # The compiled catalogue (make test compiles it first), read with the standard library.
    with open(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    return [text for key, text in catalogue.items() if key]


def test_french_typography():
    # French puts a non-breaking space before : ; ? ! and inside « »; the catalogue uses
    # straight apostrophes. Codes written without a space ("en:C1; fr:B2") are left alone.
    english_quotes = re.compile("[\u2019\u201c\u201d]")
    plain_space = re.compile(r" [:;?!](\s|$)|« |«\w| »|\w»")
    wrong = [t for t in _french_texts() if english_quotes.search(t) or plain_space.search(t)]
    assert wrong == [], "\n".join(wrong[:20])
