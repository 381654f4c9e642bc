"""Loads a GloVe text file with gensim and times top-10 most_similar, for the big-vectors benchmark.

usage: /usr/bin/python3 gensim_vectors.py FILE WORDS_FILE
Prints one JSON line: {"load_seconds", "peak_mb", "query_ms": [...]} (exact search, numpy).
"""
import json
import resource
import sys
import time

from gensim.models import KeyedVectors

path, words_file = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(path, binary=False, no_header=True)
load_seconds = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
words = open(words_file, encoding="utf-8").read().split()
kv.most_similar(words[0], topn=10)  # norms are computed on the first query
times = []
for w in words:
    t = time.perf_counter()
    kv.most_similar(w, topn=10)
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"load_seconds": load_seconds, "peak_mb": peak_mb, "query_ms": times}))
