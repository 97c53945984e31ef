// Package protect makes the one form in which the party's policy lets
// personal data leave the approved systems: a file encrypted under a
// fresh, one-time passphrase that travels by another channel.
//
// A spreadsheet (CSV, TSV, XLSX, ODS, flat ODS) becomes a workbook
// encrypted as Excel's "Encrypt with Password" does it (ECMA-376 agile
// encryption, AES-256), which Excel and LibreOffice open with the
// passphrase. Any other file goes, unchanged, into a zip encrypted with
// WinZip AES-256 (AE-2), which 7-Zip, Keka and The Unarchiver open.
//
// The output is written next to the input (or where Options.Out says)
// through a temporary file that only ever holds encrypted bytes, and is
// renamed into place without replacing anything: an existing file is never
// overwritten, and on any error, cancellation included, nothing is left
// behind. The passphrase comes from crypto/rand and is returned once in
// Result; this package neither stores nor logs it, nor anything of the
// file's contents.
package protect

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"dataward/policy/classify"
	"dataward/policy/classify/sheets"
)

// Kind is the form of a protected file.
type Kind string

// The kinds of protected file. The zero Kind, in Options, means "decide
// from the content".
const (
	Workbook Kind = "xlsx" // a password-encrypted Office workbook
	Archive  Kind = "zip"  // an AES-256 encrypted zip holding the file as it is
)

// Limits bound the memory and time one Protect call may take.
type Limits struct {
	// MaxSheetBytes is the largest spreadsheet file turned into an
	// encrypted workbook. The file, and the workbook made from it, are
	// held in memory: a 100 MB CSV peaks at about 280 MB of heap.
	MaxSheetBytes int64
	// MaxXMLBytes bounds the decompressed contents of an ODS read.
	MaxXMLBytes int64
	// MaxCells is the most non-empty cells written to one workbook.
	MaxCells int64
	// MaxFileBytes is the largest file put in an encrypted zip; it is
	// streamed, so this bounds time and the archive's size, not memory.
	// It stays below 4 GiB: the zip is written without ZIP64.
	MaxFileBytes int64
}

// DefaultLimits are the limits used when Options.Limits is zero: a
// council's whole electoral register export fits as a workbook; a file
// beyond them is too large to send by e-mail in any form.
func DefaultLimits() Limits {
	return Limits{
		MaxSheetBytes: 128 << 20,
		MaxXMLBytes:   1 << 30,
		MaxCells:      20_000_000,
		MaxFileBytes:  2 << 30,
	}
}

// Options tune one Protect call.
type Options struct {
	// Out is the path of the encrypted file. Empty means next to the
	// input as NAME.protected.xlsx or NAME.protected.zip (NAME being the
	// input's name without its extension), or NAME.protected-2.xlsx and so
	// on if that exists. An Out ending in .xlsx or .zip also chooses the
	// Kind; any other extension is refused.
	Out string
	// Kind forces the form; empty decides from the content.
	Kind Kind
	// Limits bound the work; the zero value means DefaultLimits.
	Limits Limits
}

// Result says what Protect made. It holds no file contents.
type Result struct {
	Path   string // the encrypted file
	Kind   Kind
	Source string // the input, as given
	// Format is what the input was found to be: "csv", "tsv", "xlsx",
	// "ods", "fods" or "file".
	Format string
	// Passphrase opens the file. Show it once, to the sender only, and
	// never store, log or send it with the file.
	Passphrase string
	// Sheets, Rows and Cells count what a converted workbook holds (not
	// filled in for an .xlsx, which is encrypted as it is).
	Sheets int
	Rows   int64
	Cells  int64
	Size   int64  // bytes of the encrypted file
	SHA256 string // of the encrypted file, lower-case hex, for the audit log
	// Note explains a choice the caller may want to pass on, such as a
	// spreadsheet too large to convert going into a zip; usually empty.
	Note string
}

