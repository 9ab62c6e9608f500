"""Keep numpy's BLAS to one thread per web process.

Several gunicorn workers each running a BLAS thread per core fight over the cores and make a
recommendation page ~10x slower (measured on 2 cores, 2 workers: a cosine top-10 over 3,883 x 200
served 220-260 requests/s with default BLAS threads, 2,400-2,700 with one). The environment variables only
work if set before numpy is first imported, so `webapp/__init__.py` imports this module first; `limit_blas_threads`
also caps an already-loaded BLAS at run time with threadpoolctl. Set the variables yourself to override.
"""
import os

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")

for _name in THREAD_VARIABLES:
    os.environ.setdefault(_name, "1")


def limit_blas_threads() -> None:
    """Cap the BLAS libraries already loaded in this process to one thread."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
