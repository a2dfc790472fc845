from . import closure_register
