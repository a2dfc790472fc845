from . import closure_data_export
