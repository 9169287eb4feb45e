"""The OpenAPI document and the interactive docs of /api/v1/."""

import json

import pytest

PATHS = {
    "/api/v1/schools/{school_code}/submissions": {"post"},
    "/api/v1/schools/{school_code}/replacements": {"post"},
    "/api/v1/schools/{school_code}/submissions/{submission_id}/revoke": {"post"},
    "/api/v1/receipts/{receipt_id}": {"get"},
    "/api/v1/submissions/{submission_id}": {"get"},
    "/api/v1/submissions/{submission_id}/packet": {"get"},
    "/api/v1/rounds/{school_year}/{round_name}/lock": {"post"},
    "/api/v1/rounds/{school_year}/{round_name}/missing": {"get"},
    "/api/v1/units/{unit_code}/reports/{school_year}/{round_name}": {"get", "post"},
    "/api/v1/schools/{school_code}/transfers": {"post"},
    "/api/v1/schools/{school_code}/transfers/{transfer_id}/release": {"post"},
    "/api/v1/schools/{school_code}/transfers/{transfer_id}/acknowledge": {"post"},
    "/api/v1/transfers/{transfer_id}": {"get"},
    "/api/v1/ledger/checkpoint": {"get"},
    "/api/v1/ledger/key": {"get"},
    "/api/v1/ledger/entries": {"get"},
    "/api/v1/ledger/proofs/inclusion": {"get"},
    "/api/v1/ledger/proofs/consistency": {"get"},
    "/api/v1/ledger/locks/{index}": {"get"},
    "/api/v1/ledger/checkpoints/{size}": {"get"},
    "/api/v1/ledger/cosigned/{size}": {"get"},
    "/api/v1/ledger/witnesses": {"get"},
    "/api/v1/ledger/tile/{rest}": {"get"},
    "/api/v1/witness/add-checkpoint": {"post"},  # every installation witnesses
    "/api/v1/shares/read": {"post"},  # hocbaso.portal.citizen.api
    "/api/v1/portal/lookup": {"post"},  # hocbaso.portal.api
    "/api/v1/portal/verify": {"post"},
    "/api/v1/portal/verify-printout": {"post"},
    "/api/v1/exchange/keys": {"get"},  # hocbaso.exchange.api
    "/api/v1/exchange/batches": {"post"},
    "/api/v1/exchange/transfers/requests": {"post"},
    "/api/v1/exchange/transfers/packages": {"post"},
}

# Open to anyone: the public ledger, reading with a share code (the code
# itself is the credential), lookup and verification by anyone holding a code or
# a copy (throttled), and the exchange between installations (every body
# is signed with the sender's exchange key, checked against its trusted peers);
# a witness checks the log's signature on the checkpoint it is asked to cosign.
OPEN_PREFIXES = (
    "/api/v1/ledger/",
    "/api/v1/shares/",
    "/api/v1/exchange/",
    "/api/v1/portal/",
    "/api/v1/witness/",
)


@pytest.fixture
def document(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_document_lists_every_path_and_method(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1"
    assert {p: set(ops) for p, ops in document["paths"].items()} == PATHS


def test_schools_and_staff_authenticate_and_the_ledger_is_open(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["SchoolToken"] == {"type": "http", "scheme": "bearer"}
    assert schemes["StaffSession"]["in"] == "cookie"
    for path, operations in document["paths"].items():
        for operation in operations.values():
            is_open = "security" not in operation
            assert is_open == path.startswith(OPEN_PREFIXES), path


def test_the_raw_xml_body_and_the_errors_are_documented(document):
    submit = document["paths"]["/api/v1/schools/{school_code}/submissions"]["post"]
    assert "application/xml" in submit["requestBody"]["content"]
    assert {"202", "401", "403", "413", "415"} <= set(submit["responses"])
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"error", "code"}


def test_the_interactive_docs_are_served(client, db):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content
