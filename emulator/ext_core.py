"""Harness behaviour shared by every service (not an AWS gap).

* An operation moto does not implement raises NotImplementedError, which Flask turns into HTTP 500; the AWS SDKs
  (and so Terraform) retry 500s with back-off for minutes. Answer instead with a non-retryable 501 error named
  `NotImplemented` that says which operation is missing, so a new gap fails a test in seconds with its name.
  Likewise any other unexpected Python exception in a handler (an emulator bug, never an AWS answer) becomes a
  non-retryable 501 `EmulatorError` carrying the exception text.
* ROOTLOCK_EMULATOR_LOG_ACTIONS=1 logs `service.Action account` for each call to stderr (gap hunting).
"""
import os
import sys

from moto.core import responses as core_responses
from moto.core.utils import camelcase_to_underscores

_original_call_action = core_responses.BaseResponse.call_action


def _error_body(self, code: str, message: str):
    protocol = getattr(self, "boto3_service_name", "")
    headers = {"status": 501, "x-amzn-ErrorType": code}
    content_type = (self.headers or {}).get("Content-Type", "") if hasattr(self, "headers") else ""
    if "json" in content_type:
        import json

        headers["Content-Type"] = "application/x-amz-json-1.1"
        return 501, headers, json.dumps({"__type": code, "message": message, "Message": message})
    headers["Content-Type"] = "text/xml"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Receiver</Type>'
        f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>rootlock-emulator</RequestId></ErrorResponse>"
    )
    del protocol
    return 501, headers, body


def _call_action(self):
    if os.environ.get("ROOTLOCK_EMULATOR_LOG_ACTIONS") == "1":
        try:
            sys.stderr.write(f"[rootlock-emulator] {self.service_name}.{self._get_action()} {self.current_account}\n")
        except Exception:  # noqa: BLE001 - logging must never break a call
            pass
    try:
        return _original_call_action(self)
    except NotImplementedError as e:
        action = self._get_action() if hasattr(self, "_get_action") else camelcase_to_underscores(str(e))
        return _error_body(
            self,
            "NotImplemented",
            f"rootlock emulator: {self.service_name}:{action} is not implemented by moto; add it in emulator/ext_{self.service_name}.py",
        )
    except Exception as e:  # noqa: BLE001 - moto's own HTTP errors are handled inside call_action already
        import traceback

        traceback.print_exc()
        return _error_body(self, "EmulatorError", f"rootlock emulator bug in {self.service_name}: {type(e).__name__}: {e}")


def install() -> None:
    core_responses.BaseResponse.call_action = _call_action
