"""PyInstaller entry point of the ``offline-nlp`` executable (the CLI; ``gui`` starts the app)."""

import sys

from offline_nlp.cli import main

if __name__ == "__main__":
    sys.exit(main())
