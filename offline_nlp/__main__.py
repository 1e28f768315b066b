"""``python -m offline_nlp`` runs the command line."""

import sys

from offline_nlp.cli import main

sys.exit(main())
