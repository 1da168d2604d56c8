"""A class on one server, measured: the local JupyterHub (hub), the simulated learners (learner)
and the run's processes (processes) behind benchmarks/bench_classroom.py."""
