from . import closure_plan
