from . import closure_answer
