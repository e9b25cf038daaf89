import json

import pytest

from ansible_collections.alicloud.kms.plugins.module_utils.credentials import (
    AssumedRole,
    CliProfile,
    DefaultChain,
    EcsRole,
    ExplicitKeys,
    mask_key_id,
    select_source,
)
from ansible_collections.alicloud.kms.plugins.module_utils.options import OptionError


SECRET = "s3cr3t-value-that-must-not-leak"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE",
                 "ALICLOUD_ECS_ROLE_NAME", "ALICLOUD_ASSUME_ROLE_ARN", "ALICLOUD_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)


def keys(**values):
    base = dict(access_key=None, secret_key=None, security_token=None)
    base.update(values)
    return base


def test_mask_key_id():
    assert mask_key_id("LTAI5tAbCdEfGhIjKlMnf3e9") == "LTAI...f3e9"
    assert mask_key_id("short") == "sh..."
    assert mask_key_id(None) == "(none)"


def test_explicit_keys_selected():
    source = select_source(keys(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET))
    assert isinstance(source, ExplicitKeys)
    assert source.resolve(transport=None)["access_key_secret"] == SECRET
    assert "LTAI...f3e9" in source.describe()
    assert SECRET not in source.describe()


def test_no_options_means_default_chain():
    assert isinstance(select_source(keys()), DefaultChain)


def test_origin_names_environment_variable(monkeypatch):
    monkeypatch.setenv("ALICLOUD_ACCESS_KEY", "LTAI5tAbCdEfGhIjKlMnf3e9")
    source = select_source(keys(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET))
    assert "the environment variable ALICLOUD_ACCESS_KEY" in source.describe()


def test_sts_key_named_as_such():
    source = select_source(keys(access_key="STS.NUgYrLnoC37mZZCNnAbez", secret_key=SECRET, security_token="tok"))
    assert source.describe().startswith("the STS access key STS....Abez")


@pytest.mark.parametrize("values, fragment", [
    (dict(access_key="LTAI5tAbCdEfGhIjKlMnf3e9"), "secret_key is missing"),
    (dict(secret_key=SECRET), "secret_key is set but access_key is missing"),
    (dict(security_token="tok"), "security_token is set but access_key is missing"),
    (dict(access_key="", secret_key=SECRET), "access_key is empty"),
    (dict(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key="  "), "secret_key is empty"),
    (dict(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET, security_token=""), "security_token is empty"),
])
def test_invalid_keys(values, fragment):
    with pytest.raises(OptionError) as caught:
        select_source(keys(**values))
    assert fragment in str(caught.value)
    assert SECRET not in str(caught.value)


def profile_file(tmp_path, profiles, current="default"):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"current": current, "profiles": profiles}))
    return str(path)


AK_PROFILE = {"name": "default", "mode": "AK", "access_key_id": "LTAI5tProfileKeyId00a1b2", "access_key_secret": SECRET,
              "region_id": "eu-central-1"}


def test_profile_selected_with_its_region(tmp_path):
    path = profile_file(tmp_path, [AK_PROFILE])
    source = select_source(keys(shared_credentials_file=path))
    assert isinstance(source, CliProfile)
    assert source.region == "eu-central-1"
    assert source.describe() == "the access key LTAI...a1b2 from the profile 'default' in %s" % path
    assert source.resolve(transport=None)["access_key_secret"] == SECRET


def test_sts_profile_carries_token(tmp_path):
    profile = dict(AK_PROFILE, name="sts", mode="StsToken", sts_token="token-value")
    source = select_source(keys(shared_credentials_file=profile_file(tmp_path, [profile]), profile="sts"))
    assert source.resolve(transport=None)["security_token"] == "token-value"


@pytest.mark.parametrize("content, fragment", [
    ("not json", "is not valid JSON"),
    ("[]", "does not hold a JSON object"),
    ('{"current": "default"}', "has no 'profiles' list"),
    ('{"profiles": []}', "names no current profile"),
    ('{"current": "x", "profiles": [{"name": "default"}]}', "profile 'x' is not in"),
    ('{"current": "a", "profiles": [{"name": "a", "mode": "OIDC"}]}', "mode 'OIDC', which this collection does not"),
    ('{"current": "a", "profiles": [{"name": "a", "mode": "AK", "access_key_id": "LTAIxx"}]}', "has no access_key_secret"),
    ('{"current": "a", "profiles": [{"name": "a", "mode": "EcsRamRole"}]}', "has no ram_role_name"),
    ('{"current": "a", "profiles": [{"name": "a", "mode": "RamRoleArn", "access_key_id": "LTAIxx", '
     '"access_key_secret": "s", "ram_role_arn": "arn:bad"}]}', "is not a RAM role ARN"),
])
def test_invalid_profile_files(tmp_path, content, fragment):
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(OptionError) as caught:
        select_source(keys(shared_credentials_file=str(path)))
    assert fragment in str(caught.value)


