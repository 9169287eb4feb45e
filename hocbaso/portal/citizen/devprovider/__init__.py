"""A small, real OpenID Connect provider for the demo and the tests.

It stands in for the national citizen app VNeID: a separate Django project
(django-oauth-toolkit with OpenID Connect on) run as its own process on
127.0.0.1, with its own SQLite file and an RSA signing key generated at first
start (mode 0600, never committed). Citizens log in with their 12-digit personal
identification number and a password; the ID token and user info carry the
number in the ``personal_id`` claim.

    python -m hocbaso.portal.citizen.devprovider --data-dir DIR --port 8001 \\
        --client-id hocbaso --client-secret-file DIR/client_secret \\
        --redirect-uri http://127.0.0.1:8000/me/oidc/callback/ --users users.json

``users.json`` lists ``{"personal_id", "name", "password"}`` objects.
"""
