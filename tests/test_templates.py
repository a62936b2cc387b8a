"""What every template must hold to: htmx's attributes in their valid HTML form."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_htmx_attributes_use_the_data_prefix():
    # hx-get="..." is not valid HTML (the W3C checker flags it on every page); htmx reads the
    # same attributes as data-hx-get="...".
    bare = re.compile(r"(?<![\w-])hx-[a-z-]+=")
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if bare.search(line)
    ]
    assert found == []
