"""Custom actions of the assistant, split by concern (answering, routing, fallback)."""
