import sys
from pathlib import Path

# The package lives in tests/, which is on sys.path only when pytest puts it there.
TESTS_DIR = str(Path(__file__).resolve().parents[2])
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from kms_emulator.pytest_plugin import (  # noqa: E402
    _emulator_session_proxy_cleared,
    emulator,
    emulator_session,
    emulator_state_dir,
)

# pytest finds fixtures by name in a conftest module, so the imports above are its whole purpose.
__all__ = ["_emulator_session_proxy_cleared", "emulator", "emulator_session", "emulator_state_dir"]
