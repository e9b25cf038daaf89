from ansible_collections.alicloud.kms.plugins.module_utils.service import ServiceResult
from ansible_collections.alicloud.kms.plugins.plugin_utils.in_process import run_in_process

SECRET = "s3cr3t-value-that-must-not-leak"
MODULE_NAME = "alicloud.kms.alicloud_kms_service"


def task_args(**overrides):
    args = dict(access_key="LTAI5tAbCdEfGhIjKlMnf3e9", secret_key=SECRET, endpoint="http://127.0.0.1:1")
    args.update(overrides)
    return args


def enabled(api, check_mode):
    return ServiceResult(changed=False, account_status="Enabled", status_before="Enabled", outcome="already_enabled",
                         warnings=["a warning from the operation"])


def test_success_result_shape():
    result = run_in_process(enabled, task_args(), MODULE_NAME, check_mode=False, diff=False)

    assert result["changed"] is False
    assert result["account_status"] == "Enabled"
    assert result["attempts"] == 0
    assert "diff" not in result
    assert result["warnings"] == ["a warning from the operation"]
    assert result["invocation"]["module_args"]["retries"] == 5
    assert result["invocation"]["module_args"]["secret_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_diff_kept_in_diff_mode():
    result = run_in_process(enabled, task_args(), MODULE_NAME, check_mode=False, diff=True)

    assert result["diff"] == {"before": {"account_status": "Enabled"}, "after": {"account_status": "Enabled"}}


def test_alias_warning_comes_first():
    result = run_in_process(enabled, task_args(region="cn-hangzhou", region_id="cn-shanghai"), MODULE_NAME,
                            check_mode=False, diff=False)

    assert result["warnings"] == ["Both option region and its alias region_id are set.",
                                  "a warning from the operation"]


def test_unsupported_option_message():
    result = run_in_process(enabled, task_args(regoin="cn-hangzhou"), MODULE_NAME, check_mode=False, diff=False)

    assert result["failed"] is True
    assert result["msg"].startswith("Unsupported parameters for (alicloud.kms.alicloud_kms_service) module: regoin.")
    assert "account_status" not in result


def test_type_error_message():
    result = run_in_process(enabled, task_args(retries="many"), MODULE_NAME, check_mode=False, diff=False)

    assert result["failed"] is True
    assert "argument 'retries' is of type str and we were unable to convert to int" in result["msg"]


def test_environment_fallback_masked(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    args = task_args(region=SECRET)
    del args["secret_key"]

    result = run_in_process(enabled, args, MODULE_NAME, check_mode=False, diff=False)

    assert result["failed"] is True
    assert result["msg"].startswith("region '********' is not a valid region id")
    assert SECRET not in repr(result)
