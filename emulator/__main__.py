"""The `mm-emulator` command's entry point, also run by `python -m emulator`."""

import gc


def main() -> None:
    """Run `mm-emulator`, its modules loaded with the cyclic garbage collector paused.

    Loading them makes some hundred thousand objects, none of them garbage, and the collector
    would scan them again and again as they accumulate: a sixth of the start-up time. Once
    loaded they are frozen, so that later collections skip them, in worker processes too.
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
