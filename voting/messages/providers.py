"""Where messages go: ``VOTING_SMS_PROVIDER`` picks one provider for the instance.

- ``console``: prints each message on the worker's standard output (the demo; never in
  production, where it would print codes);
- ``file:PATH``: appends one JSON object per line, ``{"to", "kind", "text", "code"?,
  "meeting_id", "sent_at"}`` (tests read what an owner's phone receives from it);
- ``aliyun``: Alibaba Cloud SMS (``pip install "gongyi-voting[aliyun]"``);
- ``tencent``: Tencent Cloud SMS (``pip install "gongyi-voting[tencent]"``).

The SDKs are imported when a provider is made, so neither is needed otherwise.
"""

import fcntl
import json
from dataclasses import dataclass, field
from datetime import datetime

import click

#: The SMS template variables of each kind, in the order Tencent Cloud's templates take them.
TEMPLATE_VARIABLES = {
    "code": ("code",),
    "ballot_recorded": ("time", "channel", "office", "link"),
    "notice": ("community", "meeting", "opens", "closes", "link"),
    "link": ("meeting", "closes", "link"),
    "reminder": ("meeting", "closes", "link"),
}


class ProviderError(Exception):
    """The provider did not take the message; the worker retries it later."""


@dataclass(frozen=True)
class Outgoing:
    """One message to one phone, as a provider sends it."""

    to: str
    kind: str
    text: str
    meeting_id: int | None
    sent_at: datetime
    code: str | None = None
    #: The template variables (TEMPLATE_VARIABLES) for providers that send by template.
    variables: dict = field(default_factory=dict)


class ConsoleProvider:
    """Prints each message with the phone masked (the demo's provider)."""

    name = "console"

    def send(self, message: Outgoing) -> None:
        masked = message.to[:3] + "*" * max(0, len(message.to) - 7) + message.to[-4:]
        click.echo(f"[SMS to {masked}] {message.text}")


class FileProvider:
    """Appends one JSON object per line to a file (tests, and offline integrations)."""

    name = "file"

    def __init__(self, path: str) -> None:
        if not path:
            raise ValueError("VOTING_SMS_PROVIDER=file:PATH needs a path")
        self.path = path

    def send(self, message: Outgoing) -> None:
        line = {"to": message.to, "kind": message.kind, "text": message.text}
        if message.code is not None:
            line["code"] = message.code
        line["meeting_id"] = None if message.meeting_id is None else str(message.meeting_id)
        line["sent_at"] = message.sent_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        data = json.dumps(line, ensure_ascii=False) + "\n"
        try:
            with open(self.path, "a", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                handle.write(data)
        except OSError as error:
            raise ProviderError(f"cannot write {self.path}: {error.strerror}") from None


def _templates(config: dict, name: str) -> dict:
    raw = config.get(name) or "{}"
    templates = json.loads(raw) if isinstance(raw, str) else dict(raw)
    if not isinstance(templates, dict):
        raise ValueError(f"{name} must be a JSON object of kind -> template")
    return templates


def _required(config: dict, *names: str) -> list[str]:
    missing = [n for n in names if not config.get(n)]
    if missing:
        raise ValueError(f"the SMS provider needs {', '.join(missing)}")
    return [config[n] for n in names]


class AliyunProvider:
    """Alibaba Cloud SMS (短信服务, SendSms) through the official SDK."""

    name = "aliyun"

    def __init__(self, config: dict) -> None:
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as openapi

        key_id, key_secret, self.sign_name = _required(
            config, "VOTING_ALIYUN_ACCESS_KEY_ID", "VOTING_ALIYUN_ACCESS_KEY_SECRET",
            "VOTING_ALIYUN_SMS_SIGN_NAME",
        )  # fmt: skip
        self.templates = _templates(config, "VOTING_ALIYUN_SMS_TEMPLATES")
        settings = openapi.Config(access_key_id=key_id, access_key_secret=key_secret)
        settings.endpoint = config.get("VOTING_ALIYUN_SMS_ENDPOINT") or "dysmsapi.aliyuncs.com"
        self.client = Client(settings)

    def send(self, message: Outgoing) -> None:
        from alibabacloud_dysmsapi20170525 import models

        template = self.templates.get(message.kind)
        if not template:
            raise ProviderError(f"no Alibaba Cloud template for {message.kind}")
        request = models.SendSmsRequest(
            phone_numbers=message.to,
            sign_name=self.sign_name,
            template_code=template,
            template_param=json.dumps(message.variables, ensure_ascii=False),
        )
        try:
            body = self.client.send_sms(request).body
        except Exception as error:  # the SDK raises its own TeaException and network errors
            raise ProviderError(f"Alibaba Cloud: {type(error).__name__}") from None
        if body.code != "OK":
            raise ProviderError(f"Alibaba Cloud: {body.code} {body.message}"[:300])


class TencentProvider:
    """Tencent Cloud SMS (短信, SendSms 2021-01-11) through the official SDK."""

    name = "tencent"

    def __init__(self, config: dict) -> None:
        from tencentcloud.common import credential
        from tencentcloud.sms.v20210111 import sms_client

        secret_id, secret_key, self.app_id, self.sign_name = _required(
            config, "VOTING_TENCENT_SECRET_ID", "VOTING_TENCENT_SECRET_KEY",
            "VOTING_TENCENT_SMS_APP_ID", "VOTING_TENCENT_SMS_SIGN_NAME",
        )  # fmt: skip
        self.templates = _templates(config, "VOTING_TENCENT_SMS_TEMPLATES")
        region = config.get("VOTING_TENCENT_SMS_REGION") or "ap-guangzhou"
        self.client = sms_client.SmsClient(credential.Credential(secret_id, secret_key), region)

    def send(self, message: Outgoing) -> None:
        from tencentcloud.sms.v20210111 import models

        template = self.templates.get(message.kind)
        if not template:
            raise ProviderError(f"no Tencent Cloud template for {message.kind}")
        request = models.SendSmsRequest()
        request.SmsSdkAppId, request.SignName = self.app_id, self.sign_name
        request.TemplateId = str(template)
        order = TEMPLATE_VARIABLES.get(message.kind, ())
        request.TemplateParamSet = [str(message.variables.get(name, "")) for name in order]
        phone = message.to if message.to.startswith("+") else "+86" + message.to
        request.PhoneNumberSet = [phone]
        try:
            statuses = self.client.SendSms(request).SendStatusSet
        except Exception as error:  # TencentCloudSDKException and network errors
            raise ProviderError(f"Tencent Cloud: {type(error).__name__}") from None
        status = statuses[0] if statuses else None
        if status is None or status.Code != "Ok":
            detail = f"{status.Code} {status.Message}" if status else "no status"
            raise ProviderError(f"Tencent Cloud: {detail}"[:300])


def make_provider(config: dict):
    """The provider that ``VOTING_SMS_PROVIDER`` names (``console`` when unset)."""
    setting = (config.get("VOTING_SMS_PROVIDER") or "console").strip()
    if setting == "console":
        return ConsoleProvider()
    if setting.startswith("file:"):
        return FileProvider(setting.removeprefix("file:"))
    if setting == "aliyun":
        return AliyunProvider(config)
    if setting == "tencent":
        return TencentProvider(config)
    raise ValueError(
        f"unknown VOTING_SMS_PROVIDER {setting!r}: console, file:PATH, aliyun or tencent"
    )
