import sys

from napiter.scale.bench import main

sys.exit(main())
