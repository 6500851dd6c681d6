"""Operating the service: health, version, Prometheus metrics and their route, the CloudWatch
monitoring as code, and the double-booking audit of the live data."""
