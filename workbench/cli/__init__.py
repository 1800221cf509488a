"""The ``workbench`` command: Typer commands, one module per group, all through the facade.
"""
