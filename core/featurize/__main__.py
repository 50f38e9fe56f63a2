"""``python -m featurize`` runs the command line."""

from featurize.cli import main

main()
