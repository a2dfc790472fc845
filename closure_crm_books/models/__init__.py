from . import closure_plan
from . import closure_books_total
from . import closure_books_difference
