# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copy the collection into a real ansible_collections/alicloud/kms directory for the review tools.

ansible-test resolves symbolic links, so it cannot run through .build/collections. This copies the
files git lists, tracked or new but not ignored, into DEST and replaces whatever DEST held before,
except ansible-test's results in tests/output. DEST gets an empty git repository of its own, because
ansible-test and ansible-lint list files with git in the nearest repository above them, and the
clone's repository ignores .build.

Usage: python copy_collection.py SOURCE DEST
"""

import os
import shutil
import subprocess
import sys


def main(argv):
    """Copy SOURCE's files into DEST."""
    if len(argv) != 3:
        sys.exit("usage: %s SOURCE DEST" % argv[0])
    source, dest = os.path.abspath(argv[1]), os.path.abspath(argv[2])

    if dest.split(os.sep)[-3:] != ["ansible_collections", "alicloud", "kms"]:
        sys.exit("DEST %s must end in ansible_collections/alicloud/kms" % dest)

    paths = listed_files(source)
    clear(dest, keep=(os.path.join(dest, ".git"), os.path.join(dest, "tests", "output")))
    for path in paths:
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(source, path), target, follow_symlinks=False)

    if not os.path.isdir(os.path.join(dest, ".git")):
        subprocess.run(["git", "init", "--quiet", dest], check=True)
    print("copied %d files to %s" % (len(paths), dest))


def listed_files(source):
    """Return the files git tracks or would track under SOURCE, without ignored or deleted ones."""
    output = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=source, check=True, stdout=subprocess.PIPE,
    ).stdout.decode("utf-8")

    paths = sorted(set(path for path in output.split("\0") if path))
    return [path for path in paths if os.path.isfile(os.path.join(source, path))]


def clear(directory, keep):
    """Remove everything under DIRECTORY except the paths in KEEP and the folders that lead to them."""
    if not os.path.isdir(directory):
        return

    for entry in os.listdir(directory):
        path = os.path.join(directory, entry)
        if path in keep:
            continue
        if any(kept.startswith(path + os.sep) for kept in keep):
            clear(path, keep)
        elif os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


if __name__ == "__main__":
    main(sys.argv)
