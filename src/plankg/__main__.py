"""`python -m plankg` is the `plankg` command."""

from plankg.main import main

if __name__ == "__main__":  # not when a spawned worker process imports this module
    main()
