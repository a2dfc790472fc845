"""pytest hooks of this repository (`./dev.sh test` runs pytest with pytest-odoo)."""
import sys
import unittest.case

# the wrapper pytest-odoo 2.3.0 puts on unittest's _Outcome.testPartExecutor for Odoo 18.0
PYTEST_ODOO_WRAPPER = 'monkey_path_unitest_outcome_test_part_executor.<locals>.testPartExecutor'


def pytest_sessionstart(session):
    """pytest-odoo wraps unittest's ``_Outcome.testPartExecutor`` for Odoo
    18.0 and calls the wrapped method with Python 3.11's signature
    (``subTest=``): on Python 3.10, whose method takes ``isTest=``, every test
    then fails with a TypeError. Give 3.10's method its own signature."""
    if sys.version_info >= (3, 11):
        return
    wrapper = unittest.case._Outcome.testPartExecutor
    if not wrapper.__qualname__.endswith(PYTEST_ODOO_WRAPPER) or not wrapper.__closure__:
        return  # not pytest-odoo's wrapper: nothing to mend
    original = wrapper.__closure__[0].cell_contents

    def testPartExecutor(self, test_case, subTest=False, isTest=False):
        return original(self, test_case, isTest=isTest)

    unittest.case._Outcome.testPartExecutor = testPartExecutor
