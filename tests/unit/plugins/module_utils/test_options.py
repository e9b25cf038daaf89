import pytest

from ansible_collections.alicloud.kms.plugins.module_utils.options import (
    OptionError,
    connection_settings,
    parse_endpoint,
)


def params(**overrides):
    base = dict(region=None, endpoint=None, validate_certs=True, ca_bundle=None, connect_timeout=5.0,
                read_timeout=10.0, retries=5)
    base.update(overrides)
    return base


@pytest.mark.parametrize("value, expected", [
    (None, ("https", None)),
    ("http://127.0.0.1:8080", ("http", "127.0.0.1:8080")),
    ("https://kms-vpc.cn-shanghai.aliyuncs.com", ("https", "kms-vpc.cn-shanghai.aliyuncs.com")),
    ("https://kms.cn-hangzhou.aliyuncs.com/", ("https", "kms.cn-hangzhou.aliyuncs.com")),
    ("kms.cn-hangzhou.aliyuncs.com", ("https", "kms.cn-hangzhou.aliyuncs.com")),
    ("127.0.0.1:8443", ("https", "127.0.0.1:8443")),
    ("http://[::1]:8080", ("http", "[::1]:8080")),
])
def test_endpoint_forms(value, expected):
    assert parse_endpoint(value) == expected


@pytest.mark.parametrize("value, fragment", [
    ("ftp://kms.cn-hangzhou.aliyuncs.com", "scheme 'ftp'"),
    ("http://", "no host"),
    ("https://kms.cn-hangzhou.aliyuncs.com/api", "path '/api'"),
    ("https://kms.cn-hangzhou.aliyuncs.com/?a=1", "query"),
    ("https://user:pw@kms.cn-hangzhou.aliyuncs.com", "user information"),
    ("http://127.0.0.1:99999", "not a valid URL"),
    ("https://bad_host!", "invalid host name"),
    ("", "endpoint is empty"),
    ("   ", "endpoint is empty"),
])
def test_endpoint_errors(value, fragment):
    with pytest.raises(OptionError) as caught:
        parse_endpoint(value)
    assert fragment in str(caught.value)


def test_defaults():
    settings = connection_settings(params())
    assert settings.region == "cn-hangzhou"
    assert settings.protocol == "https"
    assert settings.endpoint_url == "https://kms.cn-hangzhou.aliyuncs.com"


def test_profile_region_used_when_region_unset():
    assert connection_settings(params(), default_region="eu-central-1").region == "eu-central-1"
    assert connection_settings(params(region="cn-beijing"), default_region="eu-central-1").region == "cn-beijing"


@pytest.mark.parametrize("overrides, fragment", [
    (dict(region="CN_HANGZHOU"), "region 'CN_HANGZHOU' is not a valid region id"),
    (dict(region="hangzhou"), "not a valid region id"),
    (dict(region=" cn-hangzhou"), "white space"),
    (dict(connect_timeout=0.0), "connect_timeout 0.0 is out of range"),
    (dict(read_timeout=-1.0), "read_timeout -1.0 is out of range"),
    (dict(read_timeout=99999.0), "at most 3600"),
    (dict(retries=-1), "retries -1 is out of range"),
    (dict(retries=21), "from 0 to 20"),
    (dict(ca_bundle="/nonexistent/ca.pem"), "ca_bundle '/nonexistent/ca.pem' does not exist"),
])
def test_invalid_settings(overrides, fragment):
    with pytest.raises(OptionError) as caught:
        connection_settings(params(**overrides))
    assert fragment in str(caught.value)
