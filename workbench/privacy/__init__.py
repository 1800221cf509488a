"""Identifiers left in de-identified text: the scan (names, places, entities) and pseudonymised copies.
"""