// The errors Protect wraps; test them with errors.Is.
var (
	// ErrExists reports that Options.Out names an existing file.
	ErrExists = errors.New("the output file already exists")
	// ErrTooLarge reports an input over the Limits or over what a
	// spreadsheet can hold.
	ErrTooLarge = errors.New("too large to protect")
	// ErrNotSpreadsheet reports that a workbook was asked for and the
	// input is not a CSV, TSV, XLSX or ODS spreadsheet.
	ErrNotSpreadsheet = errors.New("not a spreadsheet")
	// ErrNotRegular reports an input that is a folder, device or the like.
	ErrNotRegular = errors.New("not a regular file")
	// ErrOutName reports an Options.Out whose extension is neither .xlsx
	// nor .zip, or does not fit the Kind asked for.
	ErrOutName = errors.New("the output name must end in .xlsx or .zip")
)

// textExts are the extensions of delimited text that becomes a workbook,
// what Excel and Calc save delimited text as, with the separator a file
// of one column is taken to have. Other text (JSON, vCards, logs, letters)
// has commas too but is no table, and goes into a zip unchanged. A .txt
// becomes a workbook only when tab-separated, as Excel's "Text (Tab
// delimited)" saves it: commas in a letter must not make it a table.
var textExts = map[string]rune{".csv": ',', ".tsv": '\t', ".tab": '\t', ".txt": 0}

