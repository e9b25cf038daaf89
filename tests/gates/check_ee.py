# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check that ansible-builder can build an execution environment with this collection.

No container engine runs here, so this stops short of a build. It runs `ansible-builder create` on
docs/examples/execution-environment.yml and checks the build context it writes. Then it runs the
introspection script from that context on COLLECTIONS_ROOT, a folder with
ansible_collections/alicloud/kms in it, as the image build does. That checks that the collection's
meta/execution-environment.yml brings in every package of requirements.txt. ansible-builder falls back
to requirements.txt when a collection has no such file, so the file itself is checked first.

Usage: python check_ee.py COLLECTIONS_ROOT CONTEXT_DIR (with ansible-builder on PATH)
"""

import os
import shutil
import subprocess
import sys

import yaml


DEFINITION = os.path.join("docs", "examples", "execution-environment.yml")
COLLECTION_METADATA = os.path.join("meta", "execution-environment.yml")
REQUIREMENTS = "requirements.txt"
COLLECTION = "alicloud.kms"
CONTEXT_FILES = (
    "Containerfile",
    os.path.join("_build", "requirements.yml"),
    os.path.join("_build", "scripts", "introspect.py"),
)


def main(argv):
    """Create the build context and check it. Exits non-zero with the reason on a failure."""
    if len(argv) != 3:
        sys.exit("usage: %s COLLECTIONS_ROOT CONTEXT_DIR" % argv[0])
    collections_root, context = argv[1], argv[2]

    check_collection_metadata(COLLECTION_METADATA)

    shutil.rmtree(context, ignore_errors=True)
    subprocess.run(["ansible-builder", "create", "--file", DEFINITION, "--context", context,
                    "--output-filename", "Containerfile"], check=True)

    missing = [name for name in CONTEXT_FILES if not os.path.isfile(os.path.join(context, name))]
    if missing:
        sys.exit("ansible-builder create left out %s in %s" % (", ".join(missing), context))

    introspect = os.path.join(context, "_build", "scripts", "introspect.py")
    output = subprocess.run(
        [sys.executable, introspect, "introspect", collections_root],
        check=True, stdout=subprocess.PIPE, universal_newlines=True,
    ).stdout
    found = yaml.safe_load(output).get("python", [])

    expected = requirement_lines(REQUIREMENTS)
    absent = [line for line in expected if not any(entry.startswith(line) for entry in found)]
    if absent:
        sys.exit("the image would lack %s: meta/execution-environment.yml must name %s\nintrospect output:\n%s"
                 % (", ".join(absent), REQUIREMENTS, output))

    print("ansible-builder: build context in %s; the image gets %s from %s"
          % (context, ", ".join(expected), COLLECTION))


def check_collection_metadata(path):
    """Exit unless PATH is a version 3 definition whose Python dependencies are requirements.txt."""
    with open(path, encoding="utf-8") as handle:
        definition = yaml.safe_load(handle) or {}

    if definition.get("version") != 3:
        sys.exit("%s has version %r: use the version 3 format" % (path, definition.get("version")))
    python = (definition.get("dependencies") or {}).get("python")
    if python != REQUIREMENTS:
        sys.exit("%s names %r for Python dependencies: set dependencies.python to %s"
                 % (path, python, REQUIREMENTS))


def requirement_lines(path):
    """Return the requirement lines of a pip requirements file, without comments or blank lines."""
    with open(path, encoding="utf-8") as handle:
        lines = (line.split("#", 1)[0].strip() for line in handle)
        return [line for line in lines if line]


if __name__ == "__main__":
    main(sys.argv)
