"""pytest set-up shared by the unit tests and the nbval notebook runs."""
import os

# One BLAS thread for tests and for the notebook kernels nbval starts (they inherit this
# environment): the fits work on tiny matrices, where threading on 2 cores is much slower.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
