"""The `mm-emulator` command's entry point, also run by `python -m emulator`."""

import gc


def main() -> None:
    """Run `mm-emulator`, its modules loaded with the cyclic garbage collector paused.

    Loading them makes some hundred thousand objects that live as long as the process, and the
    collector would scan them again and again as they accumulate: a tenth of the start-up time.
    Once loaded they are frozen, so that later collections skip them, in worker processes too;
    the few cycles loading leaves behind are kept with them.
    """
    gc.disable()
    try:
        from emulator.cli import main as command
    finally:
        gc.enable()
    gc.freeze()
    command()


if __name__ == "__main__":
    main()
