"""``python -m crossroads`` runs the command line."""

from crossroads.cli.start import main

if __name__ == "__main__":
    main()
