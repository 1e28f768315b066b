"""PyInstaller entry point of the windowed ``offline-nlp-gui`` executable."""

import sys

from offline_nlp.gui.app import main

if __name__ == "__main__":
    sys.exit(main())
