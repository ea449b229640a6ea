"""Importers for the public reference files (CBS, DUO, Inspectie, NPO-menukaart)."""
