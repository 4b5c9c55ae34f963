"""The emulator's vocabulary, free of I/O: statuses, error codes, lifecycle and outcome rules,
accounts and their features, billing units, retention, and the typed records every layer shares."""
