import pytest


@pytest.mark.django_db
def test_home_renders_in_bokmal_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="nb">' in response.content.decode()


@pytest.mark.django_db
def test_health_reports_database(client):
    response = client.get("/helse/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
