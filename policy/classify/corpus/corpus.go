// Package corpus writes a labelled test corpus for the classifier: exports
// of people in the shapes UK party offices meet (VAN/Connect, electoral
// registers, walk sheets, Mailchimp, NationBuilder, membership rosters),
// hard negatives that look like them but hold no people, and encrypted
// files. Everything is made from embedded word lists and a seed, so the
// same seed gives the same bytes and no real person's data is involved.
package corpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// The labels a Case can carry.
const (
	WantPersonal  = "personal"
	WantClean     = "clean"
	WantEncrypted = "encrypted"
)

// LabelsFile is the name of the labels file Generate writes in the corpus
// directory.
const LabelsFile = "labels.json"

// Case is one file of the corpus and what a classifier should say about it.
type Case struct {
	Path    string `json:"path"`    // relative to the corpus dir, slash-separated
	Want    string `json:"want"`    // WantPersonal, WantClean or WantEncrypted
	Shape   string `json:"shape"`   // export kind and format, e.g. "xpress-register14/tsv-cp1252"
	Records int    `json:"records"` // people in it, counting encrypted parts; 0 for negatives
}

// Generate writes the corpus for seed into dir, creating dir if needed, and
// writes dir/labels.json. It returns the cases in the order written.
func Generate(dir string, seed int64) ([]Case, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating corpus dir: %w", err)
	}
	b := &builder{dir: dir, seed: uint64(seed), r: rand.New(rand.NewPCG(uint64(seed), 0)), seen: map[string]bool{}}
	catalogue(b)
	if b.err != nil {
		return nil, b.err
	}
	if err := WriteLabels(dir, b.cases); err != nil {
		return nil, err
	}
	return b.cases, nil
}

// WriteLabels writes cases as dir/labels.json, indented so that a diff
// between two corpora reads well.
func WriteLabels(dir string, cases []Case) error {
	data, err := json.MarshalIndent(cases, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding labels: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, LabelsFile), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing labels: %w", err)
	}
	return nil
}

// ReadLabels reads dir/labels.json.
func ReadLabels(dir string) ([]Case, error) {
	data, err := os.ReadFile(filepath.Join(dir, LabelsFile))
	if err != nil {
		return nil, fmt.Errorf("reading labels: %w", err)
	}
	var cases []Case
	if err := json.Unmarshal(data, &cases); err != nil {
		return nil, fmt.Errorf("decoding labels: %w", err)
	}
	return cases, nil
}

// content makes one file's bytes and the number of people in it.
type content func(f *faker) ([]byte, int, error)

// builder writes files and collects their cases. Its error is sticky: after
// the first failure every add is a no-op, which keeps the catalogue a plain
// list of calls.
type builder struct {
	dir   string
	seed  uint64
	r     *rand.Rand // record counts
	seen  map[string]bool
	cases []Case
	err   error
}

var errDuplicatePath = errors.New("corpus path used twice")

// add makes and writes one file. Each file's faker is seeded from the seed
// and the path, so adding a file leaves every other file's bytes unchanged.
func (b *builder) add(path, want, shape string, c content) {
	if b.err != nil {
		return
	}
	if b.seen[path] {
		b.err = fmt.Errorf("%w: %s", errDuplicatePath, path)
		return
	}
	b.seen[path] = true
	h := fnv.New64a()
	h.Write([]byte(path))
	data, n, err := c(newFaker(b.seed, h.Sum64()))
	if err != nil {
		b.err = fmt.Errorf("making %s: %w", path, err)
		return
	}
	if err := os.WriteFile(filepath.Join(b.dir, filepath.FromSlash(path)), data, 0o644); err != nil {
		b.err = fmt.Errorf("writing corpus file: %w", err)
		return
	}
	if want == WantClean {
		n = 0
	}
	b.cases = append(b.cases, Case{Path: path, Want: want, Shape: shape, Records: n})
}

// count draws a record count between 12 and 300, most files being small.
func (b *builder) count() int {
	if b.r.IntN(3) == 0 {
		return 12 + b.r.IntN(289)
	}
	return 12 + b.r.IntN(90)
}

func text(k kind, n int, tf textFmt) content {
	return func(f *faker) ([]byte, int, error) {
		t := k(f, n)
		data, err := encodeText(t, tf)
		return data, t.records(), err
	}
}

// sheetSpec is a worksheet still to be made.
type sheetSpec struct {
	name    string
	k       kind
	n       int
	protect bool
}

func (f *faker) makeSheets(specs []sheetSpec) ([]sheet, int) {
	out := make([]sheet, len(specs))
	people := 0
	for i, s := range specs {
		t := s.k(f, s.n)
		out[i] = sheet{name: s.name, t: t, protect: s.protect}
		people += t.records()
	}
	return out, people
}

func xlsxOf(specs ...sheetSpec) content {
	return func(f *faker) ([]byte, int, error) {
		sheets, n := f.makeSheets(specs)
		data, err := encodeXLSX(sheets)
		return data, n, err
	}
}

func odsOf(specs ...sheetSpec) content {
	return func(f *faker) ([]byte, int, error) {
		sheets, n := f.makeSheets(specs)
		data, err := encodeODS(f.r, sheets)
		return data, n, err
	}
}

// sealed encrypts a workbook as Excel's "Encrypt with Password" does.
func sealed(c content, password string) content {
	return func(f *faker) ([]byte, int, error) {
		data, n, err := c(f)
		if err != nil {
			return nil, 0, err
		}
		data, err = encryptOOXML(data, password, f.r)
		return data, n, err
	}
}

// member is a file inside an archive.
type member struct {
	name string
	c    content
	seal seal
}

func archive(members ...member) content {
	return func(f *faker) ([]byte, int, error) {
		entries := make([]entry, len(members))
		people := 0
		for i, m := range members {
			data, n, err := m.c(f)
			if err != nil {
				return nil, 0, fmt.Errorf("archive member %s: %w", m.name, err)
			}
			entries[i], people = entry{name: m.name, data: data, seal: m.seal}, people+n
		}
		data, err := encodeZip(f.r, entries)
		return data, people, err
	}
}

func doc(write func(f *faker) []byte) content {
	return func(f *faker) ([]byte, int, error) { return write(f), 0, nil }
}

func junk(size int) content {
	return func(f *faker) ([]byte, int, error) { return randBytes(f.r, size), 0, nil }
}

func encryptedODSOf(n int) content {
	return func(f *faker) ([]byte, int, error) {
		data, err := encryptedODS(f.r, 400*n)
		return data, n, err
	}
}
