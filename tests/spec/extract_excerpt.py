"""Cut from the official MessageMedia OpenAPI specification the part the drift test compares.

    python tests/spec/extract_excerpt.py PATH/TO/messagemedia-openapi.yaml

writes `messagemedia-openapi-excerpt.yaml` beside this script: the path items of `PATHS`, copied
as they are (but for response codes written as numbers, which become strings), with every
component they reference (directly or through other components) and the
security schemes their operations name. To compare more of the API, add its paths to `PATHS` and
run the script again on the full specification.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

EXCERPT = Path(__file__).with_name("messagemedia-openapi-excerpt.yaml")
PATHS = (
    "/v1/messages",
    "/v1/messages/{messageId}",
    "/v1/delivery_reports",
    "/v1/delivery_reports/confirmed",
    "/v1/replies",
    "/v1/replies/confirmed",
    "/v1/webhooks/messages",
    "/v1/webhooks/messages/{webhookId}",
    "/v1/iam/signature_keys",
    "/v1/iam/signature_keys/{key_id}",
    "/v1/iam/signature_keys/enabled",
    "/v1/number_authorisation/mt/blacklist",
    "/v1/number_authorisation/mt/blacklist/{number}",
    "/v1/number_authorisation/is_authorised/{numbers}",
    "/v1/messaging/numbers/dedicated/",
    "/v1/messaging/numbers/dedicated/{id}",
    "/v1/messaging/numbers/dedicated/{numberId}/assignment",
    "/v1/messaging/numbers/dedicated/assignments",
    "/v1/messaging/numbers/sender_address/requests",
    "/v1/messaging/numbers/sender_address/requests/{id}/verify",
    "/v1/messaging/numbers/sender_address/addresses/{id}/reverify",
    "/v1/messaging/numbers/sender_address/requests/{id}",
    "/v1/messaging/numbers/sender_address/addresses/",
    "/v1/messaging/numbers/sender_address/addresses/{id}",
)
INFO_KEYS = ("title", "version", "license")
HEADER = """\
# An excerpt of the official MessageMedia OpenAPI specification (messagemedia-openapi.yaml,
# "{title}" version {version}): the paths the emulator's drift test compares, copied unchanged,
# with the components they reference. Extracted by tests/spec/extract_excerpt.py; to refresh it,
# run `python tests/spec/extract_excerpt.py PATH/TO/messagemedia-openapi.yaml`.
"""


def excerpt(spec: dict, paths: tuple[str, ...] = PATHS) -> dict:
    """A self-contained OpenAPI document holding `paths` of `spec` and what they reference."""
    chosen = {path: _quoted_statuses(spec["paths"][path]) for path in paths}
    components: dict[str, dict] = {}
    pending = _references(chosen)
    while pending:
        section, name = pending.pop()
        if name in components.get(section, {}):
            continue
        item = spec["components"][section][name]
        components.setdefault(section, {})[name] = item
        pending |= _references(item)
    schemes = spec["components"]["securitySchemes"]
    for name in _security_schemes(chosen):
        components.setdefault("securitySchemes", {})[name] = schemes[name]
    info = {key: value for key, value in spec["info"].items() if key in INFO_KEYS}
    return {
        "openapi": spec["openapi"],
        "info": info,
        "paths": chosen,
        "components": {
            section: dict(sorted(items.items())) for section, items in sorted(components.items())
        },
    }


def _quoted_statuses(path_item: dict) -> dict:
    """The path item with its response codes as strings, as OpenAPI requires: some paths of the
    specification write them as bare YAML integers."""
    return {
        method: (
            {**operation, "responses": {str(k): v for k, v in operation["responses"].items()}}
            if isinstance(operation, dict) and "responses" in operation
            else operation
        )
        for method, operation in path_item.items()
    }


def _references(node) -> set[tuple[str, str]]:
    """Every `#/components/<section>/<name>` that `node` refers to, as (section, name)."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/components/"):
                _, _, section, name = value.split("/", 3)
                found.add((section, name))
            else:
                found |= _references(value)
    elif isinstance(node, list):
        for value in node:
            found |= _references(value)
    return found


def _security_schemes(paths: dict) -> set[str]:
    return {
        name
        for item in paths.values()
        for operation in item.values()
        if isinstance(operation, dict)
        for requirement in operation.get("security", [])
        for name in requirement
    }


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text (the long descriptions) as literal blocks, so it stays readable."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def render(document: dict) -> str:
    """The excerpt as written to disk: the header naming its source, then the YAML."""
    header = HEADER.format(title=document["info"]["title"], version=document["info"]["version"])
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    spec = yaml.safe_load(Path(argv[0]).read_text(encoding="utf-8"))
    EXCERPT.write_text(render(excerpt(spec)), encoding="utf-8")
    print(f"wrote {EXCERPT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
