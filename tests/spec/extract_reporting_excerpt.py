"""Cut from the official MessageMedia OpenAPI specification the Reporting API's part that the
reporting tests validate answers against.

    python -m tests.spec.extract_reporting_excerpt PATH/TO/messagemedia-openapi.yaml

writes `messagemedia-openapi-reporting.yaml` beside this script: the path items of
`REPORTING_PATHS` with every component they reference, as extract_excerpt.py cuts its excerpt.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from tests.spec.extract_excerpt import _Dumper, excerpt

REPORTING_EXCERPT = Path(__file__).with_name("messagemedia-openapi-reporting.yaml")
REPORTING_PATHS = (
    "/v2-preview/reporting/messages/metakeys",
    "/v2-preview/reporting/messages/detail",
    "/v2-preview/reporting/messages/insights",
    "/v2-preview/reporting/messages/async/detail",
    "/v2-preview/reporting/messages/async/summary",
    "/v2-preview/reporting/messages/async/status",
    "/v2-preview/reporting/messages/async/detail/fields",
    "/v2-preview/reporting/messages/async/reports",
    "/v2-preview/reporting/messages/async/reports/{reportId}/download-url",
    "/v2-preview/reporting/detail/scheduled",
    "/v2-preview/reporting/detail/scheduled/{scheduled_id}",
    "/v2-preview/reporting/summary/scheduled",
    "/v2-preview/reporting/summary/scheduled/{scheduled_id}",
    "/v2-preview/reporting/scheduled",
    "/v2-preview/reporting/scheduled/{scheduled_id}",
    "/v1/reporting/links/summary",
    "/v1/reporting/links/detail",
)
HEADER = """\
# An excerpt of the official MessageMedia OpenAPI specification (messagemedia-openapi.yaml,
# "{title}" version {version}): the Reporting API's paths, whose answers the reporting tests
# validate, copied unchanged, with the components they reference. Extracted by
# tests/spec/extract_reporting_excerpt.py; to refresh it, run
# `python -m tests.spec.extract_reporting_excerpt PATH/TO/messagemedia-openapi.yaml`.
"""


def render(document: dict) -> str:
    header = HEADER.format(title=document["info"]["title"], version=document["info"]["version"])
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    spec = yaml.safe_load(Path(argv[0]).read_text(encoding="utf-8"))
    REPORTING_EXCERPT.write_text(render(excerpt(spec, REPORTING_PATHS)), encoding="utf-8")
    print(f"wrote {REPORTING_EXCERPT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
