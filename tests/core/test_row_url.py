"""row_url: a list's per-row link from one url_for gives the same URL url_for gives."""

from flask import url_for

from hrapp.templating import row_url


def test_row_url_matches_url_for(app):
    with app.test_request_context("/"):
        profile = row_url("officers.profile", "officer_id")
        for officer_id in (1, 42, 987654):
            assert profile(officer_id) == url_for("officers.profile", officer_id=officer_id)
        workload = row_url("workload.grid", "grid_id", span="quarter")
        assert workload(7) == url_for("workload.grid", grid_id=7, span="quarter")
