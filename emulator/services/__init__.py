"""Pure rules of the emulator: what sending, cancelling and confirming do, with no Flask."""
