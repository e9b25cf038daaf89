import pytest

from ansible_collections.alicloud.kms.plugins.module_utils.credentials import (
    DefaultChain,
    ExplicitKeys,
    mask_key_id,
    select_source,
)
from ansible_collections.alicloud.kms.plugins.module_utils.options import OptionError


SECRET = "s3cr3t-value-that-must-not-leak"


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
    assert source.describe().startswith("STS access key STS....Abez")


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
