#!/usr/bin/env bash
# A Python client generated from the published contract builds without warnings:
#   1. openapi-python-client (pinned) generates it from the committed spec and warns about nothing
#      (no schema it could not read, no operation it skipped);
#   2. the package byte-compiles and imports (with its runtime dependencies, httpx and attrs);
#   3. mypy --strict passes on it and on a few uses of it.
# The tools are installed from PyPI into a virtualenv under ~/.cache by this script.
#
#   .ci/python-client.sh                  # checks openapi/openapi.json
#   .ci/python-client.sh path/to/spec.json
set -euo pipefail
cd "$(dirname "$0")/.."

SPEC="$(realpath "${1:-openapi/openapi.json}")"
GENERATOR_VERSION="0.29.1"
MYPY_VERSION="2.4.1"
VENV="${PYTHON_CLIENT_VENV:-$HOME/.cache/entraide-python-client-$GENERATOR_VERSION-mypy-$MYPY_VERSION}"

if [ ! -x "$VENV/bin/openapi-python-client" ] || [ ! -x "$VENV/bin/mypy" ]; then
  echo "==> installing openapi-python-client $GENERATOR_VERSION and mypy $MYPY_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    "openapi-python-client==$GENERATOR_VERSION" "mypy==$MYPY_VERSION"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "==> openapi-python-client: generate a client"
cat >"$WORK/config.yaml" <<'YAML'
project_name_override: entraide-client
package_name_override: entraide_client
# The default hooks format the output with ruff, which is not a build step: none.
post_hooks: []
# Photos and videos are served in their own format (GET /media/{id}); the generator reads only
# JSON, text and octet-stream bodies, and its documented override maps these to raw bytes.
content_type_overrides:
  image/jpeg: application/octet-stream
  image/png: application/octet-stream
  image/webp: application/octet-stream
  video/mp4: application/octet-stream
  video/quicktime: application/octet-stream
YAML
(cd "$WORK" && "$VENV/bin/openapi-python-client" generate --path "$SPEC" --config config.yaml \
  --meta none --output-path "$WORK/entraide_client" >"$WORK/generate.log" 2>&1) \
  || { cat "$WORK/generate.log"; exit 1; }
if grep -Eiq 'warn|error|unable|skipp|unsupported' "$WORK/generate.log"; then
  echo "openapi-python-client warned:"; cat "$WORK/generate.log"; exit 1
fi

echo "==> compileall and import"
"$VENV/bin/python" -W error -m compileall -q "$WORK/entraide_client"
(cd "$WORK" && "$VENV/bin/python" -W error -c "import entraide_client, entraide_client.api, entraide_client.models; print('imported', entraide_client.__name__)")

# A few uses of the generated client, so mypy checks they are what a client needs.
cat >"$WORK/uses.py" <<'PY'
from entraide_client import AuthenticatedClient
from entraide_client.api.groups import get_group, list_groups
from entraide_client.models.field_problem import FieldProblem
from entraide_client.models.group import Group
from entraide_client.models.page_group import PageGroup
from entraide_client.models.problem import Problem
from entraide_client.models.problem_code import ProblemCode


def group_names(client: AuthenticatedClient) -> list[str]:
    page = list_groups.sync(client=client)
    if isinstance(page, PageGroup):
        return [group.name for group in page.items]
    return []


def read_group(client: AuthenticatedClient, group_id: str) -> Group | Problem | None:
    import uuid

    return get_group.sync(uuid.UUID(group_id), client=client)


def is_not_found(problem: Problem) -> bool:
    return problem.code == ProblemCode.NOT_FOUND


def invalid_fields(problem: Problem) -> list[str]:
    errors = problem.errors
    if isinstance(errors, list):
        return [error.field for error in errors if isinstance(error, FieldProblem)]
    return []
PY

echo "==> mypy --strict on the generated client"
(cd "$WORK" && "$VENV/bin/mypy" --strict --no-error-summary --cache-dir "$WORK/.mypy_cache" entraide_client uses.py)
echo "python-client: generated without warnings, compiles, imports, mypy --strict clean"
