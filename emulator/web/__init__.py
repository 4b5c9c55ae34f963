"""What the three HTTP faces (/v1, the /_emulator control plane and the web inbox) share: the
current request's emulator and JSON body, the admin guard, and the app-wide error handlers."""
