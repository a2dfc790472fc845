from . import closure_training_practice_answer
