"""The trainer's internals: loop, step, resume points, run log, run folders, checkpoints, schedules, optimizer."""
