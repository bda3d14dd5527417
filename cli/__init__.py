"""The command line: a thin click layer that parses, calls the engine and renders."""
