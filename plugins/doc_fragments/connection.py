# Copyright: contributors to the alicloud.kms collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """The connection and credential options every module of alicloud.kms shares."""

    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - The AccessKey id of the RAM user or STS session to act as.
      - If not set, the value of E(ALIBABA_CLOUD_ACCESS_KEY_ID) is used, then E(ALICLOUD_ACCESS_KEY).
      - When no credential option is set at all, the default credential chain of alibabacloud-credentials
        is used.
      - Error messages show the key id by its first and last four characters only.
    type: str
    aliases: [access_key_id]
  secret_key:
    description:
      - The AccessKey secret that goes with O(access_key).
      - If not set, the value of E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) is used, then E(ALICLOUD_SECRET_KEY).
    type: str
    aliases: [access_key_secret]
  security_token:
    description:
      - The STS security token, when O(access_key) is a temporary key (its id starts with C(STS.)).
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
      - Set it to V(false) only for a test endpoint with a self-signed certificate.
    type: bool
    default: true
  ca_bundle:
    description:
      - The path of a PEM file of CA certificates to trust instead of the system's, for every HTTPS
        connection the module makes.
    type: path
  connect_timeout:
    description:
      - Seconds to wait for a connection to an endpoint, above 0 and at most 300.
    type: float
    default: 5
  read_timeout:
    description:
      - Seconds to wait for a reply once connected, above 0 and at most 3600.
    type: float
    default: 10
  retries:
    description:
      - How many times to retry a call that failed for a reason that may pass, from 0 to 20.
      - Throttling, server errors (HTTP 5xx), dropped connections and timeouts are retried with capped
        exponential backoff and full jitter, or after the wait the server asks for in C(x-acs-retry-after).
        No retry starts after 60 seconds from the first attempt.
      - Credential, permission and account errors are never retried.
    type: int
    default: 5
notes:
  - Activation is account-wide. The account is the one the credentials belong to.
requirements:
  - python >= 3.9
  - alibabacloud-kms20160120 >= 3.3.1
  - alibabacloud-tea-openapi >= 0.4.6
  - alibabacloud-credentials >= 1.0.12
"""
