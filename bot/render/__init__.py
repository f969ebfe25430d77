"""Renderers: bot messages turned into what one channel's users can take in (the ear)."""
