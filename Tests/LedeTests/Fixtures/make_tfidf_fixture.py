#!/usr/bin/env python3
"""Writes tfidf_fixture.json: scikit-learn TfidfVectorizer output for a few documents and settings.

Lede's TF-IDF must equal these vectors to 1e-6 given the same tokens. The token pattern below produces
Lede's tokens on ASCII text (runs of letters and digits, apostrophes kept inside words, lowercased).
max_features cuts between two different total counts: scikit-learn orders equal counts with numpy's
unstable quicksort, so its choice among ties is unspecified (Lede keeps the term that sorts first).
Rerun: pip install scikit-learn && python3 Tests/LedeTests/Fixtures/make_tfidf_fixture.py
"""
import json
import os

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

DOCUMENTS = [
    "The UN Security Council voted on new sanctions against the regime.",
    "Sanctions on oil exports were extended; the regime didn't comply.",
    "Troops crossed the border as the conflict escalated, officials said.",
    "Officials said the border talks failed and the conflict resumed.",
    "Oil prices rose 3 percent after the export sanctions were announced.",
    "The council said talks on the border would resume in 2005.",
    "Markets rallied as oil prices fell; officials didn't comment.",
    "A ceasefire was signed, and troops left the border region.",
]

SETTINGS = [
    dict(ngram_range=(1, 2), min_df=1, max_df=1.0, max_features=None, sublinear_tf=False, use_idf=True, smooth_idf=True, norm="l2"),
    dict(ngram_range=(1, 2), min_df=2, max_df=0.8, max_features=None, sublinear_tf=True, use_idf=True, smooth_idf=True, norm="l2"),
    dict(ngram_range=(1, 3), min_df=1, max_df=1.0, max_features=None, sublinear_tf=False, use_idf=True, smooth_idf=False, norm="l1"),
    dict(ngram_range=(1, 1), min_df=1, max_df=1.0, max_features=7, sublinear_tf=True, use_idf=True, smooth_idf=True, norm=None),
    dict(ngram_range=(2, 2), min_df=1, max_df=1.0, max_features=None, sublinear_tf=False, use_idf=False, smooth_idf=True, norm="l2"),
    dict(ngram_range=(1, 2), min_df=2, max_df=3, max_features=None, sublinear_tf=True, use_idf=True, smooth_idf=True, norm="l2"),
]


def main():
    cases = []
    for settings in SETTINGS:
        vectorizer = TfidfVectorizer(lowercase=True, token_pattern=r"(?u)[a-z0-9]+(?:'[a-z0-9]+)*", **settings)
        matrix = vectorizer.fit_transform(DOCUMENTS).tocsr()
        terms = vectorizer.get_feature_names_out().tolist()
        rows = []
        for r in range(matrix.shape[0]):
            start, end = matrix.indptr[r], matrix.indptr[r + 1]
            rows.append({terms[c]: float(v) for c, v in zip(matrix.indices[start:end], matrix.data[start:end])})
        cases.append({"settings": {**settings, "ngram_range": list(settings["ngram_range"])}, "terms": terms, "rows": rows})
    out = {"sklearn_version": sklearn.__version__, "documents": DOCUMENTS, "cases": cases}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tfidf_fixture.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    print(f"wrote {path} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
