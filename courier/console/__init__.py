"""The ops console: a home for each role (``/`` and the admin index) and the cross-domain
reports. It lives in the project shell because it composes the figures of several domains, each
read through that domain's selectors; no domain imports it (``.importlinter``)."""
