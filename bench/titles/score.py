"""Score a tool's URL<TAB>TITLE output against the truth.

Usage: score.py TRUTH.tsv BASE-URL OUTPUT [--show N]

Prints "exact total percent" and, with --show, the first N mismatches on
stderr. A URL the tool printed no title for counts as wrong.
"""

import sys


def main():
    truth_file, base, output = sys.argv[1:4]
    show = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--show" else 0
    truth = {}
    for line in open(truth_file, encoding="utf-8"):
        path, _, title = line.rstrip("\n").partition("\t")
        truth[base + path] = title
    got = {}
    with open(output, encoding="utf-8", errors="replace") as f:
        for line in f:
            url, sep, title = line.rstrip("\n").partition("\t")
            if sep and url in truth and url not in got:
                got[url] = title
    exact = 0
    shown = 0
    for url, want in truth.items():
        if got.get(url) == want:
            exact += 1
        elif shown < show:
            shown += 1
            print("  %s\n    want %r\n    got  %r" % (url, want, got.get(url)), file=sys.stderr)
    print("%d %d %.1f" % (exact, len(truth), 100.0 * exact / len(truth)))


if __name__ == "__main__":
    main()
