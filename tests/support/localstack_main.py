"""Starts LocalStack with one fix that makes its S3 CORS check match AWS.

LocalStack 4.6.0 splits Access-Control-Request-Headers on ", " while browsers send
"content-type,x-amz-meta-owner" (no space), so a rule that lists several headers by
name never matches a real browser's preflight there. AWS matches each name. We split on
commas, as AWS does, and run LocalStack unchanged otherwise.
"""
import runpy

from localstack.services.s3 import cors

_upstream = cors.S3CorsHandler._match_rule


def _match_rule(rule, method, headers):
    requested = headers.get("Access-Control-Request-Headers")
    if requested:
        headers = headers.copy()
        headers["Access-Control-Request-Headers"] = ", ".join(
            h.strip() for h in requested.split(",") if h.strip()
        )
    return _upstream(rule, method, headers)


cors.S3CorsHandler._match_rule = staticmethod(_match_rule)
runpy.run_module("localstack.runtime.main", run_name="__main__")
