"""Exports over the approval threshold: requests, approval, one download, and file stamps."""
