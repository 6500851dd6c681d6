"""The HTTP layer around the routes: the error shape, CORS, strict bodies, `Allow`, OpenAPI patches,
request telemetry, wire types and abuse limits. No booking rule lives here."""
