"""The museum kiosk: its server and browser, its page settings, the attract tour."""
