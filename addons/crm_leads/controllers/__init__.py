from . import common
from . import main
