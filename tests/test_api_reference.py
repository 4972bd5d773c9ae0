"""The region and skill JSON API, the ``regions`` commands, and the registration form's desa picker."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Organization, Role
from tests.conftest import CIBUNGBULANG, SUKAMAJU, TEST_DISTRICT
from tests.test_auth import REGISTRATION


def test_api_refuses_anonymous_callers_with_json(client):
    """A visitor who is not logged in would be sent the login page (or data) instead of a 401."""
    for url in ("/api/regions/search?q=suka", "/api/skills/search?q=jahit"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.is_json and "error" in response.get_json()


def test_region_search_answers_the_documented_shape(client, login_as):
    """The desa picker would get a different JSON shape than it reads, or paths without kecamatan."""
    login_as(Role.FACILITATOR)
    response = client.get(f"/api/regions/search?q=Sukamaju,+Cibung&level=desa&within={TEST_DISTRICT}&limit=3")
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == 3
    assert set(results[0]) == {"code", "name", "level", "path", "score"}
    assert results[0] == {
        "code": SUKAMAJU, "name": "Sukamaju", "level": "desa",
        "path": "Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat", "score": results[0]["score"],
    }
    assert client.get("/api/regions/search?q=zzqxw").get_json() == {"results": []}
    undotted = client.get("/api/regions/search?q=cibatok&within=320116").get_json()["results"]
    assert undotted and all(r["code"].startswith(CIBUNGBULANG + ".") for r in undotted)


def test_region_search_explains_bad_parameters(client, login_as):
    """A wrong level, scope or limit would give an empty list or a server error instead of a clear 400."""
    login_as(Role.COORDINATOR)
    cases = {
        "/api/regions/search?q=suka&level=village": "level",
        "/api/regions/search?q=suka&within=bogor": "within",
        "/api/regions/search?q=suka&within=99.99": "within",
        "/api/regions/search?q=suka&limit=0": "limit",
        "/api/regions/search?q=suka&limit=51": "limit",
        "/api/regions/search?q=suka&limit=ten": "limit",
        "/api/regions/search": "q",
        "/api/regions/search?q=" + "a" * 101: "q",
        "/api/skills/search?q=": "q",
    }
    for url, field in cases.items():
        response = client.get(url)
        assert response.status_code == 400, url
        body = response.get_json()
        assert list(body["errors"]) == [field], url
        assert all(message for message in body["errors"][field])
    level = client.get("/api/regions/search?q=suka&level=village").get_json()
    assert "desa" in level["errors"]["level"][0]  # names the accepted levels
    assert client.get("/api/regions/search?q=suka&limit=0").get_json()["error"] == "Beberapa parameter tidak valid."


def test_skill_search_answers_in_json(client, login_as):
    """The skill picker would get nothing, or the English name on the Indonesian interface."""
    login_as(Role.FACILITATOR)
    response = client.get("/api/skills/search?q=jahit&limit=3")
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == 3
    assert results[0]["slug"] == "menjahit" and results[0]["name"] == "Menjahit pakaian"
    assert set(results[0]) == {"slug", "name", "name_id", "name_en", "category", "score", "phrase"}


def test_registration_picker_endpoint_is_public_and_limited_to_the_district(client):
    """A business registering (not logged in) could not use the picker, or could list the whole country."""
    response = client.get("/auth/register/regions?q=Sukamaju&level=provinsi&within=11")
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["name"] for r in results[:4]] == ["Sukamaju"] * 4
    assert all(r["level"] == "desa" and r["code"].startswith(TEST_DISTRICT + ".") for r in results)


def test_registration_without_javascript_resolves_the_typed_village(app, client):
    """A business on a phone without JavaScript could not register, or would be filed in another Sukamaju."""
    data = dict(REGISTRATION, desa_code="", desa_name="Ds. Soekamadjoe, Kec. Cibungbulang")
    response = client.post("/auth/register", data=data)
    assert "Pendaftaran diterima" in response.get_data(as_text=True)
    organization = db.session.scalar(select(Organization).where(Organization.name == REGISTRATION["organization_name"]))
    assert organization.desa_code == SUKAMAJU


def test_registration_explains_an_ambiguous_or_unknown_village(app, client):
    """A business typing a name shared by four villages would be registered in a guessed one, or get no hint."""
    for name in ("Sukamaju", "Kampung Entah Berantah", ""):
        page = client.post("/auth/register", data=dict(REGISTRATION, desa_code="", desa_name=name)).get_data(
            as_text=True
        )
        expected = "Kami belum bisa memastikan desa yang dimaksud." if name else "Kolom ini wajib diisi."
        assert expected in page, name
        assert 'aria-invalid="true"' in page
    assert db.session.scalar(select(Organization)) is None


def test_registration_form_renders_the_picker(client):
    """The registration page would show no village field, or one the picker script cannot find."""
    page = client.get("/auth/register").get_data(as_text=True)
    assert 'data-region-picker' in page and 'data-target="desa_code"' in page
    assert 'data-source="/auth/register/regions"' in page
    code_inputs = re.findall(r'<input[^>]*name="desa_code"[^>]*>', page)
    assert len(code_inputs) == 1 and 'type="hidden"' in code_inputs[0]  # once, where the script looks
    assert re.search(r"region-picker\.(?:[0-9a-f]+\.)?js", page)  # content-hashed name
    assert "setelah koma" in page  # the hint that also serves without JavaScript


def test_cli_resolve_prints_matches_and_no_confident_match(app):
    """The command would hide that a name could not be resolved, or print matches out of order."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["regions", "resolve", "Sukamaju, Kec. Cibungbulang", "qwxzv", "Sukamaju",
                                 "--within", TEST_DISTRICT])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Sukamaju, Kec. Cibungbulang\t32.01.16.2013\tSukamaju, Cibungbulang, Kab. Bogor")
    assert lines[1] == "qwxzv\tno confident match"
    assert lines[2].startswith("Sukamaju\tno confident match (several fit:")


