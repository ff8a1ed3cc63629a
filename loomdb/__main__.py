"""`python -m loomdb ...` is the same as the `loomdb` command."""
from .cli.main import cli

cli()
