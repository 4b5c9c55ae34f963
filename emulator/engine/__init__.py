"""The engine: message lifecycles, outcome rules and webhook delivery, driven by APScheduler."""
