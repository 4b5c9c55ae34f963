"""The README a newcomer reads in one sitting: short, with the two commands CI runs, and links
that lead somewhere. The manual in docs/ is checked by `mkdocs build --strict` in .ci/run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_read_in_one_sitting():
    assert len(README.splitlines()) <= 200


def test_the_readme_gives_the_two_commands():
    assert "pip install . && mm-emulator serve\n" in README
    assert 'pip install -e ".[test]" && python -m pytest\n' in README
    assert 'pip install -e ".[test]" && python -m pytest' in (ROOT / ".ci" / "run").read_text()


def test_every_relative_link_of_the_readme_leads_to_a_file():
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README)
    relative = [target for target in targets if "://" not in target]
    assert relative
    assert [target for target in relative if not (ROOT / target).is_file()] == []
