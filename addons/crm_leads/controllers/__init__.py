from . import common
from . import main
from . import form
from . import export
