package title

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func TestExtract(t *testing.T) {
	tests := []struct {
		name, page, contentType string
		want, charset           string
		class                   Class // "" when a title is expected
	}{
		{name: "plain", page: "<title>Hello</title>", want: "Hello", charset: "utf-8"},
		{name: "entities and whitespace", page: "entities.html", want: "Fish & Chips — café “quoted” <tag> \u00a0x", charset: "utf-8"},
		{name: "svg title skipped", page: "svg-first.html", want: "Real title after svg", charset: "utf-8"},
		{name: "script comment style skipped", page: "script-before.html", want: "Genuine", charset: "utf-8"},
		{name: "no title", page: "no-title.html", class: ClassNoTitle},
		{name: "empty title", page: "empty-title.html", class: ClassNoTitle},
		{name: "unclosed title at EOF", page: "unclosed.html", want: "Never closed & cut", charset: "utf-8"},
		{name: "GBK undeclared", page: "zh-gbk-undeclared.html", want: "Python 教程 — 数据结构与算法", charset: "gb18030"},
		{name: "GBK meta", page: "zh-gbk-meta.html", want: "Python 教程 — 数据结构与算法", charset: "gbk"},
		{name: "GBK header", page: "zh-gbk-undeclared.html", contentType: "text/html; charset=GBK", want: "Python 教程 — 数据结构与算法", charset: "gbk"},
		{name: "Shift_JIS undeclared", page: "ja-sjis-undeclared.html", want: "Python チュートリアル: データ構造", charset: "shift_jis"},
		{name: "Shift_JIS http-equiv", page: "ja-sjis-httpequiv.html", want: "Python チュートリアル: データ構造", charset: "shift_jis"},
		{name: "windows-1251 undeclared", page: "ru-1251-undeclared.html", want: "Учебник Python — структуры данных", charset: "windows-1251"},
		{name: "windows-1251 header", page: "ru-1251-undeclared.html", contentType: "text/html;charset=windows-1251", want: "Учебник Python — структуры данных", charset: "windows-1251"},
		{name: "Latin-1 undeclared", page: "fr-latin1-undeclared.html", want: "Le tutoriel Python : Structures de données élémentaires", charset: "windows-1252"},
		{name: "Latin-1 meta", page: "fr-latin1-meta.html", want: "Le tutoriel Python : Structures de données élémentaires", charset: "windows-1252"},
		{name: "meta after title within 1024 bytes", page: "meta-after-title.html", want: "Meta after title ¿é?", charset: "windows-1252"},
		{name: "header beats meta", page: "zh-utf8.html", contentType: "text/html; charset=utf-8", want: "Python 教程 — 数据结构与算法", charset: "utf-8"},
		{name: "UTF-8 BOM beats header", page: "bom-utf8.html", contentType: "text/html; charset=windows-1251", want: "Python 教程 — 数据结构与算法", charset: "utf-8"},
		{name: "UTF-16LE BOM", page: "bom-utf16le.html", want: "UTF-16 Учебник Python — структуры данных", charset: "utf-16le"},
		{name: "title in body counts", page: "<html><body><p>x</p><title>Late</title>", want: "Late", charset: "utf-8"},
		{name: "svg self-closing does not hide", page: "<svg/><title>After</title>", want: "After", charset: "utf-8"},
		{name: "NUL replaced", page: "<title>a\x00b</title>", want: "a\uFFFDb", charset: "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := []byte(tt.page)
			if strings.HasSuffix(tt.page, ".html") {
				page = readPage(t, tt.page)
			}
			got, err := Extract(bytes.NewReader(page), tt.contentType, Limits{})
			if tt.class != "" {
				if err == nil || classOfExtract(err) != tt.class {
					t.Fatalf("Extract = %q, %v; want class %s", got.Title, err, tt.class)
				}
				return
			}
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if got.Title != tt.want || got.Charset.Name != tt.charset {
				t.Errorf("Extract = %q (%s), want %q (%s)", got.Title, got.Charset.Name, tt.want, tt.charset)
			}
		})
	}
}

func TestExtractLimits(t *testing.T) {
	long := "<title>" + strings.Repeat("é", 3000) + "</title>"
	got, err := Extract(strings.NewReader(long), "", Limits{MaxTitle: 10})
	if err != nil || got.Title != strings.Repeat("é", 10) {
		t.Errorf("title cap: got %q, %v", got.Title, err)
	}

	markup := "<html><head>" + strings.Repeat("<meta name=x content=y>", 60000) + "<title>Deep</title>"
	got, err = Extract(strings.NewReader(markup), "", Limits{MaxBytes: 512 << 10})
	if classOfExtract(err) != ClassBodyTooLarge || got.BytesRead > 512<<10 {
		t.Errorf("byte cap: got %v after %d bytes, want body_too_large within 512 KiB", err, got.BytesRead)
	}
	got, err = Extract(strings.NewReader(markup), "", Limits{})
	if err != nil || got.Title != "Deep" {
		t.Errorf("title after 1.3 MB: got %q, %v", got.Title, err)
	}

	// Reading stops at </title>: a reader that fails past it is never hit.
	r := &failAfter{data: []byte("<title>Stop here</title>"), fail: true}
	if got, err := Extract(r, "text/html; charset=utf-8", Limits{}); err != nil || got.Title != "Stop here" {
		t.Errorf("stop at </title>: got %q, %v", got.Title, err)
	}
}

// failAfter yields data, then fails instead of reporting EOF.
type failAfter struct {
	data []byte
	fail bool
}

func (f *failAfter) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, fmt.Errorf("read past the end of the title")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestExtractGolden records title, charset and its source for every page
// under testdata/pages; run with -update to rewrite the golden file.
func TestExtractGolden(t *testing.T) {
	names, err := filepath.Glob(filepath.Join("testdata", "pages", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		x, err := Extract(bytes.NewReader(data), "", Limits{})
		result := x.Title
		if err != nil {
			result = "error " + string(classOfExtract(err))
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", filepath.Base(name), x.Charset.Name, x.Charset.Source, result)
	}
	golden := filepath.Join("testdata", "extract.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("extract results differ from %s (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", golden, b.String(), want)
	}
}

func readPage(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "pages", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// classOfExtract maps Extract's sentinel errors to their class, as Fetch does.
func classOfExtract(err error) Class {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errNoTitle), errors.Is(err, errEmptyTitle):
		return ClassNoTitle
	case errors.Is(err, errTooLarge):
		return ClassBodyTooLarge
	}
	return ClassOther
}

func TestCleanIsValidUTF8(t *testing.T) {
	if got := clean([]byte("a\xffb  \t c"), 100); got != "a\uFFFDb c" || !utf8.ValidString(got) {
		t.Errorf("clean = %q", got)
	}
}
