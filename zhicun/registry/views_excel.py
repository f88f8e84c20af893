"""Spreadsheet template, import (preview then commit) and export pages."""

urls: list = []
