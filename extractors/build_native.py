"""`make native`: compile the relation rules (extractors/native.py says what and why).

    python -m extractors.build_native [--force | status]
"""

import sys

from extractors.native import main

if __name__ == "__main__":
    sys.exit(main())
