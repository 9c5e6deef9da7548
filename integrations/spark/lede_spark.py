"""Lede inside Apache Spark: classify a dataset of documents with lede-classify, and count n-gram document
frequencies with lede-train count, one process per partition, on each executor.

    from lede_spark import classify, count_document_frequencies
    records = classify(rdd_of_id_text_pairs, "models/topics.lede", ".build/release/lede-classify")
    counts_files = count_document_frequencies(rdd_of_texts, ".build/release/lede-train", "counts/")

The model file and the binaries travel to the executors with SparkContext.addFile. Each partition feeds its
records to the process's standard input as JSONL ({"id", "text"}) and yields its standard output: one JSONL
record per input record, ids kept, an "error" record where a document could not be scored. A partition is a
pure function of its records, so a retried partition yields the same records again: nothing is lost or
doubled. The binaries must run on the executors (same OS and architecture).
"""
import json
import os
import subprocess
import threading

from pyspark import SparkFiles


def _ship(sc, path):
    """Adds `path` to the files every executor receives; returns its name there. Ships this module too:
    the partition functions below run in the executors' Python workers, which import it."""
    sc.addPyFile(os.path.abspath(__file__))
    sc.addFile(os.path.abspath(path))
    return os.path.basename(path)


def _run(command, lines):
    """Runs `command`, writing `lines` (str, without newlines) to its stdin from a thread, and yields its stdout
    lines. Raises when the process fails (exit status 2 and above), so that Spark retries the partition."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def feed():
        try:
            for line in lines:
                process.stdin.write(line.encode("utf-8") + b"\n")
        except BrokenPipeError:
            pass
        finally:
            process.stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    for line in process.stdout:
        yield line.decode("utf-8").rstrip("\n")
    feeder.join()
    errors = process.stderr.read().decode("utf-8", "replace")
    status = process.wait()
    if status >= 2:
        raise RuntimeError("%s failed with status %d: %s" % (command[0], status, errors.strip()))


def classify(rdd, model_path, classify_path, threads=1, extra_arguments=()):
    """An RDD of lede-classify's JSONL records (str), one per (id, text) pair of `rdd`.
    Exit status 1 (some documents got "error" records) is not a failure: those records are in the output."""
    sc = rdd.context
    model, binary = _ship(sc, model_path), _ship(sc, classify_path)
    arguments = list(extra_arguments)

    def partition(records):
        executable = SparkFiles.get(binary)
        os.chmod(executable, 0o755)
        command = [executable, "--model", SparkFiles.get(model), "--input-format", "jsonl",
                   "--threads", str(threads), "--quiet"] + arguments + ["-"]
        lines = (json.dumps({"id": str(doc_id), "text": text}, ensure_ascii=False) for doc_id, text in records)
        return _run(command, lines)

    return rdd.mapPartitions(partition)


def count_document_frequencies(rdd, train_path, ngrams="1...2"):
    """One `lede-train count` per partition of `rdd` (texts, or (id, text) pairs); returns the counts files'
    contents (str), one per partition, for `lede-train merge-counts`."""
    sc = rdd.context
    binary = _ship(sc, train_path)

    def partition(records):
        executable = SparkFiles.get(binary)
        os.chmod(executable, 0o755)
        command = [executable, "count", "-", "--format", "jsonl", "--ngrams", ngrams, "--output", "-"]
        texts = (record[1] if isinstance(record, tuple) else record for record in records)
        lines = (json.dumps({"text": text, "labels": []}, ensure_ascii=False) for text in texts)
        yield "\n".join(_run(command, lines)) + "\n"

    return rdd.mapPartitions(partition).collect()
