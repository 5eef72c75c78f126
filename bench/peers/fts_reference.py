"""Reference BM25 for the full-text benchmark (bench/fts.ts): Milvus's formula over given tokens.

Milvus (2.5/2.6) scores a document d for query q as

    score(d, q) = sum over distinct terms t of q:
        qtf(t) * idf(t) * (k1 + 1) * tf(t, d) / (tf(t, d) + k1 * (1 - b + b * dl(d) / avgdl))
    idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))

where the BM25 function turns text into term counts (document and query alike: a query term written
twice counts 2), N is the number of rows the search sees (the whole loaded collection, all segments),
df(t) how many of them contain t, dl(d) the number of tokens of d (the sparse row's sum) and avgdl
the collection's tokens / rows. Sources: milvus internal/util/function/bm25_function.go (term counts),
internal/storage/stats.go BM25Stats.BuildIDF (query weight = qtf * idf, avgdl = tokens / rows),
knowhere src/index/sparse/scorer.h BM25IndexScorer ((k1 + 1) * tf / (tf + k1 (1 - b) + k1 b dl / avgdl)).

This is Lucene's BM25 (idf with the + 1 inside the log) times (k1 + 1), summed over query term
occurrences. `--check-bm25s N` cross-checks it against PyPI bm25s (method='lucene', same k1/b) on the
first N queries with repeated terms removed: bm25s' score * (k1 + 1) must equal ours for every document.

Input: --tokens (JSONL, one JSON array of terms per document, ids = line numbers), --query-tokens (the
same per query). Output (--out, JSONL, one line per query): {"q", "ids", "scores"} best first (ties by
id), k hits, plus "tail": ids beyond the k-th whose score is within --tie of the k-th (a system may
return any of them at the boundary).
"""

import argparse
import json
import math
import sys
import time

import numpy as np
import scipy.sparse as sp


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def build(docs):
    vocab = {}
    rows, cols = [], []
    for d, terms in enumerate(docs):
        for t in terms:
            j = vocab.setdefault(t, len(vocab))
            rows.append(d)
            cols.append(j)
    data = np.ones(len(rows), dtype=np.float64)
    # Duplicate (row, col) pairs are summed: tf counts.
    m = sp.csc_matrix((data, (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))), shape=(len(docs), len(vocab)))
    m.sum_duplicates()
    dl = np.array([len(terms) for terms in docs], dtype=np.float64)
    return vocab, m, dl


class MilvusBM25:
    def __init__(self, docs, k1, b):
        self.k1, self.b = k1, b
        self.vocab, self.m, self.dl = build(docs)
        self.n = len(docs)
        self.avgdl = float(self.dl.sum()) / self.n
        df = np.diff(self.m.indptr).astype(np.float64)
        self.idf = np.log(1.0 + (self.n - df + 0.5) / (df + 0.5))
        self.norm = k1 * (1.0 - b + b * self.dl / self.avgdl)

    def scores(self, query_terms, count_repeats=True):
        """Dense array of every document's score (0 where no term matches) and the matched mask."""
        qtf = {}
        for t in query_terms:
            if t not in self.vocab:
                continue
            if t not in qtf:
                qtf[t] = 1
            elif count_repeats:
                qtf[t] += 1
        out = np.zeros(self.n, dtype=np.float64)
        hit = np.zeros(self.n, dtype=bool)
        for t, w in qtf.items():
            j = self.vocab[t]
            lo, hi = self.m.indptr[j], self.m.indptr[j + 1]
            docs = self.m.indices[lo:hi]
            tf = self.m.data[lo:hi]
            out[docs] += w * self.idf[j] * (self.k1 + 1.0) * tf / (tf + self.norm[docs])
            hit[docs] = True
        return out, hit

    def top(self, query_terms, k, tie):
        s, hit = self.scores(query_terms)
        cand = np.nonzero(hit)[0]
        if len(cand) == 0:
            return [], [], []
        order = cand[np.lexsort((cand, -s[cand]))]
        ids = order[:k]
        tail = []
        if len(order) > k:
            kth = s[ids[-1]]
            for d in order[k:]:
                if kth - s[d] > tie:
                    break
                tail.append(int(d))
        return [int(i) for i in ids], [float(s[i]) for i in ids], tail


def check_bm25s(ref, docs, queries, count, k1, b):
    import bm25s

    vocab = ref.vocab
    ids = [[vocab[t] for t in d] for d in docs]
    retriever = bm25s.BM25(method="lucene", idf_method="lucene", k1=k1, b=b)
    retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    worst = 0.0
    checked = 0
    for terms in queries[:count]:
        uniq = list(dict.fromkeys(t for t in terms if t in vocab))
        if not uniq:
            continue
        got = np.asarray(retriever.get_scores(uniq), dtype=np.float64) * (k1 + 1.0)
        want, _ = ref.scores(uniq, count_repeats=False)
        rel = np.abs(got - want) / np.maximum(1.0, np.abs(want))
        worst = max(worst, float(rel.max()))
        checked += 1
    return {"bm25s": bm25s.__version__, "queries": checked, "max_rel_diff": worst}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--query-tokens", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--k1", type=float, default=1.2)
    ap.add_argument("--b", type=float, default=0.75)
    ap.add_argument("--tie", type=float, default=1e-4)
    ap.add_argument("--check-bm25s", type=int, default=0)
    a = ap.parse_args()

    t0 = time.perf_counter()
    docs = read_jsonl(a.tokens)
    queries = read_jsonl(a.query_tokens)
    ref = MilvusBM25(docs, a.k1, a.b)
    t1 = time.perf_counter()
    with open(a.out, "w", encoding="utf-8") as f:
        for q, terms in enumerate(queries):
            ids, scores, tail = ref.top(terms, a.k, a.tie)
            f.write(json.dumps({"q": q, "ids": ids, "scores": scores, "tail": tail}) + "\n")
    t2 = time.perf_counter()
    summary = {"docs": ref.n, "terms": len(ref.vocab), "avgdl": ref.avgdl, "queries": len(queries), "build_s": t1 - t0, "search_s": t2 - t1}
    if a.check_bm25s > 0:
        summary["check"] = check_bm25s(ref, docs, queries, a.check_bm25s, a.k1, a.b)
        if summary["check"]["max_rel_diff"] > 1e-5:
            print(json.dumps(summary), file=sys.stderr)
            sys.exit("the Milvus formula and bm25s (lucene, * (k1 + 1)) disagree")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
