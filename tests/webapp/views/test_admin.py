"""The admin pages exist only for accounts granted admin rights by `flask movrec admin grant`, never by the
name an account registers with; the admins page shows who granted what and when."""
from __future__ import annotations

from tests.webapp.helpers import csrf_token, grant_admin, register


def test_admin_page_is_404_for_visitors_and_other_accounts(client):
    assert client.get("/admin/scraping").status_code == 404
    register(client, "someone")
    assert client.get("/admin/scraping").status_code == 404
    assert client.get("/admin/").status_code == 404


def test_registering_an_admin_like_name_grants_nothing(client):
    register(client, "ADMIN1")
    assert client.get("/admin/scraping").status_code == 404
    assert client.get("/admin/").status_code == 404


def test_admin_sees_the_douban_cache_status(app, client):
    register(client, "admin")
    grant_admin(app, "admin")
    client.get("/movies/2")  # asks for info: rows become pending
    response = client.get("/admin/scraping")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="scraping-status"' in html and 'data-status="pending"' in html


def test_grant_is_stored_with_who_and_when_and_can_be_revoked(app, client):
    register(client, "Ünal")
    first = grant_admin(app, "üNAL", by="the owner")  # any spelling of the name finds the account
    assert "Ünal: granted" in first.output and "by the owner" in first.output
    assert "already an admin" in grant_admin(app, "Ünal", by="someone else").output
    html = client.get("/admin/").get_data(as_text=True)
    assert 'data-admin="Ünal"' in html and "the owner" in html and "someone else" not in html and " UTC" in html
    listed = app.test_cli_runner().invoke(args=["movrec", "admin", "list"])
    assert listed.output.startswith("Ünal\t") and "the owner" in listed.output
    revoked = app.test_cli_runner().invoke(args=["movrec", "admin", "revoke", "Ünal"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert client.get("/admin/").status_code == 404


def test_grant_to_an_unknown_account_fails_and_stores_nothing(app, client):
    result = app.test_cli_runner().invoke(args=["movrec", "admin", "grant", "nobody"])
    assert result.exit_code != 0 and "no account named 'nobody'" in result.output
    assert app.test_cli_runner().invoke(args=["movrec", "admin", "list"]).output == ""


def test_grant_outlives_sign_out_and_in(app, client):
    register(client, "root1", "root's password")
    grant_admin(app, "root1")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert client.get("/admin/").status_code == 404
    client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "username": "ROOT1",
                                "password": "root's password"})
    assert client.get("/admin/").status_code == 200
