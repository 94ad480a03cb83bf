"""Thin adapters, one per platform; empty on purpose, so importing one adapter never imports the others."""
