"""Make the collection importable as ansible_collections.alicloud.kms, and the emulator as kms_emulator."""

import os
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "alicloud", "kms")


def _link_collection():
    # ansible-test runs from a copy that already sits under ansible_collections/alicloud/kms.
    parts = ROOT.split(os.sep)
    if parts[-3:-1] == ["ansible_collections", "alicloud"] and parts[-1] == "kms":
        return os.sep.join(parts[:-3])

    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    if not os.path.islink(LINK):
        os.symlink(os.path.relpath(ROOT, os.path.dirname(LINK)), LINK)
    return COLLECTIONS


sys.path.insert(0, _link_collection())
sys.path.insert(0, TESTS)
