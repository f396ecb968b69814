"""The ``nnrecipe`` command line: thin shells over the Python API, one module per subcommand."""
