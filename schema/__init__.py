"""The crossroads/1 JSON Schema (package data); ``crossroads schema`` prints it."""
