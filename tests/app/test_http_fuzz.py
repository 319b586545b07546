"""HTTP fuzzing with schemathesis, from the app's own OpenAPI schema: no request makes the server
fail (5xx). The one 5xx the API promises is oEmbed's 501 for a format other than json."""

import schemathesis
from hypothesis import HealthCheck, settings

from app.main import create_app

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_server_fail(case):
    response = case.call()
    promised = case.path == "/oembed" and response.status_code == 501
    assert response.status_code < 500 or promised, (
        f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
    )
