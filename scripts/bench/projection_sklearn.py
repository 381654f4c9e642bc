"""One timed scikit-learn Barnes-Hut t-SNE for scripts/bench/projection.mjs (run with /usr/bin/python3):
   projection_sklearn.py IN.f32 N DIM OUT.f32 SEED
IN: N x DIM float32 unit vectors. Writes the N x 2 layout as float32 and prints {"ms": ...}."""
import json
import sys
import time

import numpy as np
from sklearn.manifold import TSNE

path, n, dim, out, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
x = np.fromfile(path, dtype=np.float32, count=n * dim).reshape(n, dim)
start = time.perf_counter()
# scikit-learn 1.2's defaults written out: PCA start, 'auto' learning rate, perplexity 30, 1000 steps.
y = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", n_iter=1000, method="barnes_hut",
         angle=0.5, random_state=seed, n_jobs=-1).fit_transform(x)
ms = (time.perf_counter() - start) * 1000
y.astype(np.float32).tofile(out)
print(json.dumps({"ms": ms}))