def test_cli_resolve_json_keeps_input_order_and_reads_a_file(app, tmp_path):
    """A script reading --json could not pair each output with its input, or --file would be ignored."""
    names = tmp_path / "desa.txt"
    names.write_text("Tjibatok 1\n\nxxxx\nCibatok 2, Cibungbulang\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["regions", "resolve", "Ds. Situ Udik", "--file", str(names), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [item["input"] for item in payload] == ["Ds. Situ Udik", "Tjibatok 1", "xxxx", "Cibatok 2, Cibungbulang"]
    assert [item["code"] for item in payload] == ["32.01.16.2001", "32.01.16.2004", None, "32.01.16.2012"]
    assert set(payload[0]) == {"input", "code", "name", "path", "score"}
    assert payload[2] == {"input": "xxxx", "code": None, "name": None, "path": None, "score": None}


def test_cli_resolve_rejects_bad_arguments(app):
    """A typo in --within would silently search nothing."""
    runner = app.test_cli_runner()
    assert runner.invoke(args=["regions", "resolve", "Sukamaju", "--within", "bogor"]).exit_code == 2
    assert runner.invoke(args=["regions", "resolve"]).exit_code == 2
    assert runner.invoke(args=["regions", "resolve", "x", "--level", "dusun"]).exit_code == 2


def test_cli_accuracy_and_benchmark_print_figures(app):
    """The command named in the README would not print the accuracy and latency figures."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["regions", "accuracy", "--within", CIBUNGBULANG, "--national-every", "0"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"within {CIBUNGBULANG}: accuracy@1 ")
    assert "typo1" in result.output
    bench = runner.invoke(args=["regions", "benchmark", "--repeat", "1"])
    assert bench.exit_code == 0, bench.output
    assert "desa within 32.01: median" in bench.output
