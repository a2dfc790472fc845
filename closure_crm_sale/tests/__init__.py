from . import test_closure_sale
