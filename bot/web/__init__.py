"""The web case view for coaches' teams: Starlette on uvicorn in the service's event loop (issue 16)."""
