"""Trains gensim Word2Vec on a pre-tokenised corpus for the embedlab benchmark.

usage: /usr/bin/python3 gensim_train.py CORPUS OUTPUT.vec cbow|skipgram THREADS ALPHA [ns|hs] [SEED]
Prints one JSON line: {"train_seconds": ..., "vocab_seconds": ..., "words": ...}.
"""
import json
import sys
import time

from gensim.models import Word2Vec

corpus, output, model, threads, alpha = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
hs = len(sys.argv) > 6 and sys.argv[6] == "hs"
seed = int(sys.argv[7]) if len(sys.argv) > 7 else 1
w2v = Word2Vec(vector_size=100, window=5, min_count=5, sample=1e-3, negative=0 if hs else 5, hs=1 if hs else 0,
               sg=1 if model == "skipgram" else 0, workers=threads, epochs=5, alpha=alpha, seed=seed)
t0 = time.perf_counter()
w2v.build_vocab(corpus_file=corpus)
t1 = time.perf_counter()
w2v.train(corpus_file=corpus, total_words=w2v.corpus_total_words, epochs=w2v.epochs)
t2 = time.perf_counter()
w2v.wv.save_word2vec_format(output)
print(json.dumps({"train_seconds": t2 - t1, "vocab_seconds": t1 - t0, "words": w2v.corpus_total_words}))