def test_missing_profile_file(tmp_path):
    with pytest.raises(OptionError) as caught:
        select_source(keys(shared_credentials_file=str(tmp_path / "absent.json")))
    assert "does not exist" in str(caught.value)


def test_home_unset_with_default_file(monkeypatch):
    monkeypatch.delenv("HOME", raising=False)
    with pytest.raises(OptionError) as caught:
        select_source(keys(profile="ops"))
    assert "HOME is not set" in str(caught.value)


def test_keys_and_profile_options_conflict(tmp_path):
    path = profile_file(tmp_path, [AK_PROFILE])
    with pytest.raises(OptionError) as caught:
        select_source(keys(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET, profile="default",
                           shared_credentials_file=path))
    assert "access_key and profile are both set" in str(caught.value)


def test_profile_option_beats_environment_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI5tAbCdEfGhIjKlMnf3e9")
    path = profile_file(tmp_path, [AK_PROFILE])
    source = select_source(keys(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET, profile="default",
                                shared_credentials_file=path))
    assert isinstance(source, CliProfile)


def test_keys_option_beats_environment_profile(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_PROFILE", "default")
    source = select_source(keys(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET, profile="default"))
    assert isinstance(source, ExplicitKeys)


def test_ecs_role_after_keys():
    assert isinstance(select_source(keys(ecs_role_name="KmsRole")), EcsRole)
    source = select_source(keys(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET, ecs_role_name="KmsRole"))
    assert isinstance(source, ExplicitKeys)


def test_invalid_ecs_role_name():
    with pytest.raises(OptionError) as caught:
        select_source(keys(ecs_role_name="bad role!"))
    assert "ecs_role_name 'bad role!' is not a valid RAM role name" in str(caught.value)


ROLE = "acs:ram::1234567890123456:role/ResourceDirectoryAccountAccessRole"


def test_assume_role_layers_on_base():
    source = select_source(keys(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET,
                                assume_role=dict(role_arn=ROLE)))
    assert isinstance(source, AssumedRole)
    assert isinstance(source.base, ExplicitKeys)
    assert source.session_name == "ansible-alicloud-kms"
    assert source.duration == 3600
    assert source.sts_endpoint == ("https", "sts.aliyuncs.com")
    assert source.describe() == "the role %s assumed with the access key LTAI...f3e9 from the access_key option" % ROLE


def test_assume_role_from_legacy_variable(monkeypatch):
    monkeypatch.setenv("ALICLOUD_ASSUME_ROLE_ARN", ROLE)
    source = select_source(keys())
    assert isinstance(source, AssumedRole)
    assert isinstance(source.base, DefaultChain)


@pytest.mark.parametrize("role, fragment", [
    (dict(role_arn="arn:aws:iam::123:role/x"), "is not a RAM role ARN"),
    (dict(role_arn="acs:ram::abc:role/x"), "is not a RAM role ARN"),
    (dict(role_arn=""), "role_arn in assume_role is empty"),
    (dict(role_arn=ROLE, session_name="x"), "session_name 'x' in assume_role is invalid"),
    (dict(role_arn=ROLE, session_name="has space"), "is invalid"),
    (dict(role_arn=ROLE, session_duration=899), "session_duration 899 in assume_role is out of range"),
    (dict(role_arn=ROLE, session_duration=43201), "from 900 to 43200"),
    (dict(role_arn=ROLE, external_id="x"), "external_id in assume_role is invalid"),
    (dict(role_arn=ROLE, policy="  "), "assume_role.policy is empty"),
])
def test_invalid_assume_role(role, fragment):
    with pytest.raises(OptionError) as caught:
        select_source(keys(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET, assume_role=role))
    assert fragment in str(caught.value)


def test_invalid_sts_endpoint():
    with pytest.raises(OptionError) as caught:
        select_source(keys(assume_role=dict(role_arn=ROLE), sts_endpoint="ftp://sts.aliyuncs.com"))
    assert "sts_endpoint 'ftp://sts.aliyuncs.com' has the scheme 'ftp'" in str(caught.value)
