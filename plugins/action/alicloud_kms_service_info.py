# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""alicloud_kms_service_info, in-process on the controller when the target is the controller itself."""

from ansible_collections.alicloud.kms.plugins.module_utils.service import read_kms_service
from ansible_collections.alicloud.kms.plugins.plugin_utils.kms_action import KmsServiceAction


class ActionModule(KmsServiceAction):

    operation = staticmethod(read_kms_service)
