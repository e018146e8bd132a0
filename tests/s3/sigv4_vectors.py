#!/usr/bin/env python3
"""Signs the requests of sigv4_cases.json with botocore and prints the results as JSON.

Usage: sigv4_vectors.py CASES.json > vectors.json

Each output entry has the case name and what botocore produced: for header signing
the Authorization, X-Amz-Date, X-Amz-Content-SHA256 (and X-Amz-Security-Token)
headers plus the canonical request; for presigned cases the full URL. floe's
sigv4_test.cc signs the same cases and compares. Only botocore computes here.
"""
import datetime
import json
import sys
from unittest import mock
from urllib.parse import quote

import botocore
import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials


def fixed_clock(when):
    """Patches botocore's clock (old and new versions) to return `when`."""
    class FixedDateTime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return when

        @classmethod
        def now(cls, tz=None):
            return when if tz is None else when.replace(tzinfo=tz)

    patches = [mock.patch.object(botocore.auth.datetime, "datetime", FixedDateTime)]
    if hasattr(botocore.auth, "get_current_datetime"):
        patches.append(mock.patch.object(botocore.auth, "get_current_datetime",
                                         lambda *a, **k: when))
    return patches


class CapturingS3SigV4Auth(S3SigV4Auth):
    """Remembers the canonical request botocore built while signing."""
    canonical = None

    def canonical_request(self, request):
        self.canonical = super().canonical_request(request)
        return self.canonical


def sign(defaults, case):
    c = dict(defaults)
    c.update(case)
    when = datetime.datetime.strptime(c["time"], "%Y-%m-%dT%H:%M:%SZ")
    creds = Credentials(c["access_key_id"], c["secret_access_key"], c.get("session_token"))
    url = "%s://%s%s" % (c["scheme"], c["host"], quote(c["path"], safe="/~"))
    headers = {}
    for k, v in c.get("headers", []):
        headers[k] = v
    body = bytes.fromhex(c["body_hex"]) if "body_hex" in c else c.get("body", "").encode()
    query = [(k, v) for k, v in c.get("query", [])]
    patches = fixed_clock(when)
    for p in patches:
        p.start()
    try:
        if c.get("presign"):
            req = AWSRequest(method=c["method"], url=url, headers=headers, data=b"")
            req.params = dict(query)
            S3SigV4QueryAuth(creds, "s3", c["region"], expires=c["expires"]).add_auth(req)
            return {"name": c["name"], "url": req.url}
        req = AWSRequest(method=c["method"], url=url, headers=headers, data=body)
        req.params = query
        if c.get("unsigned_payload"):
            req.context["client_config"] = Config(s3={"payload_signing_enabled": False})
        auth = CapturingS3SigV4Auth(creds, "s3", c["region"])
        auth.add_auth(req)
        out = {
            "name": c["name"],
            "authorization": req.headers["Authorization"],
            "x-amz-date": req.headers["X-Amz-Date"],
            "x-amz-content-sha256": req.headers["X-Amz-Content-SHA256"],
            "canonical_request": auth.canonical,
        }
        if "X-Amz-Security-Token" in req.headers:
            out["x-amz-security-token"] = req.headers["X-Amz-Security-Token"]
        return out
    finally:
        for p in patches:
            p.stop()


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        table = json.load(f)
    out = {"botocore_version": botocore.__version__,
           "vectors": [sign(table["defaults"], case) for case in table["cases"]]}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