// Protect encrypts the file at in under a new passphrase and writes the
// result as Options say. Unless they choose, the content decides: a zip
// package whose content types name a workbook is an XLSX, one with the
// ODS mimetype an ODS, an XML document with it a flat ODS, and text that
// Classify reads as a table, in a file named .csv, .tsv or .tab (or .txt
// when tab-separated), a CSV or TSV. Those become a workbook; anything
// else, and a spreadsheet over the Limits or over what a sheet holds, goes
// into a zip as it is, with Result.Note saying why. Cancelling ctx stops
// the work and leaves nothing behind.
func Protect(ctx context.Context, in string, opts Options) (Result, error) {
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits()
	}
	lim := opts.Limits
	res := Result{Source: in, Kind: opts.Kind}
	switch ext := strings.ToLower(filepath.Ext(opts.Out)); {
	case opts.Out == "":
	case ext == ".xlsx" && res.Kind != Archive:
		res.Kind = Workbook
	case ext == ".zip" && res.Kind != Workbook:
		res.Kind = Archive
	default:
		return Result{}, fmt.Errorf("%s: %w", opts.Out, ErrOutName)
	}
	if opts.Out != "" {
		if _, err := os.Lstat(opts.Out); err == nil {
			return Result{}, fmt.Errorf("%s: %w", opts.Out, ErrExists)
		}
	}

	f, err := os.Open(in)
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Result{}, err
	}
	if !info.Mode().IsRegular() {
		return Result{}, fmt.Errorf("%s: %w", in, ErrNotRegular)
	}

	src, err := inspect(f, info, in, res.Kind, lim)
	if err != nil {
		return Result{}, err
	}
	defer clear(src.data) // the plain spreadsheet, best effort
	res.Format, res.Note = src.format, src.note
	auto := res.Kind == ""
	if auto {
		res.Kind = Archive
		if src.format != "file" {
			res.Kind = Workbook
		}
	}
	if res.Kind == Archive && info.Size() > lim.MaxFileBytes {
		return Result{}, fmt.Errorf("%s is %d MiB, over the %d MiB limit: %w", in, info.Size()>>20, lim.MaxFileBytes>>20, ErrTooLarge)
	}

	if res.Passphrase, err = NewPassphrase(); err != nil {
		return Result{}, err
	}
	dir, names := outputNames(in, opts.Out, res.Kind)
	tmp, err := os.CreateTemp(dir, ".dataward-protect-*.tmp")
	if err != nil {
		return Result{}, fmt.Errorf("creating the output: %w", err)
	}
	published := false
	defer func() {
		if !published {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(fileMode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return Result{}, fmt.Errorf("creating the output: %w", err)
	}
	sum := sha256.New()
	out := &countWriter{w: io.MultiWriter(tmp, sum)}

	if res.Kind == Workbook {
		err = writeWorkbook(ctx, out, src, in, res.Passphrase, lim, &res)
		if auto && errors.Is(err, ErrTooLarge) && info.Size() <= lim.MaxFileBytes {
			// More than a spreadsheet holds: the file goes as it is, in a
			// zip, which is just as compliant.
			why := strings.TrimSuffix(err.Error(), ": "+ErrTooLarge.Error())
			res.Kind, res.Note = Archive, "put in an encrypted zip as it is, not made into a workbook: "+why
			res.Sheets, res.Rows, res.Cells = 0, 0, 0
			err = restart(tmp, sum, out)
		}
	}
	if err == nil && res.Kind == Archive {
		err = writeArchive(ctx, out, f, info, res.Passphrase, lim)
	}
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if err := tmp.Sync(); err != nil {
		return Result{}, fmt.Errorf("writing the output: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Result{}, fmt.Errorf("writing the output: %w", err)
	}
	for _, name := range names {
		err = renameNoReplace(tmp.Name(), name)
		if err == nil {
			res.Path = name
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return Result{}, fmt.Errorf("moving the output into place: %w", err)
		}
	}
	if res.Path == "" {
		return Result{}, fmt.Errorf("%s: %w", names[len(names)-1], ErrExists)
	}
	published = true
	// The file is complete and closed; a lost directory entry after a
	// power cut only means running protect again.
	_ = syncDir(dir)
	res.Size = out.n
	res.SHA256 = hex.EncodeToString(sum.Sum(nil))
	return res, nil
}

// source is what inspect found the input to be.
type source struct {
	format string // as Result.Format
	data   []byte // the whole file, for a spreadsheet
	layout classify.TextLayout
	delim  rune
	note   string
}

// inspect decides from the content what the input is. A spreadsheet is
// read whole (it is needed whole); any other file only as far as its
// first bytes. kind is the form asked for, if any.
func inspect(f *os.File, info fs.FileInfo, name string, kind Kind, lim Limits) (source, error) {
	if kind == Archive {
		return source{format: "file"}, nil
	}
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && err != io.EOF {
		return source{}, err
	}
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(name))
	_, textExt := textExts[ext]
	candidate := bytes.HasPrefix(head, []byte("PK\x03\x04")) || isFODS(head) || textExt || kind == Workbook
	if !candidate {
		return source{format: "file"}, nil
	}
	if info.Size() > lim.MaxSheetBytes {
		if kind == Workbook {
			return source{}, fmt.Errorf("%s is %d MiB, over the %d MiB a workbook is made from: %w", name, info.Size()>>20, lim.MaxSheetBytes>>20, ErrTooLarge)
		}
		src := source{format: "file"}
		if textExt || ext == ".xlsx" || ext == ".ods" || ext == ".fods" {
			src.note = fmt.Sprintf("larger than %d MiB, so put in an encrypted zip as it is rather than made into a workbook", lim.MaxSheetBytes>>20)
		}
		return src, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return source{}, err
	}
	data, err := io.ReadAll(io.LimitReader(f, lim.MaxSheetBytes+1))
	if err != nil {
		return source{}, err
	}
	if int64(len(data)) > lim.MaxSheetBytes {
		return source{}, fmt.Errorf("%s grew past %d MiB while being read: %w", name, lim.MaxSheetBytes>>20, ErrTooLarge)
	}
	src := source{format: "file", data: data}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		src.format = zipFormat(data)
	case isFODS(data):
		src.format = "fods"
	default:
		l := classify.SniffText(data)
		delim, known := textExts[ext]
		switch {
		case !l.Text:
		case l.Delimiter != 0 && (known && (ext != ".txt" || l.Delimiter == '\t') || kind == Workbook):
			src.layout, src.delim = l, l.Delimiter
		case delim != 0:
			// A one-column list, a table to Excel all the same.
			src.layout, src.delim = l, cmp.Or(delim, ',')
		}
		if src.delim != 0 {
			src.format = "csv"
			if src.delim == '\t' {
				src.format = "tsv"
			}
		}
	}
	if src.format == "file" {
		clear(data)
		src.data = nil
		if kind == Workbook {
			return source{}, fmt.Errorf("%s: %w", name, ErrNotSpreadsheet)
		}
	}
	return src, nil
}

