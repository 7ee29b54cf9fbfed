#!/usr/bin/python3
"""Parses a Prometheus text exposition (file argument) with the Prometheus project's own
parser (Debian python3-prometheus-client, hence /usr/bin/python3) and prints its samples as JSON:
{"families": {name: type}, "samples": [{"name", "labels", "value"}]}. Exits 1, with the
parser's complaint on stderr, when the text is not valid exposition format."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    families = {}
    samples = []
    try:
        for family in text_string_to_metric_families(text):
            families[family.name] = family.type
            for s in family.samples:
                samples.append({"name": s.name, "labels": s.labels, "value": s.value})
    except Exception as e:  # the parser raises ValueError and others on bad input
        print(f"not valid exposition text: {e}", file=sys.stderr)
        return 1
    json.dump({"families": families, "samples": samples}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
