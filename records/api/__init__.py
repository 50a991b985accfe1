"""The integration API wing (issue 21 §2): clients, their tokens, the REST endpoints."""
