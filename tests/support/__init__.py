"""Helpers shared by the tests: free ports and the real local servers."""
