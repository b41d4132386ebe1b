"""Build the bench/titles corpus from Debian documentation packages.

Usage: prepare.py OUTDIR COUNT

Writes OUTDIR/pages/..., OUTDIR/manifest.tsv (URL path, file, Content-Type)
for the page server, and OUTDIR/truth.tsv (URL path, title) with the title
of every page as a real HTML parser (lxml, libxml2) reads it, given the
page's true encoding. COUNT pages are chosen: every re-encoded page, then
UTF-8 pages in a fixed order.

Pages of translated documentation are re-encoded with iconv into legacy
encodings, the charset declared in the Content-Type header only, in a
<meta> only, or nowhere, in turn.
"""

import glob
import os
import re
import subprocess
import sys

import lxml.html

UTF8_SOURCES = [
    "/usr/share/doc/python3-doc/html/**/*.html",
    "/usr/share/doc/postgresql-doc-*/html/*.html",
    "/usr/share/doc/git-doc/*.html",
    "/usr/share/doc/debian/FAQ/*/*.html",
    "/usr/share/developers-reference/*/*.html",
]
# (glob, iconv target, label used in declarations)
LEGACY_SOURCES = [
    ("/usr/share/doc/debian/FAQ/zh-cn/*.html", "GBK", "gbk"),
    ("/usr/share/doc/debian/FAQ/ja/*.html", "SHIFT_JIS", "shift_jis"),
    ("/usr/share/developers-reference/ja/*.html", "SHIFT_JIS", "shift_jis"),
    ("/usr/share/doc/debian/FAQ/ru/*.html", "WINDOWS-1251", "windows-1251"),
    ("/usr/share/developers-reference/ru/*.html", "WINDOWS-1251", "windows-1251"),
    ("/usr/share/doc/debian/FAQ/ko/*.html", "EUC-KR", "euc-kr"),
    ("/usr/share/doc/debian/FAQ/fr/*.html", "ISO-8859-1", "iso-8859-1"),
    ("/usr/share/doc/debian/FAQ/de/*.html", "ISO-8859-1", "iso-8859-1"),
]
MODES = ["header", "meta", "none"]
DECL = re.compile(
    rb'<\?xml[^>]*\?>|<meta[^>]+charset\s*=[^>]*>|<meta[^>]+http-equiv\s*=\s*["\']?content-type[^>]*>',
    re.I)
WS = re.compile(r"[ \t\n\f\r]+")


def truth(data, encoding):
    parser = lxml.html.HTMLParser(encoding=encoding)
    doc = lxml.html.document_fromstring(data, parser=parser)
    found = doc.xpath("//title[not(ancestor::svg)]")
    if not found:
        return None
    return WS.sub(" ", found[0].text_content()).strip()


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    os.makedirs(os.path.join(out, "pages"), exist_ok=True)
    rows = []  # (path, file, content type, encoding)

    n = 0
    for pattern, target, label in LEGACY_SOURCES:
        for src in sorted(glob.glob(pattern)):
            raw = open(src, "rb").read()
            stripped = DECL.sub(b"", raw)
            try:
                enc = subprocess.run(["iconv", "-f", "UTF-8", "-t", target + "//TRANSLIT"], input=stripped,
                                     capture_output=True, check=True).stdout
            except subprocess.CalledProcessError:
                continue  # iconv could not convert the page at all: skip it
            mode = MODES[n % len(MODES)]
            n += 1
            ctype = "text/html"
            if mode == "header":
                ctype = "text/html; charset=" + label
            elif mode == "meta":
                enc = re.sub(rb"<head([^>]*)>", lambda m: m.group(0) + b'<meta charset="' + label.encode() + b'">',
                             enc, count=1, flags=re.I)
            name = "legacy-%04d-%s-%s.html" % (n, label, mode)
            path = os.path.join(out, "pages", name)
            open(path, "wb").write(enc)
            rows.append(("/" + name, path, ctype, target))

    utf8 = []
    for pattern in UTF8_SOURCES:
        utf8 += sorted(glob.glob(pattern, recursive=True))
    for i, src in enumerate(utf8):
        if len(rows) >= count:
            break
        rows.append(("/utf8/%05d.html" % i, src, "text/html; charset=utf-8", "UTF-8"))
    if len(rows) < count:
        sys.exit("only %d pages found, %d wanted: are the doc packages installed?" % (len(rows), count))

    with open(os.path.join(out, "manifest.tsv"), "w") as m, open(os.path.join(out, "truth.tsv"), "w") as t:
        for path, f, ctype, encoding in rows:
            m.write("%s\t%s\t%s\n" % (path, f, ctype))
            title = truth(open(f, "rb").read(), encoding)
            t.write("%s\t%s\n" % (path, "" if title is None else title))
    legacy = sum(1 for r in rows if r[3] != "UTF-8")
    print("corpus: %d pages, %d of them re-encoded (%s)" % (len(rows), legacy, ", ".join(sorted({r[3] for r in rows}))),
          file=sys.stderr)


if __name__ == "__main__":
    main()
