"""`python -m api.cli`: the same as the `warroom` command."""

from api.cli import main

main()
