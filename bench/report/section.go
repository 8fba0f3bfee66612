package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The markers around the generated section of docs/benchmarks.md.
const (
	StartMarker = "<!-- gateway-bench:start -->"
	EndMarker   = "<!-- gateway-bench:end -->"
)

// newDocument is what WriteSection starts from when the document does not
// exist yet; its author writes the rest.
const newDocument = "# Benchmarks\n\n" + StartMarker + "\n" + EndMarker + "\n"

// ReplaceSection returns doc with the text between the markers replaced by
// section. A document without the markers gets them, with the section,
// at its end. Replacing twice with the same section gives the same
// document.
func ReplaceSection(doc, section string) (string, error) {
	if section != "" && !strings.HasSuffix(section, "\n") {
		section += "\n"
	}
	block := StartMarker + "\n" + section + EndMarker
	i := strings.Index(doc, StartMarker)
	if i < 0 {
		if strings.Contains(doc, EndMarker) {
			return "", fmt.Errorf("%s without %s", EndMarker, StartMarker)
		}
		if doc != "" && !strings.HasSuffix(doc, "\n") {
			doc += "\n"
		}
		if doc != "" {
			doc += "\n"
		}
		return doc + block + "\n", nil
	}
	j := strings.Index(doc[i:], EndMarker)
	if j < 0 {
		return "", fmt.Errorf("%s without %s after it", StartMarker, EndMarker)
	}
	rest := doc[i+j+len(EndMarker):]
	if strings.Contains(rest, StartMarker) {
		return "", fmt.Errorf("more than one %s", StartMarker)
	}
	return doc[:i] + block + rest, nil
}

// WriteSection replaces the section of the document at path, creating
// the document when it does not exist. The file is replaced at once, so
// a reader never sees half of it.
func WriteSection(path, section string) error {
	doc, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		doc = []byte(newDocument)
	case err != nil:
		return fmt.Errorf("write section: %w", err)
	}
	out, err := ReplaceSection(string(doc), section)
	if err != nil {
		return fmt.Errorf("write section of %s: %w", path, err)
	}
	return WriteFile(path, []byte(out))
}

// WriteFile writes data to path through a temporary file in the same
// directory, renamed over path.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
