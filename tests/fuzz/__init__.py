"""Property-based fuzzing of the client, the integration and the actions."""
