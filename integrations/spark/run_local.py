#!/usr/bin/env python3
"""Runs Lede in Spark local mode over Reuters-21578 and the BBC News articles (from ../shared/corpora) and
checks that the output equals one lede-classify process, byte for byte after sorting by id; counts n-gram
document frequencies per partition, merges them, and checks they equal one `lede-train count` pass.
Prints the throughput of Spark with 1 and 2 executor threads and of plain `lede-classify --threads 2`.

    python3 integrations/spark/run_local.py [--corpora ../shared/corpora] [--model models/topics.lede]
                                            [--partitions 8] [--work /tmp/lede-spark] [--quick]
Exit status 0 when every check passes, 1 when one fails.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)


def build_corpus(corpora, path, quick):
    """Reuters train+test texts and the BBC article files as JSONL {"id", "text"}; returns (documents, bytes)."""
    records = []
    for split in ("train", "test"):
        with open(os.path.join(corpora, "reuters21578", split + ".tsv"), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                records.append(("reuters:%s:%d" % (split, number), line.rstrip("\n").split("\t", 1)[-1]))
    for article in sorted(glob.glob(os.path.join(corpora, "bbc", "articles", "*", "*.txt"))):
        with open(article, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
        records.append(("bbc:" + os.path.relpath(article, os.path.join(corpora, "bbc", "articles")), text))
    if quick:
        records = records[::10]
    with open(path, "w", encoding="utf-8") as out:
        for doc_id, text in records:
            out.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return len(records), os.path.getsize(path)


def sorted_by_id(lines):
    return sorted(lines, key=lambda line: (json.loads(line)["id"], line))


def spark_session(threads):
    from pyspark.sql import SparkSession
    return (SparkSession.builder.master("local[%d]" % threads).appName("lede")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "1g").config("spark.ui.showConsoleProgress", "false").getOrCreate())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", default=os.path.join(ROOT, "..", "shared", "corpora"))
    parser.add_argument("--model", default=os.path.join(ROOT, "models", "topics.lede"))
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"))
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--work", default="/tmp/lede-spark")
    parser.add_argument("--quick", action="store_true", help="every tenth document (for tests)")
    args = parser.parse_args()
    classify_bin, train_bin = os.path.join(args.bin, "lede-classify"), os.path.join(args.bin, "lede-train")
    for needed in (args.model, classify_bin, train_bin, os.path.join(args.corpora, "reuters21578")):
        if not os.path.exists(needed):
            sys.exit("missing %s (build with `swift build -c release`; corpora in ../shared)" % needed)
    os.makedirs(args.work, exist_ok=True)
    corpus = os.path.join(args.work, "corpus.jsonl")
    documents, size = build_corpus(args.corpora, corpus, args.quick)
    print("corpus: %d documents, %.1f MB (%s)" % (documents, size / 1e6, corpus))

    # One process: the reference output and the reference counts.
    start = time.perf_counter()
    single = subprocess.run([classify_bin, "--model", args.model, "--input-format", "jsonl", "--threads", "2",
                             "--quiet", corpus], stdout=subprocess.PIPE, check=False)
    single_seconds = time.perf_counter() - start
    if single.returncode >= 2:
        sys.exit("lede-classify failed with status %d" % single.returncode)
    reference = sorted_by_id(single.stdout.decode("utf-8").splitlines())
    one_pass = subprocess.run([train_bin, "count", corpus, "--format", "jsonl", "--output", "-"],
                              stdout=subprocess.PIPE, check=True).stdout

    from lede_spark import classify, count_document_frequencies
    failures = []
    timings = []
    for threads in (1, 2):
        spark = spark_session(threads)
        sc = spark.sparkContext
        sc.setLogLevel("ERROR")
        rdd = sc.textFile(corpus, minPartitions=args.partitions).map(json.loads).map(lambda r: (r["id"], r["text"]))
        rdd.count()  # read once, so that the timing below is Lede's work, not the JVM's warm-up on the file
        start = time.perf_counter()
        output = classify(rdd, args.model, classify_bin).collect()
        seconds = time.perf_counter() - start
        timings.append(("Spark local[%d], %d partitions, lede-classify --threads 1 each" % (threads, rdd.getNumPartitions()), seconds))
        if len(output) != documents:
            failures.append("local[%d]: %d records for %d documents" % (threads, len(output), documents))
        if sorted_by_id(output) != reference:
            failures.append("local[%d]: records differ from the single process's" % threads)
        if threads == 2:
            shards = count_document_frequencies(rdd.map(lambda pair: pair[1]), train_bin)
            names = []
            for index, content in enumerate(shards):
                name = os.path.join(args.work, "part-%d.counts" % index)
                with open(name, "w", encoding="utf-8") as f:
                    f.write(content)
                names.append(name)
            merged = subprocess.run([train_bin, "merge-counts"] + names + ["--output", "-"],
                                    stdout=subprocess.PIPE, check=True).stdout
            print("counts: %d partitions merged, %s one pass" % (len(names), "equal to" if merged == one_pass else "DIFFERENT FROM"))
            if merged != one_pass:
                failures.append("merged partition counts differ from one pass")
        spark.stop()

    errors = sum(1 for line in reference if '"error"' in line)
    print("records: %d (%d error records), Spark output equals one process after sorting by id: %s"
          % (len(reference), errors, "no" if failures else "yes"))
    print("| run | seconds | docs/s | MB/s |")
    print("|---|---|---|---|")
    for name, seconds in timings + [("lede-classify --threads 2, one process", single_seconds)]:
        print("| %s | %.2f | %.0f | %.1f |" % (name, seconds, documents / seconds, size / 1e6 / seconds))
    for failure in failures:
        print("FAILED: " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
