"""The REST API (/api/v1/): the admin's roles, force scoping and lifecycle, over HTTP.

Reads go through `audits.register.scoping.scope`; writes go through
`audits.register.services.records`.
"""
