# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """The connection and credential options every module of alicloud.kms shares."""

    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - The AccessKey id of the RAM user or STS session to act as, such as C(LTAI5tExampleKeyId8e3f).
      - If not set, the value of E(ALIBABA_CLOUD_ACCESS_KEY_ID) is used, then E(ALICLOUD_ACCESS_KEY).
      - When no credential option is set at all, the default credential chain of alibabacloud-credentials
        is used.
      - Error messages show the key id by its first and last four characters only.
    type: str
    aliases: [access_key_id]
  secret_key:
    description:
      - The AccessKey secret that goes with O(access_key), best taken from Ansible Vault, such as
        C({{ vault_alicloud_secret_key }}).
      - If not set, the value of E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) is used, then E(ALICLOUD_SECRET_KEY).
    type: str
    aliases: [access_key_secret]
  security_token:
    description:
      - The STS security token, when O(access_key) is a temporary key (its id starts with C(STS.)), such as
        C({{ sts_credentials.security_token }}) from a task that registered temporary credentials.
      - If not set, the value of E(ALIBABA_CLOUD_SECURITY_TOKEN) is used, then E(ALICLOUD_SECURITY_TOKEN).
    type: str
  region:
    description:
      - The region id whose KMS endpoint the module calls, such as C(cn-hangzhou) or C(ap-southeast-1).
      - KMS activation applies to the whole account, so any region serves it.
      - If not set, the value of E(ALIBABA_CLOUD_REGION_ID) is used, then E(ALICLOUD_REGION), then
        C(cn-hangzhou).
    type: str
    aliases: [region_id]
  endpoint:
    description:
      - The KMS endpoint to call instead of the public endpoint of O(region), C(kms.<region>.aliyuncs.com).
      - A URL with scheme, host and optional port, such as C(https://kms-vpc.cn-shanghai.aliyuncs.com) or
        C(http://127.0.0.1:8080), or a bare host, which means HTTPS.
      - A path, query or user information in the URL is an error.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of every HTTPS endpoint the module calls.
      - Set it to V(false) only for a test endpoint with a self-signed certificate; prefer O(ca_bundle).
    type: bool
    default: true
  ca_bundle:
    description:
      - The path of a PEM file of CA certificates to trust instead of the system's, for every HTTPS
        connection the module makes, such as C(/etc/pki/ca-trust/source/anchors/corporate-proxy.pem).
      - If not set, the system's CA certificates are trusted.
    type: path
  connect_timeout:
    description:
      - Seconds to wait for a connection to an endpoint, above 0 and at most 300, such as V(2.5).
    type: float
    default: 5
  read_timeout:
    description:
      - Seconds to wait for a reply once connected, above 0 and at most 3600, such as V(30).
    type: float
    default: 10
  retries:
    description:
      - How many times to retry a call that failed for a reason that may pass, from 0 to 20, such as V(8)
        for a run over many accounts that may meet throttling.
      - Throttling, server errors (HTTP 5xx), dropped connections and timeouts are retried with capped
        exponential backoff and full jitter, or after the wait the server asks for in C(x-acs-retry-after).
        A retry whose wait would end more than 60 seconds after the first attempt is not made.
      - Credential, permission and account errors are never retried.
    type: int
    default: 5
  profile:
    description:
      - The name of a profile in the aliyun CLI configuration file O(shared_credentials_file), such as
        C(production).
      - Supported modes are C(AK), C(StsToken), C(RamRoleArn) and C(EcsRamRole). The profile's C(region_id)
        applies unless O(region) is set.
      - If not set, the value of E(ALIBABA_CLOUD_PROFILE) is used, then E(ALICLOUD_PROFILE).
      - Setting both O(access_key) and O(profile) as options is an error.
    type: str
  shared_credentials_file:
    description:
      - The path of the aliyun CLI configuration file that holds O(profile).
      - If not set, the value of E(ALICLOUD_SHARED_CREDENTIALS_FILE) is used, then C(~/.aliyun/config.json).
      - Set alone, it selects the file's current profile.
    type: path
  ecs_role_name:
    description:
      - The name of the RAM role attached to the ECS instance the module runs on, such as C(KmsOnboarding).
        The module reads the role's temporary credentials from the instance metadata service, with a
        session token and short timeouts.
      - If not set, the value of E(ALICLOUD_ECS_ROLE_NAME) is used.
      - E(ALIBABA_CLOUD_ECS_METADATA_ENDPOINT) points this source at another metadata server, such as a test
        server; it defaults to C(http://100.100.100.200).
    type: str
  assume_role:
    description:
      - Assume this RAM role through STS with the credentials chosen by the other options, and act as the role.
      - If not set and E(ALICLOUD_ASSUME_ROLE_ARN) is set, the module assumes that role with the defaults below.
    type: dict
    suboptions:
      role_arn:
        description:
          - The ARN of the role, in the form C(acs:ram::<account id>:role/<role name>), such as
            C(acs:ram::1234567890123456:role/ResourceDirectoryAccountAccessRole).
        type: str
        required: true
      session_name:
        description:
          - The role session name, 2 to 64 letters, digits or the characters C(.@-_), such as C(kms-onboarding).
            It appears in ActionTrail.
          - If not set, C(ansible-alicloud-kms) is used.
        type: str
      session_duration:
        description:
          - How long the temporary credentials are valid, in seconds, from 900 to 43200, such as V(900) for a
            short run.
        type: int
        default: 3600
      policy:
        description:
          - A RAM policy document that further limits the role's permissions for this session, such as one
            that allows only C(kms:DescribeAccountKmsStatus) and C(kms:OpenKmsService).
        type: json
      external_id:
        description:
          - The external id that the role's trust policy requires, if any, such as C(onboarding-2024).
        type: str
  sts_endpoint:
    description:
      - The STS endpoint that O(assume_role) calls, as a URL or a bare host (which means HTTPS), such as
        C(https://sts-vpc.cn-shanghai.aliyuncs.com).
      - If not set, the value of E(ALIBABA_CLOUD_STS_ENDPOINT) is used, then C(https://sts.aliyuncs.com).
      - O(validate_certs) and O(ca_bundle) apply to it too.
    type: str
notes:
  - Credentials are taken from, in this order, O(access_key) and O(secret_key), O(profile), O(ecs_role_name),
    and else the default credential chain of alibabacloud-credentials. A source set as an option beats one
    set only through environment variables. O(assume_role) applies on top of the source chosen.
  - Activation is account-wide. The account is the one the credentials belong to.
requirements:
  - python >= 3.9
  - alibabacloud-kms20160120 >= 3.3.1
  - alibabacloud-tea-openapi >= 0.4.6
  - alibabacloud-credentials >= 1.0.12
"""
