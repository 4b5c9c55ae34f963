"""`python -m emulator` runs the `mm-emulator` command."""

from emulator.cli import main

main()
