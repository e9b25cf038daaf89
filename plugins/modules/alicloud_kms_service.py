#!/usr/bin/python
# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: alicloud_kms_service
short_description: Make sure Alibaba Cloud Key Management Service is activated on an account
version_added: 0.1.0
description:
  - Makes sure Key Management Service (KMS) is activated on the Alibaba Cloud account that the credentials
    belong to.
  - Reads the account's status with C(DescribeAccountKmsStatus) and calls C(OpenKmsService) only when the
    status is C(NotEnabled). An account that is already C(Enabled) is left as it is.
  - An account that is C(InDebt) or C(Suspended) cannot be activated or re-activated. The module reports
    its status with a warning that says what the status means, and changes nothing.
  - KMS is a paid service, and an account can activate it only after real-name verification.
  - If another run activates the account between the status read and the activation call, the module
    reports the account as unchanged.
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
    details: In check mode the module reads the status and reports what it would do; it never activates.
  diff_mode:
    support: full
    details: The diff shows RV(account_status) before and after.
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
  - module: alicloud.kms.alicloud_kms_service_info
  - ref: ansible_collections.alicloud.kms.account_bootstrap_role
    description: >-
      The role alicloud.kms.account_bootstrap activates KMS in every member account of an organisation and
      reports each outcome. Read it with C(ansible-doc -t role alicloud.kms.account_bootstrap).
  - name: OpenKmsService in OpenAPI Explorer
    description: The activation call, with its parameters and error codes.
    link: https://api.aliyun.com/#product=Kms&api=OpenKmsService&type=RPC&version=2016-01-20
"""

EXAMPLES = r"""
- name: Activate KMS with the credentials of the environment
  alicloud.kms.alicloud_kms_service:

- name: Activate KMS with an explicit key pair, through a VPC endpoint
  alicloud.kms.alicloud_kms_service:
    access_key: "{{ kms_access_key }}"
    secret_key: "{{ kms_secret_key }}"
    endpoint: https://kms-vpc.cn-shanghai.aliyuncs.com

- name: Set the connection once for every module of the collection
  module_defaults:
    group/alicloud.kms.alicloud:
      region: ap-southeast-1
      retries: 8
  block:
    - name: Activate KMS
      alicloud.kms.alicloud_kms_service:
      register: kms

    - name: Show the account status
      ansible.builtin.debug:
        msg: "KMS is {{ kms.account_status }} ({{ kms.outcome }})"
"""

RETURN = r"""
account_status:
  description:
    - The account's KMS status after the run, one of C(Enabled), C(NotEnabled), C(InDebt) and C(Suspended).
    - In check mode, the status the account would have, C(Enabled) for an account that would be activated.
  returned: success
  type: str
  sample: Enabled
outcome:
  description:
    - What the run did or would do, C(activated), C(would_activate) (check mode), C(already_enabled), or
      C(unusable) for an account that is InDebt or Suspended.
  returned: success
  type: str
  sample: activated
request_id:
  description: The request id of the last API call, for Alibaba Cloud support.
  returned: always
  type: str
  sample: 3455B9B4-95C1-419D-B310-DB6A53B09A39
attempts:
  description: How many HTTP requests the module made, retries included.
  returned: always
  type: int
  sample: 2
error_code:
  description: The Alibaba Cloud error code of the call that failed. Null for a connection failure.
  returned: failure
  type: str
  sample: Forbidden.NoRealNameAuthentication
http_status:
  description: The HTTP status of the call that failed. Null for a connection failure.
  returned: failure
  type: int
  sample: 400
recommend:
  description: The troubleshooting link the server sent with the error.
  returned: failure, when the server sent one
  type: str
  sample: https://api.aliyun.com/troubleshoot?q=Forbidden.NoRealNameAuthentication
"""

from ansible_collections.alicloud.kms.plugins.module_utils.ansible_module import run_module
from ansible_collections.alicloud.kms.plugins.module_utils.service import ensure_kms_service


def main():
    run_module(ensure_kms_service)


if __name__ == "__main__":
    main()
