"""Scale-out deployment: several Rasa servers and action servers behind nginx, with a
PostgreSQL tracker store and a Redis lock store (``endpoints.scale.yml``).

``python -m deploy serve`` (``make run-scale``) starts one on this machine.
"""
