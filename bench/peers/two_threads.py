"""The reference for bench/busy_core.py --reference: what any program that splits its work over
two threads dynamically gets when another process holds a core. Two threads take 300 equal
items (a 512³ float32 product each, OpenBLAS held to one thread per call, so each thread
computes its own items and NumPy releases the GIL) from one shared counter, as tl-run's workers
take chunks. Prints {"compute": seconds} as the bench's peers do.
"""

import json
import os
import sys
import threading
import time

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before NumPy loads OpenBLAS

import numpy as np  # noqa: E402

ITEMS = 300


def main():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((512, 512), dtype=np.float32)
    b = rng.standard_normal((512, 512), dtype=np.float32)
    lock = threading.Lock()
    taken = [0]

    def worker():
        out = np.empty((512, 512), dtype=np.float32)
        while True:
            with lock:
                if taken[0] == ITEMS:
                    return
                taken[0] += 1
            np.matmul(a, b, out=out)

    np.matmul(a, b)  # load and warm OpenBLAS
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"compute": time.perf_counter() - started}))


if __name__ == "__main__":
    sys.exit(main())
