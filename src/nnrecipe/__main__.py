import sys

from nnrecipe._cli.main import main

sys.exit(main())
