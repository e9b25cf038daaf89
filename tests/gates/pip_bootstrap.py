# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Let ansible-test bootstrap pip without reaching outside the package index.

ansible-test installs pip into each virtual environment it creates by running a get-pip script that
it downloads from a host these machines cannot reach, unless ~/.ansible/test/cache/get_pip_<version>.py
exists (ansible-core 2.19: pip 24.2, 2.21: pip 25.2). This writes a stand-in there that installs pip
with ensurepip and then runs `pip install` with the arguments ansible-test passes, which include the
pinned pip version. A real get-pip script found there is left alone.

Usage: python pip_bootstrap.py, with the Python whose ansible-core runs ansible-test.
"""

import importlib.util
import os
import re
import sys


CACHE_DIR = os.path.expanduser("~/.ansible/test/cache")

# The pip version is a literal in ansible-test's python_requirements.py: pip='24.2'.
PIP_VERSION_PATTERN = re.compile(r"""\bpip=['"]([0-9][0-9.]*)['"]""")

STAND_IN_MARKER = "# alicloud.kms stand-in for get-pip.py"

STAND_IN = STAND_IN_MARKER + '''
"""Install pip with ensurepip, then pip install what ansible-test asked get-pip.py to install."""
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")

subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + arguments))
'''


def main():
    """Write the stand-in for the pip version the installed ansible-test bootstraps."""
    version = ansible_test_pip_version()
    path = os.path.join(CACHE_DIR, "get_pip_%s.py" % version.replace(".", "_"))

    if is_real_get_pip(path):
        print("ansible-test pip %s bootstrap: %s (a real get-pip script, kept)" % (version, path))
        return

    os.makedirs(CACHE_DIR, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(STAND_IN)
    print("ansible-test pip %s bootstrap: %s" % (version, path))


def ansible_test_pip_version():
    """Return the pip version that the installed ansible-test bootstraps into its virtual environments."""
    spec = importlib.util.find_spec("ansible_test")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("ansible-test is not installed for %s: install ansible-core into it first" % sys.executable)

    path = os.path.join(spec.submodule_search_locations[0], "_internal", "python_requirements.py")
    with open(path, encoding="utf-8") as handle:
        match = PIP_VERSION_PATTERN.search(handle.read())
    if not match:
        sys.exit("no pip version found in %s: this ansible-core release bootstraps pip differently, "
                 "so %s needs updating" % (path, __file__))
    return match.group(1)


def is_real_get_pip(path):
    """Return whether PATH is a get-pip script other than this stand-in."""
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as handle:
        return not handle.readline().startswith(STAND_IN_MARKER)


if __name__ == "__main__":
    main()
