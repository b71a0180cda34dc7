"""`python -m selfgov_cli …` runs sgov (for a clerk whose PATH does not hold the sgov script)."""

from selfgov_cli.cli.app import main

if __name__ == "__main__":
    main()
