"""The ``eunato-corpus`` command line: a thin layer over the library API.

Each command parses its options, calls the API, hands the result to a reporter
and exits with 0 (clean), 1 (invalid input) or 2 (usage error).
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="eunato-corpus")
def cli() -> None:
    """Validate, build and inspect the eunato-corpus annotations."""


def main() -> None:
    cli()
