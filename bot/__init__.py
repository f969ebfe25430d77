"""What faces users and agents: channels, NLU components, renderers, the agent CLI."""
