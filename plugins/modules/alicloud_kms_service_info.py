#!/usr/bin/python
# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: alicloud_kms_service_info
short_description: Read the Key Management Service status of an Alibaba Cloud account
version_added: 0.1.0
description:
  - Reads the Key Management Service (KMS) status of the account that the credentials belong to, with
    C(DescribeAccountKmsStatus). It never changes anything.
  - An account that is C(InDebt) or C(Suspended) is reported with a warning that says what the status means.
author:
  - alicloud.kms maintainers (!UNKNOWN)
extends_documentation_fragment:
  - alicloud.kms.connection
  - alicloud.kms.in_process
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: The module only reads, in check mode or not.
  diff_mode:
    support: N/A
    details: The module never changes anything, so it has no diff.
  platform:
    platforms: posix
  action:
    support: full
    details: An action plugin of the same name runs the module in-process when the target is the controller.
  async:
    support: full
  bypass_host_loop:
    support: none
  action_group:
    membership:
      - alicloud.kms.alicloud
seealso:
  - module: alicloud.kms.alicloud_kms_service
  - ref: ansible_collections.alicloud.kms.account_bootstrap_role
    description: >-
      The role alicloud.kms.account_bootstrap activates KMS in every member account of an organisation and
      reports each outcome. Read it with C(ansible-doc -t role alicloud.kms.account_bootstrap).
  - name: DescribeAccountKmsStatus in OpenAPI Explorer
    description: The status call, with its response fields and error codes.
    link: https://api.aliyun.com/#product=Kms&api=DescribeAccountKmsStatus&type=RPC&version=2016-01-20
"""

EXAMPLES = r"""
- name: Read the KMS status of the account
  alicloud.kms.alicloud_kms_service_info:
  register: kms

- name: Stop when KMS is not usable
  ansible.builtin.assert:
    that: kms.account_status == "Enabled"
    fail_msg: "KMS is {{ kms.account_status }} on this account"
"""

RETURN = r"""
account_status:
  description: The account's KMS status, one of C(Enabled), C(NotEnabled), C(InDebt) and C(Suspended).
  returned: success
  type: str
  sample: Enabled
outcome:
  description:
    - The status in the words the collection reports, C(already_enabled), C(not_enabled) or C(unusable).
  returned: success
  type: str
  sample: already_enabled
request_id:
  description: The request id of the last API call, for Alibaba Cloud support.
  returned: always
  type: str
  sample: 3455B9B4-95C1-419D-B310-DB6A53B09A39
attempts:
  description: How many HTTP requests the module made, retries included.
  returned: always
  type: int
  sample: 1
error_code:
  description: The Alibaba Cloud error code of the call that failed. Null for a connection failure.
  returned: failure
  type: str
  sample: Forbidden.RAM
http_status:
  description: The HTTP status of the call that failed. Null for a connection failure.
  returned: failure
  type: int
  sample: 403
recommend:
  description: The troubleshooting link the server sent with the error.
  returned: failure, when the server sent one
  type: str
  sample: https://api.aliyun.com/troubleshoot?q=Forbidden.RAM
"""

from ansible_collections.alicloud.kms.plugins.module_utils.ansible_module import run_module
from ansible_collections.alicloud.kms.plugins.module_utils.service import read_kms_service


def main():
    run_module(read_kms_service)


if __name__ == "__main__":
    main()
