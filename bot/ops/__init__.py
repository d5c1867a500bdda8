"""Running the companion in an IT department: health and readiness checks, Prometheus metrics, JSON logs,
systemd's notify protocol and watchdog, and the checks made before anything starts."""
