"""Shared set-up of the emulator self-tests (stdlib unittest): one in-process emulator (moto's ThreadedMotoServer with
rootlock's extensions) per test module, boto3 clients against it, and the harness routes."""
import json
import os
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
import extensions  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402
import logging  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.ERROR)

extensions.install()
MANAGEMENT = "123456789012"


class Emulator:
    def __init__(self):
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"

    def stop(self):
        self.server.stop()

    def reset(self):
        self.post("/moto-api/reset", {})

    def client(self, service, region="us-east-1", credentials=None):
        creds = credentials or {}
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint,
                            aws_access_key_id=creds.get("AccessKeyId", "testing"), aws_secret_access_key=creds.get("SecretAccessKey", "testing"),
                            aws_session_token=creds.get("SessionToken"))

    def post(self, path, payload):
        req = urllib.request.Request(self.endpoint + path, data=json.dumps(payload).encode(), method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, json.loads(res.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def emit_cloudtrail(self, account, region, record):
        return self.post("/_rootlock/cloudtrail", {"account": account, "region": region, "record": record})


def queue_with_open_policy(emu, name, region="us-east-1", credentials=None):
    sqs = emu.client("sqs", region, credentials)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": ["events.amazonaws.com", "sns.amazonaws.com"]}, "Action": "sqs:SendMessage", "Resource": arn}]}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return url, arn


def drain(emu, url, region="us-east-1", credentials=None):
    sqs = emu.client("sqs", region, credentials)
    out = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])
        if not got:
            return out
        out.extend(got)
        for m in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
