from . import closure_erasure_preview
