"""Households and persons: list, detail, create, edit, and the explicit actions."""

urls: list = []
