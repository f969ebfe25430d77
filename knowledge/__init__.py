"""The knowledge base of dispositifs of the Pas-de-Calais orientation assistant."""
