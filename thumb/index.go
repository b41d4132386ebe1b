package thumb

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"os"
	"path/filepath"
)

// indexEntry is one source image on the contact sheet.
type indexEntry struct {
	Src    string   // the source, as named on the command line
	Thumbs []string // its thumbnail files, smallest box first
}

var indexTmpl = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; background: #f4f4f4; color: #222; }
h1 { font-size: 1.3em; font-weight: 600; }
.sheet { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; padding: 8px; background: #fff; border: 1px solid #ddd; border-radius: 4px; width: 150px; text-align: center; overflow-wrap: anywhere; }
figure .big { display: flex; align-items: center; justify-content: center; height: 132px; }
figure img { image-rendering: auto; background: repeating-conic-gradient(#ddd 0 25%, #fff 0 50%) 0 0 / 12px 12px; }
figcaption { font-size: 0.75em; overflow-wrap: anywhere; margin-top: 4px; }
.sizes { font-size: 0.7em; color: #666; }
.sizes a { color: #36c; display: block; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<div class="sheet">
{{- range .Entries}}
<figure>
<div class="big"><a href="{{.Big}}"><img src="{{.Big}}" alt="{{.Src}}" loading="lazy"></a></div>
<figcaption>{{.Src}}</figcaption>
<div class="sizes">{{range .Sizes}}<a href="{{.Href}}">{{.Label}}</a>{{end}}</div>
</figure>
{{- end}}
</div>
</body>
</html>
`))

// writeIndex writes outDir/index.html, the contact sheet of renderIndex.
func writeIndex(outDir string, entries []indexEntry) error {
	buf, err := renderIndex(outDir, entries)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	path := filepath.Join(outDir, "index.html")
	f, err := os.CreateTemp(outDir, ".index.html.tmp*")
	if err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(buf); err != nil {
		f.Close()
		return fmt.Errorf("write index: %w", err)
	}
	f.Chmod(0o644)
	if err := f.Close(); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return os.Rename(f.Name(), path)
}

// renderIndex returns a contact sheet showing each entry's largest
// thumbnail with links to every size. Paths in the page are relative to
// outDir, so the folder can be moved or served as it is.
func renderIndex(outDir string, entries []indexEntry) ([]byte, error) {
	type size struct {
		Href  template.URL
		Label string
	}
	type entry struct {
		Src   string
		Big   template.URL
		Sizes []size
	}
	page := struct {
		Title   string
		Entries []entry
	}{Title: fmt.Sprintf("%d images", len(entries))}
	for _, e := range entries {
		if len(e.Thumbs) == 0 {
			continue
		}
		var en entry
		en.Src = e.Src
		for _, t := range e.Thumbs {
			rel, err := filepath.Rel(outDir, t)
			if err != nil {
				rel = t
			}
			href := template.URL((&url.URL{Path: filepath.ToSlash(rel)}).EscapedPath())
			label := filepath.Base(t)
			en.Sizes = append(en.Sizes, size{href, label})
			en.Big = href
		}
		page.Entries = append(page.Entries, en)
	}
	var buf bytes.Buffer
	if err := indexTmpl.Execute(&buf, page); err != nil {
		return nil, fmt.Errorf("write index: %w", err)
	}
	return buf.Bytes(), nil
}
