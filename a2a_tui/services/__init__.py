"""What the UI and the CLI both call: the quote backend, credentials, preferences."""
