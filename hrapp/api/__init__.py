"""The JSON API (/api/v1) for other systems: the dispatch platform sends cases here.

Owns: API tokens (issued and revoked by an administrator, stored as a SHA-256 of the secret,
scoped to one source system, last use recorded), the request and response schemas (pydantic),
the OpenAPI document generated from them, and the token admin page. Sits above the domains it
serves (workload); nothing imports it back.
"""
