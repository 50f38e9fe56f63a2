"""The extraction runner: inputs, planning, workers, executors and the run loop."""
