"""A local Alibaba Cloud KMS, STS and ECS metadata endpoint for tests and demos.

See README.md beside this file.
"""

from .emulator import Emulator
from .state import ACCOUNT_STATUSES, Account

__all__ = ["ACCOUNT_STATUSES", "Account", "Emulator"]
