from . import portal
from . import approval_link