// zipFormat tells an XLSX workbook and an ODS spreadsheet from other zip
// packages. A macro-enabled workbook, a template or an encrypted ODS is
// no plain workbook and goes into a zip as it is.
func zipFormat(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "file"
	}
	if sheets.ODFMimetype(zr) == "application/vnd.oasis.opendocument.spreadsheet" {
		if enc, err := sheets.ODSEncrypted(zr); err == nil && !enc {
			return "ods"
		}
		return "file"
	}
	for _, f := range zr.File {
		if f.Name != "[Content_Types].xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "file"
		}
		defer rc.Close()
		types, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		if err == nil && bytes.Contains(types, []byte("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")) {
			return "xlsx"
		}
		return "file"
	}
	return "file"
}

// isFODS reports whether head starts a flat OpenDocument spreadsheet.
func isFODS(head []byte) bool {
	head = head[:min(len(head), 4096)]
	t := bytes.TrimLeft(head, "\xEF\xBB\xBF \t\r\n")
	return bytes.HasPrefix(t, []byte("<?xml")) && bytes.Contains(head, []byte("office:document")) &&
		bytes.Contains(head, []byte(`"application/vnd.oasis.opendocument.spreadsheet"`))
}

// writeWorkbook writes the encrypted workbook for a spreadsheet source.
func writeWorkbook(ctx context.Context, out io.Writer, src source, in, password string, lim Limits, res *Result) error {
	pkg := src.data // an .xlsx is encrypted exactly as it is
	if src.format != "xlsx" {
		w := newWorkbookWriter(lim)
		var err error
		switch src.format {
		case "csv", "tsv":
			stem := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
			err = writeDelimited(ctx, w, src.data, src.layout, src.delim, stem)
		case "fods":
			err = writeODF(ctx, w, bytes.NewReader(src.data), lim)
		case "ods":
			err = writeODS(ctx, w, src.data, lim)
		}
		if err == nil {
			pkg, err = w.finish()
		}
		if err != nil {
			clear(w.buf.Bytes())
			return err
		}
		defer clear(pkg)
		res.Sheets, res.Rows, res.Cells = len(w.names), w.rows, w.cells
	}
	secrets, err := newAgileSecrets(rand.Reader)
	if err != nil {
		return err
	}
	return writeEncryptedWorkbook(ctx, out, pkg, password, secrets)
}

func writeODS(ctx context.Context, w *workbookWriter, data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("reading the spreadsheet: %w", err)
	}
	content, err := zr.Open("content.xml")
	if err != nil {
		return fmt.Errorf("reading the spreadsheet: %w", err)
	}
	defer content.Close()
	return writeODF(ctx, w, content, lim)
}

// writeArchive writes the encrypted zip of the open input file.
func writeArchive(ctx context.Context, out io.Writer, f *os.File, info fs.FileInfo, password string, lim Limits) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	salt := make([]byte, aesSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	src := &limitedReader{r: f, n: lim.MaxFileBytes}
	_, err := writeAE2(ctx, out, src, zipEntry{name: info.Name(), modified: info.ModTime()}, password, salt)
	if errors.Is(err, errOverLimit) {
		return fmt.Errorf("%s grew past %d MiB while being read: %w", info.Name(), lim.MaxFileBytes>>20, ErrTooLarge)
	}
	return err
}

// outputNames returns the folder of the output and the names to try, in
// order: Out alone if given, else NAME.protected.EXT next to the input
// and numbered variants.
func outputNames(in, out string, kind Kind) (string, []string) {
	if out != "" {
		return filepath.Dir(out), []string{out}
	}
	dir := filepath.Dir(in)
	base := filepath.Base(in)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	if stem == "" {
		stem = base
	}
	names := []string{filepath.Join(dir, stem+".protected."+string(kind))}
	for k := 2; k <= 99; k++ {
		names = append(names, filepath.Join(dir, fmt.Sprintf("%s.protected-%d.%s", stem, k, kind)))
	}
	return dir, names
}

// restart empties the output to write it again.
func restart(tmp *os.File, sum hash.Hash, out *countWriter) error {
	if err := tmp.Truncate(0); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sum.Reset()
	out.n = 0
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
