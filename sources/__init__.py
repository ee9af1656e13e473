"""Curated and reference source files (package data); see README.md here."""
