"""The release check (`scripts/test --each-alone`): what an integrator does with our
wheels. Slow (a virtualenv, one install per addon), so not part of the everyday run."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
