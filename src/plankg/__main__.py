"""`python -m plankg` is the `plankg` command."""

from plankg.main import main

main()
